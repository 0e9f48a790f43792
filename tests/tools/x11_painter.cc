// x11_painter: a tiny X client the X11 source tests draw with. It connects
// to $DISPLAY and reads one command per line on standard input; after each
// it waits until the server has carried it out (XSync) and answers "ok" (or
// "error: <why>") on standard output, flushed, so a test knows the drawing
// is on the screen before it captures. No sleeps anywhere.
//
//   window X Y W H      new override-redirect window (no decorations),
//                       mapped and exposed (black); it becomes the current
//                       window; answers "ok <id>" (0x-hex)
//   argb-window X Y W H new window as `window` does, but of a 32-bit ARGB
//                       visual (as menus with shadows are), transparent
//   fill X Y W H RRGGBB fill on the current window (else the root window)
//   fill X Y W H AARRGGBB
//                       on an ARGB window: that pixel as it is (colours
//                       premultiplied by alpha, as X's ARGB pixels are)
//   move X Y            move the current window
//   hide                unmap the current window
//   show                map it again, and wait until it is exposed (its
//                       contents are then black again)
//   name TEXT           set WM_NAME and _NET_WM_NAME of the current window
//   cursor SHAPE        define a cursor on the current window (else the
//                       root): a cursor-font name (crosshair, hand2,
//                       left_ptr, watch, xterm, X_cursor, arrow) or number,
//                       or "argb" for a 4x4 ARGB cursor with translucent
//                       pixels, hotspot (1,2)
//   warp X Y            move the pointer to root coordinates
//   monitor NAME X Y W H [primary]
//                       define a RandR monitor (as xrandr --setmonitor
//                       does; the server must not reset when clients
//                       leave, or it is gone with the painter)
//   notify-root         send a (synthetic) ConfigureNotify about the root
//                       window, with its real size, to the clients watching
//                       it: data waiting in their sockets
//   close               destroy the current window
//   quit                answer "ok" and exit
//
// Colours are TrueColor pixels made from the visual's masks, keeping each
// channel's top bits (on a 16-bit screen, 0xff8040 is red 31, green 32,
// blue 8).
//
// Threading: one thread.
#include <stdio.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/cursorfont.h>
#include <X11/extensions/Xrandr.h>
#include <X11/extensions/Xrender.h>

namespace {

unsigned long ChannelBits(unsigned int value8, unsigned long mask) {
  if (mask == 0) return 0;
  int shift = 0;
  while (((mask >> shift) & 1) == 0) ++shift;
  int bits = 0;
  while (((mask >> (shift + bits)) & 1) != 0) ++bits;
  const unsigned long value =
      bits >= 8 ? value8 << (bits - 8) : value8 >> (8 - bits);
  return (value << shift) & mask;
}

unsigned long PixelOf(Visual* visual, unsigned long rgb) {
  return ChannelBits((rgb >> 16) & 0xff, visual->red_mask) |
         ChannelBits((rgb >> 8) & 0xff, visual->green_mask) |
         ChannelBits(rgb & 0xff, visual->blue_mask);
}

// 4x4 premultiplied ARGB: opaque blue, half red, a fifth of (255,85,0),
// transparent; then rows of opaque green.
Cursor ArgbCursor(Display* display, Window root) {
  static uint32_t pixels[16] = {0xff0000ff, 0x80800000, 0x33331100, 0};
  for (int i = 4; i < 16; ++i) pixels[i] = 0xff00ff00;
  XRenderPictFormat* format =
      XRenderFindStandardFormat(display, PictStandardARGB32);
  if (format == nullptr) return None;
  const Pixmap pixmap = XCreatePixmap(display, root, 4, 4, 32);
  XImage* image =
      XCreateImage(display, DefaultVisual(display, DefaultScreen(display)), 32,
                   ZPixmap, 0, reinterpret_cast<char*>(pixels), 4, 4, 32, 16);
  const GC gc = XCreateGC(display, pixmap, 0, nullptr);
  XPutImage(display, pixmap, gc, image, 0, 0, 0, 0, 4, 4);
  image->data = nullptr;  // static memory: not for XDestroyImage to free
  XDestroyImage(image);
  XFreeGC(display, gc);
  const Picture picture =
      XRenderCreatePicture(display, pixmap, format, 0, nullptr);
  const Cursor cursor = XRenderCreateCursor(display, picture, 1, 2);
  XRenderFreePicture(display, picture);
  XFreePixmap(display, pixmap);
  return cursor;
}

Cursor NamedCursor(Display* display, Window root, const std::string& shape) {
  if (shape == "argb") return ArgbCursor(display, root);
  static const std::map<std::string, unsigned int> kShapes = {
      {"X_cursor", XC_X_cursor},   {"arrow", XC_arrow},
      {"crosshair", XC_crosshair}, {"hand2", XC_hand2},
      {"left_ptr", XC_left_ptr},   {"watch", XC_watch},
      {"xterm", XC_xterm}};
  auto it = kShapes.find(shape);
  if (it != kShapes.end()) return XCreateFontCursor(display, it->second);
  char* end = nullptr;
  const unsigned long number = std::strtoul(shape.c_str(), &end, 10);
  if (shape.empty() || *end != '\0' || number >= XC_num_glyphs) return None;
  return XCreateFontCursor(display, static_cast<unsigned int>(number));
}

}  // namespace

int main() {
  Display* display = XOpenDisplay(nullptr);
  if (display == nullptr) {
    std::cout << "error: cannot open display" << std::endl;
    return 1;
  }
  const int screen = DefaultScreen(display);
  const Window root = RootWindow(display, screen);
  Visual* const visual = DefaultVisual(display, screen);
  const GC root_gc = XCreateGC(display, root, 0, nullptr);
  Window window = None;
  GC window_gc = nullptr;

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    std::string reply = "ok";
    if (command == "window" || command == "argb-window") {
      int x = 0, y = 0, w = 0, h = 0;
      XVisualInfo argb{};
      const bool is_argb = command == "argb-window";
      if (!(in >> x >> y >> w >> h) || w <= 0 || h <= 0) {
        reply = "error: " + command + " X Y W H";
      } else if (is_argb &&
                 !XMatchVisualInfo(display, screen, 32, TrueColor, &argb)) {
        reply = "error: no 32-bit visual";
      } else {
        XSetWindowAttributes attributes{};
        attributes.override_redirect = True;
        attributes.background_pixel = BlackPixel(display, screen);
        attributes.event_mask = ExposureMask;
        unsigned long mask = CWOverrideRedirect | CWBackPixel | CWEventMask;
        if (is_argb) {  // its own colormap and border, as X requires
          attributes.background_pixel = 0;  // transparent
          attributes.border_pixel = 0;
          attributes.colormap =
              XCreateColormap(display, root, argb.visual, AllocNone);
          mask |= CWBorderPixel | CWColormap;
        }
        window = XCreateWindow(
            display, root, x, y, static_cast<unsigned int>(w),
            static_cast<unsigned int>(h), 0, is_argb ? 32 : CopyFromParent,
            InputOutput, is_argb ? argb.visual : CopyFromParent, mask,
            &attributes);
        if (window_gc != nullptr) XFreeGC(display, window_gc);
        window_gc = XCreateGC(display, window, 0, nullptr);
        XMapWindow(display, window);
        XEvent event;
        do {  // mapped and painted once the (last) Expose comes
          XWindowEvent(display, window, ExposureMask, &event);
        } while (event.xexpose.count != 0);
        char id[32];
        snprintf(id, sizeof id, "ok 0x%lx", window);
        reply = id;
      }
    } else if (command == "fill") {
      int x = 0, y = 0, w = 0, h = 0;
      std::string hex;
      if (!(in >> x >> y >> w >> h >> hex) ||
          (hex.size() != 6 && hex.size() != 8)) {
        reply = "error: fill X Y W H RRGGBB (or AARRGGBB)";
      } else {
        const Window target = window != None ? window : root;
        const GC gc = window != None ? window_gc : root_gc;
        const unsigned long value = std::strtoul(hex.c_str(), nullptr, 16);
        XSetForeground(display, gc,
                       hex.size() == 8 ? value : PixelOf(visual, value));
        XFillRectangle(display, target, gc, x, y, static_cast<unsigned int>(w),
                       static_cast<unsigned int>(h));
      }
    } else if (command == "move") {
      int x = 0, y = 0;
      if (window == None || !(in >> x >> y)) {
        reply = "error: move X Y (needs a window)";
      } else {
        XMoveWindow(display, window, x, y);
      }
    } else if (command == "hide" || command == "show") {
      if (window == None) {
        reply = "error: " + command + " needs a window";
      } else if (command == "hide") {
        XUnmapWindow(display, window);
      } else {
        XMapWindow(display, window);
        XEvent event;
        do {
          XWindowEvent(display, window, ExposureMask, &event);
        } while (event.xexpose.count != 0);
      }
    } else if (command == "name") {
      std::string text;
      std::getline(in >> std::ws, text);
      if (window == None) {
        reply = "error: name needs a window";
      } else {
        XStoreName(display, window, text.c_str());
        XChangeProperty(
            display, window, XInternAtom(display, "_NET_WM_NAME", False),
            XInternAtom(display, "UTF8_STRING", False), 8, PropModeReplace,
            reinterpret_cast<const unsigned char*>(text.data()),
            static_cast<int>(text.size()));
      }
    } else if (command == "cursor") {
      std::string shape;
      in >> shape;
      const Cursor cursor = NamedCursor(display, root, shape);
      if (cursor == None) {
        reply = "error: no cursor '" + shape + "'";
      } else {
        XDefineCursor(display, window != None ? window : root, cursor);
        XFreeCursor(display, cursor);  // the window keeps it
      }
    } else if (command == "warp") {
      int x = 0, y = 0;
      if (!(in >> x >> y)) {
        reply = "error: warp X Y";
      } else {
        XWarpPointer(display, None, root, 0, 0, 0, 0, x, y);
      }
    } else if (command == "monitor") {
      std::string name, primary;
      int x = 0, y = 0, w = 0, h = 0;
      if (!(in >> name >> x >> y >> w >> h) || w <= 0 || h <= 0) {
        reply = "error: monitor NAME X Y W H [primary]";
      } else {
        in >> primary;
        XRRMonitorInfo* monitor = XRRAllocateMonitor(display, 0);
        monitor->name = XInternAtom(display, name.c_str(), False);
        monitor->primary = primary == "primary" ? True : False;
        monitor->x = x;
        monitor->y = y;
        monitor->width = w;
        monitor->height = h;
        monitor->mwidth = w;  // millimetres: anything
        monitor->mheight = h;
        XRRSetMonitor(display, root, monitor);
        XRRFreeMonitors(monitor);
      }
    } else if (command == "notify-root") {
      XEvent event{};
      event.xconfigure.type = ConfigureNotify;
      event.xconfigure.event = root;
      event.xconfigure.window = root;
      event.xconfigure.width = DisplayWidth(display, screen);
      event.xconfigure.height = DisplayHeight(display, screen);
      XSendEvent(display, root, False, StructureNotifyMask, &event);
    } else if (command == "close") {
      if (window == None) {
        reply = "error: no window to close";
      } else {
        XFreeGC(display, window_gc);
        window_gc = nullptr;
        XDestroyWindow(display, window);
        window = None;
      }
    } else if (command == "quit") {
      XSync(display, False);
      std::cout << "ok" << std::endl;
      break;
    } else {
      reply = "error: unknown command '" + command + "'";
    }
    XSync(display, False);
    std::cout << reply << std::endl;
  }
  if (window_gc != nullptr) XFreeGC(display, window_gc);
  XFreeGC(display, root_gc);
  XCloseDisplay(display);
  return 0;
}
