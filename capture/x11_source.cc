// The X11 screen source (see x11_source.h) and the members of the handles
// in x11_handles.h. This is the one file of svgcast's libraries that
// includes Xlib's headers.
//
// How a tick goes: the Pacer sleeps until the next absolute deadline; then
// Capture() reads pending events (a root ConfigureNotify means the screen
// was resized), finds where the followed window is now (if any), grabs the
// rectangle and samples the pointer. A grab lands, through XShmGetImage, in
// a shared-memory buffer from the pool, which the frame keeps: its pixels
// are a cv::Mat over that memory and its storage hands the buffer back to
// the pool when the last holder of the frame lets go. Without MIT-SHM (or
// when the server cannot attach our memory) XGetImage copies instead. A
// screen whose pixels are not 32-bit BGRX is converted into an owned Mat.
//
// Errors: Xlib's process-wide handlers are routed per display while a
// source is open (ErrorRouter): a protocol error on our display is recorded
// for the call that made it (ErrorTrap) instead of ending the process, and
// a broken connection (the server died) is recorded too instead of exit(1);
// from then on the source only frees what it holds.
//
// Threading: a source is opened on one thread, then used by the one capture
// thread; the destructor may run on yet another (after the capture thread
// is done). Only the pool's return path (ShmPool::GiveBack, called when a
// frame is released) runs on other threads, and it never talks to the X
// server.
#include "capture/x11_source.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>

#include "capture/clock.h"
#include "capture/geometry_text.h"
#include "capture/pacer.h"
#include "capture/x11_handles.h"

// Xlib comes last: it #defines Status (and Bool, None, True, False, ...;
// Xlibint.h min and max), which must not reach svgcast's own headers.
// clang-format off
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xlibint.h>  // Display::flags, XlibDisplayIOError
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/sync.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>
// clang-format on
#undef Status
#undef min
#undef max

namespace svgcast {
namespace {

// Our connection's scheduling priority in the X server (SYNC extension;
// clients start at 0, higher is served first).
constexpr int kServerPriority = 10;

// ---------------------------------------------------------------------------
// Error routing.

// What Xlib's handlers reported about one display. They run inside Xlib
// calls, on the thread making the call: the one thread that uses the
// display, which is also the one that reads this.
struct DisplayErrors {
  int error_code = Success;  // of the last failed request since a trap began
  // Reports of a broken connection not handled yet; each one left Xlib's
  // user lock taken (see X11Source::ConnectionLost).
  int io_errors = 0;
};

// Xlib's error handlers are process-wide. While a display is registered, its
// protocol errors and a broken connection are recorded in its DisplayErrors
// and do not end the process; other displays' errors go to the handlers
// that were there before. Thread-safe.
class ErrorRouter {
 public:
  static void Register(Display* display, DisplayErrors* errors) {
    State& state = GetState();
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      if (state.displays.empty()) {
        state.previous_error = XSetErrorHandler(&OnError);
        state.previous_io_error = XSetIOErrorHandler(&OnIoError);
      }
      state.displays[display] = errors;
    }
    // Per display: returning from it (instead of exit(1)) keeps the process.
    XSetIOErrorExitHandler(display, &OnIoErrorExit, errors);
  }

  static void Unregister(Display* display, DisplayErrors* errors) {
    State& state = GetState();
    std::lock_guard<std::mutex> lock(state.mutex);
    auto it = state.displays.find(display);
    if (it == state.displays.end() || it->second != errors) return;
    state.displays.erase(it);
    if (state.displays.empty()) {
      XSetErrorHandler(state.previous_error);
      XSetIOErrorHandler(state.previous_io_error);
    }
  }

  static DisplayErrors* Find(Display* display) {
    State& state = GetState();
    std::lock_guard<std::mutex> lock(state.mutex);
    auto it = state.displays.find(display);
    return it == state.displays.end() ? nullptr : it->second;
  }

 private:
  struct State {
    std::mutex mutex;
    std::map<Display*, DisplayErrors*> displays;  // guarded by mutex
    XErrorHandler previous_error = nullptr;       // guarded by mutex
    XIOErrorHandler previous_io_error = nullptr;  // guarded by mutex
  };

  static State& GetState() {
    static State* const state = new State;  // never destroyed
    return *state;
  }

  static int OnError(Display* display, XErrorEvent* event) {
    XErrorHandler previous;
    {
      State& state = GetState();
      std::lock_guard<std::mutex> lock(state.mutex);
      auto it = state.displays.find(display);
      if (it != state.displays.end()) {
        it->second->error_code = event->error_code;
        return 0;
      }
      previous = state.previous_error;
    }
    return previous != nullptr ? previous(display, event) : 0;
  }

  // Called first when a connection breaks (the default one prints and calls
  // exit(1)); the display's exit handler is called after it.
  static int OnIoError(Display* display) {
    XIOErrorHandler previous;
    {
      State& state = GetState();
      std::lock_guard<std::mutex> lock(state.mutex);
      if (state.displays.count(display) != 0) return 0;  // OnIoErrorExit
      previous = state.previous_io_error;
    }
    return previous != nullptr ? previous(display) : 0;
  }

  static void OnIoErrorExit(Display*, void* errors) {
    ++static_cast<DisplayErrors*>(errors)->io_errors;
  }
};

// Catches the protocol errors of the requests made on `display` (which must
// be registered with the ErrorRouter) while it lives.
class ErrorTrap {
 public:
  explicit ErrorTrap(Display* display)
      : display_(display), errors_(ErrorRouter::Find(display)) {
    if (errors_ != nullptr) errors_->error_code = Success;
  }
  ErrorTrap(const ErrorTrap&) = delete;
  ErrorTrap& operator=(const ErrorTrap&) = delete;

  // Waits until the server has handled every request so far (XSync), then
  // says what error() says.
  int Sync() {
    XSync(display_, False);
    return error();
  }
  // The error code of the last failed request, or Success.
  int error() const { return errors_ != nullptr ? errors_->error_code : 0; }

 private:
  Display* const display_;
  DisplayErrors* const errors_;
};

std::string ErrorText(Display* display, int code) {
  char text[160] = "";
  XGetErrorText(display, code, text, sizeof text);
  return text[0] != '\0' ? text : "X error " + std::to_string(code);
}


// True when the server is Xwayland, the X server of a Wayland session
// (GNOME's and KDE's default): it has the XWAYLAND extension (Xwayland 23.1
// and later) or, before that (Debian 12's 22.1), names its RandR outputs
// XWAYLAND0, XWAYLAND1, ... There no X11 program can read the screen (the
// root window has no pixels: XGetImage says BadMatch), only each X11
// window's own pixels.
bool IsXwayland(Display* display, Window root) {
  int opcode = 0, event_base = 0, error_base = 0;
  if (XQueryExtension(display, "XWAYLAND", &opcode, &event_base, &error_base)) {
    return true;
  }
  if (!XRRQueryExtension(display, &event_base, &error_base)) return false;
  const std::unique_ptr<XRRScreenResources, decltype(&XRRFreeScreenResources)>
      resources(XRRGetScreenResourcesCurrent(display, root),
                &XRRFreeScreenResources);
  if (!resources) return false;
  for (int i = 0; i < resources->noutput; ++i) {
    const std::unique_ptr<XRROutputInfo, decltype(&XRRFreeOutputInfo)> output(
        XRRGetOutputInfo(display, resources.get(), resources->outputs[i]),
        &XRRFreeOutputInfo);
    if (output && std::string(output->name,
                              static_cast<size_t>(std::max(0, output->nameLen)))
                          .rfind("XWAYLAND", 0) == 0) {
      return true;
    }
  }
  return false;
}

// A RandR monitor (1.5): one screen of a desktop spread over several.
struct Monitor {
  std::string name;
  cv::Rect rect;
  bool primary = false;
};

// The server's monitors, in its order; none without RandR 1.5.
std::vector<Monitor> ListMonitors(Display* display, Window root) {
  int event_base = 0, error_base = 0, major = 0, minor = 0;
  if (!XRRQueryExtension(display, &event_base, &error_base) ||
      !XRRQueryVersion(display, &major, &minor) || (major == 1 && minor < 5) ||
      major < 1) {
    return {};
  }
  int count = 0;
  const std::unique_ptr<XRRMonitorInfo, decltype(&XRRFreeMonitors)> info(
      XRRGetMonitors(display, root, True, &count), &XRRFreeMonitors);
  std::vector<Monitor> monitors;
  for (int i = 0; info && i < count; ++i) {
    const XRRMonitorInfo& m = info.get()[i];
    Monitor monitor;
    const std::unique_ptr<char, int (*)(void*)> name(
        XGetAtomName(display, m.name), &XFree);
    monitor.name = name ? name.get() : std::to_string(i);
    monitor.rect = cv::Rect(m.x, m.y, m.width, m.height);
    monitor.primary = m.primary != 0;
    monitors.push_back(std::move(monitor));
  }
  return monitors;
}

// "0: DP-1 at 0,0,1920x1080 (primary), 1: ...".
std::string MonitorsText(const std::vector<Monitor>& monitors) {
  std::string text;
  for (size_t i = 0; i < monitors.size(); ++i) {
    text += (i != 0 ? ", " : "") + std::to_string(i) + ": " + monitors[i].name +
            " at " + RegionText(monitors[i].rect) +
            (monitors[i].primary ? " (primary)" : "");
  }
  return text;
}

// The monitor `query` names (see X11Options::monitor).
Status FindMonitor(Display* display, Window root,
                   const std::string& display_name, const std::string& query,
                   cv::Rect* rect) {
  const std::vector<Monitor> monitors = ListMonitors(display, root);
  const std::string option = "--monitor " + query;
  if (monitors.empty()) {
    return Status::Error(option + ": X display " + display_name +
                         " lists no monitors (it has no RandR 1.5)");
  }
  const Monitor* found = nullptr;
  for (const Monitor& monitor : monitors) {
    if (monitor.name == query || (query == "primary" && monitor.primary)) {
      found = &monitor;
      break;
    }
  }
  if (found == nullptr && !query.empty() &&
      query.find_first_not_of("0123456789") == std::string::npos &&
      query.size() < 4 && std::stoul(query) < monitors.size()) {
    found = &monitors[std::stoul(query)];
  }
  if (found == nullptr) {
    return Status::Error(option + ": " +
                         (query == "primary" ? "no monitor is the primary one"
                                             : "no such monitor") +
                         " on X display " + display_name + " (it has " +
                         MonitorsText(monitors) + ")");
  }
  *rect = found->rect;
  return Status::Ok();
}

// Paints `bgra` (B, G, R premultiplied by A) over `bgrx` (the same size),
// as a compositor does; the X bytes of `bgrx` stay.
void BlendPremultiplied(const cv::Mat& bgra, cv::Mat bgrx) {
  for (int y = 0; y < bgra.rows; ++y) {
    const uint8_t* in = bgra.ptr(y);
    uint8_t* out = bgrx.ptr(y);
    for (int x = 0; x < bgra.cols; ++x, in += 4, out += 4) {
      const uint32_t keep = 255 - in[3];
      for (int c = 0; c < 3; ++c) {
        out[c] = static_cast<uint8_t>(
            std::min<uint32_t>(255, in[c] + (out[c] * keep + 127) / 255));
      }
    }
  }
}

// The child of the root window that holds `window` (itself, or the frame a
// window manager put it in); `window` if the tree cannot be walked.
Window ToplevelOf(Display* display, Window root, Window window) {
  Window current = window;
  for (;;) {
    Window root_return = None, parent = None;
    Window* children = nullptr;
    unsigned int count = 0;
    if (XQueryTree(display, current, &root_return, &parent, &children,
                   &count) == 0) {
      return window;
    }
    if (children != nullptr) XFree(children);
    if (parent == root || parent == None) return current;
    current = parent;
  }
}

// True when the server has closed the connection (it died) and nothing is
// left to read before the end: checked between ticks, so that a server that
// died meanwhile is noticed without Xlib.
bool ServerHungUp(Display* display) {
  char byte;
  const ssize_t n =
      ::recv(ConnectionNumber(display), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 ||
         (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

// Marks the connection broken as Xlib itself does when it finds out, without
// the rest of what Xlib does then (see X11Source::ConnectionLost): every
// later call, XCloseDisplay included, then frees what it must and sends
// nothing.
void MarkBroken(Display* display) {
  display->flags = display->flags | XlibDisplayIOError;
}

// Xlib writes to the server's socket with sendmsg/writev, without
// MSG_NOSIGNAL: a server that dies between xcb's poll and its write makes
// the kernel raise SIGPIPE in this thread, and its default action ends the
// process. While a guard lives, SIGPIPE is blocked in this thread; one
// raised meanwhile is taken back when the guard ends.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_mask_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait{};
        while (sigtimedwait(&pipe_, nullptr, &no_wait) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------
// x11_handles.h

namespace x11 {

void CloseDisplay(Display* display) noexcept { XCloseDisplay(display); }

void DestroyImage(XImage* image) noexcept { XDestroyImage(image); }

ShmSegment::ShmSegment(ShmSegment&& other) noexcept
    : display_(std::exchange(other.display_, nullptr)),
      server_id_(std::exchange(other.server_id_, 0)),
      id_(std::exchange(other.id_, -1)),
      address_(std::exchange(other.address_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

ShmSegment& ShmSegment::operator=(ShmSegment&& other) noexcept {
  if (this != &other) {
    Reset();
    display_ = std::exchange(other.display_, nullptr);
    server_id_ = std::exchange(other.server_id_, 0);
    id_ = std::exchange(other.id_, -1);
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

ShmSegment::~ShmSegment() { Reset(); }

void ShmSegment::Reset() noexcept {
  if (address_ == nullptr) return;
  if (display_ != nullptr) {
    XShmSegmentInfo info{};
    info.shmseg = server_id_;
    info.shmid = id_;
    info.shmaddr = static_cast<char*>(address_);
    XShmDetach(display_, &info);
  }
  ::shmdt(address_);
  display_ = nullptr;
  server_id_ = 0;
  id_ = -1;
  address_ = nullptr;
  size_ = 0;
}

Status ShmSegment::Create(Display* display, size_t bytes, ShmSegment* segment) {
  *segment = ShmSegment();
  const int id = ::shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
  if (id < 0) return Status::FromErrno("shmget", errno);
  void* const address = ::shmat(id, nullptr, 0);
  if (address == reinterpret_cast<void*>(-1)) {
    const int error = errno;
    ::shmctl(id, IPC_RMID, nullptr);
    return Status::FromErrno("shmat", error);
  }
  XShmSegmentInfo info{};
  info.shmid = id;
  info.shmaddr = static_cast<char*>(address);
  info.readOnly = False;
  ErrorTrap trap(display);
  const bool sent = XShmAttach(display, &info) != 0;
  const int error = trap.Sync();
  // Marked for removal now: the kernel frees it once nobody is attached.
  ::shmctl(id, IPC_RMID, nullptr);
  const DisplayErrors* errors = ErrorRouter::Find(display);
  if (!sent || error != Success ||
      (errors != nullptr && errors->io_errors != 0)) {
    ::shmdt(address);
    return Status::Error("the X server cannot attach svgcast's shared memory" +
                         (error != Success
                              ? " (" + ErrorText(display, error) + ")"
                              : std::string()));
  }
  segment->display_ = display;
  segment->server_id_ = info.shmseg;
  segment->id_ = id;
  segment->address_ = address;
  segment->size_ = bytes;
  return Status::Ok();
}

}  // namespace x11

namespace {

// ---------------------------------------------------------------------------
// Pixel layouts.

// How an image's pixels are laid out, and how to turn them into BGRX.
class PixelFormat {
 public:
  // False when svgcast cannot read the layout: no red/green/blue masks (a
  // colormapped screen) or an unusual pixel size.
  bool Init(const XImage& image) {
    bits_per_pixel_ = image.bits_per_pixel;
    msb_first_ = image.byte_order == MSBFirst;
    if (bits_per_pixel_ != 8 && bits_per_pixel_ != 16 &&
        bits_per_pixel_ != 24 && bits_per_pixel_ != 32) {
      return false;
    }
    if (!red_.Init(image.red_mask) || !green_.Init(image.green_mask) ||
        !blue_.Init(image.blue_mask)) {
      return false;
    }
    direct_ = bits_per_pixel_ == 32 && !msb_first_ &&
              image.red_mask == 0xff0000 && image.green_mask == 0xff00 &&
              image.blue_mask == 0xff;
    return true;
  }

  // 32 bits, least significant byte first, red 0xff0000, green 0xff00 and
  // blue 0xff: the bytes are B, G, R, X already.
  bool direct() const { return direct_; }

  // Writes `image` (the size of `bgrx`) into `bgrx` (CV_8UC4, maybe a view).
  // A direct layout is copied as it is (X byte included); any other gets
  // kConvertedX as its X byte.
  void Convert(const XImage& image, cv::Mat bgrx) const {
    if (direct_) {
      const size_t row_bytes = static_cast<size_t>(bgrx.cols) * 4;
      for (int y = 0; y < bgrx.rows; ++y) {
        std::memcpy(
            bgrx.ptr(y),
            image.data + static_cast<ptrdiff_t>(y) * image.bytes_per_line,
            row_bytes);
      }
      return;
    }
    switch (bits_per_pixel_) {
      case 8:
        ConvertAs<1>(image, bgrx);
        break;
      case 16:
        ConvertAs<2>(image, bgrx);
        break;
      case 24:
        ConvertAs<3>(image, bgrx);
        break;
      default:
        ConvertAs<4>(image, bgrx);
        break;
    }
  }

  static constexpr uint8_t kConvertedX = 0;

 private:
  // One colour channel: where it sits in a pixel, and its values scaled to
  // the nearest 8-bit value (a 5-bit 16 becomes 132).
  struct Channel {
    uint32_t mask = 0;
    int shift = 0;
    std::vector<uint8_t> to_8bit;

    bool Init(unsigned long pixel_mask) {
      if (pixel_mask == 0 || pixel_mask > 0xffffffffUL) return false;
      mask = static_cast<uint32_t>(pixel_mask);
      shift = __builtin_ctz(mask);
      const uint32_t max = mask >> shift;
      if ((max & (max + 1)) != 0 || max > 0xffff) return false;  // not a run
      to_8bit.resize(max + 1);
      for (uint32_t v = 0; v <= max; ++v) {
        to_8bit[v] = static_cast<uint8_t>((v * 255 + max / 2) / max);
      }
      return true;
    }
    uint8_t Get(uint32_t pixel) const {
      return to_8bit[(pixel & mask) >> shift];
    }
  };

  template <int kBytes>
  void ConvertAs(const XImage& image, cv::Mat& bgrx) const {
    for (int y = 0; y < bgrx.rows; ++y) {
      const auto* in = reinterpret_cast<const uint8_t*>(image.data) +
                       static_cast<ptrdiff_t>(y) * image.bytes_per_line;
      uint8_t* out = bgrx.ptr(y);
      for (int x = 0; x < bgrx.cols; ++x, in += kBytes, out += 4) {
        uint32_t pixel = 0;
        for (int i = 0; i < kBytes; ++i) {
          pixel = msb_first_
                      ? (pixel << 8) | in[i]
                      : pixel | (static_cast<uint32_t>(in[i]) << (8 * i));
        }
        out[0] = blue_.Get(pixel);
        out[1] = green_.Get(pixel);
        out[2] = red_.Get(pixel);
        out[3] = kConvertedX;
      }
    }
  }

  int bits_per_pixel_ = 0;
  bool msb_first_ = false;
  bool direct_ = false;
  Channel red_, green_, blue_;
};

// The pointer image XFixes gives (premultiplied ARGB in the low 32 bits of
// each long) as straight-alpha BGRA.
cv::Mat CursorToBgra(const XFixesCursorImage& cursor) {
  cv::Mat bgra(cursor.height, cursor.width, CV_8UC4);
  const unsigned long* in = cursor.pixels;
  for (int y = 0; y < bgra.rows; ++y) {
    uint8_t* out = bgra.ptr(y);
    for (int x = 0; x < bgra.cols; ++x, ++in, out += 4) {
      const auto argb = static_cast<uint32_t>(*in);
      const uint32_t a = argb >> 24;
      const uint32_t channels[3] = {argb & 0xff, (argb >> 8) & 0xff,
                                    (argb >> 16) & 0xff};  // B, G, R
      for (int i = 0; i < 3; ++i) {
        out[i] = a == 0 ? 0
                        : static_cast<uint8_t>(std::min<uint32_t>(
                              255, (channels[i] * 255 + a / 2) / a));
      }
      out[3] = static_cast<uint8_t>(a);
    }
  }
  return bgra;
}

// ---------------------------------------------------------------------------
// The shared-memory pool.

// One shared-memory buffer and the XImage that describes it to
// XShmGetImage (whose obdata points at `info`, so a buffer never moves).
struct ShmBuffer {
  XShmSegmentInfo info{};
  x11::ShmSegment segment;
  x11::ImageHandle image;  // an XShm image: freeing it frees only the struct
};

// Buffers not in any frame. The capture thread takes and creates buffers;
// frames give theirs back from any thread.
class ShmPool {
 public:
  // Capture thread. An idle buffer, or null when all are in frames.
  std::unique_ptr<ShmBuffer> TakeIdle() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.empty()) return nullptr;
    std::unique_ptr<ShmBuffer> buffer = std::move(idle_.back());
    idle_.pop_back();
    return buffer;
  }

  // Capture thread, after creating a buffer: room for `count` idle ones, so
  // that GiveBack() never allocates.
  void Reserve(size_t count) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.reserve(count);
  }

  // Thread-safe (frames are released on processing threads). Never talks to
  // the X server: after Close() the buffer is freed here, and the server
  // has dropped its side with the connection.
  void GiveBack(std::unique_ptr<ShmBuffer> buffer) noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!closed_) {
        idle_.push_back(std::move(buffer));
        return;
      }
    }
    buffer->segment.ForgetServer();
  }

  // The source is closing its display: idle buffers are freed now
  // (detached from the server first while it is alive), the rest when
  // their frames give them back.
  void Close(bool server_alive) {
    std::vector<std::unique_ptr<ShmBuffer>> idle;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      idle.swap(idle_);
    }
    if (!server_alive) {
      for (auto& buffer : idle) buffer->segment.ForgetServer();
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<ShmBuffer>> idle_;  // guarded by mutex_
  bool closed_ = false;                           // guarded by mutex_
};

// A frame's storage deleter: the buffer goes back to its pool.
struct ReturnToPool {
  std::shared_ptr<ShmPool> pool;
  void operator()(ShmBuffer* buffer) const noexcept {
    pool->GiveBack(std::unique_ptr<ShmBuffer>(buffer));
  }
};

// ---------------------------------------------------------------------------
// Finding a window.

std::string WindowIdText(Window window) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%lx", window);
  return text;
}

// "123" or "0x7b"; false when `text` is not a number (then it is a name).
bool ParseWindowId(const std::string& text, Window* window) {
  const bool hex =
      text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const std::string digits = hex ? text.substr(2) : text;
  if (digits.empty() || digits.size() > 16) return false;
  for (char c : digits) {
    if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
              : std::isdigit(static_cast<unsigned char>(c)))) {
      return false;
    }
  }
  *window = std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10);
  return true;
}

// The 8-bit text of a property, if the window has it.
bool ReadTextProperty(Display* display, Window window, Atom property,
                      std::string* text) {
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  const int result = XGetWindowProperty(display, window, property, 0, 1024,
                                        False, AnyPropertyType, &type, &format,
                                        &count, &after, &data);
  const bool ok = result == Success && data != nullptr && format == 8;
  if (ok) text->assign(reinterpret_cast<const char*>(data), count);
  if (data != nullptr) XFree(data);
  return ok;
}

// A window named `query` (WM_NAME or _NET_WM_NAME): exact matches first,
// else the ones whose name contains it.
Status FindWindowByName(Display* display, Window root,
                        const std::string& display_name,
                        const std::string& query, Window* window) {
  const Atom net_wm_name = XInternAtom(display, "_NET_WM_NAME", False);
  std::vector<Window> exact, partial;
  std::vector<Window> pending{root};
  ErrorTrap trap(display);  // windows may go away while we look
  while (!pending.empty()) {
    const Window current = pending.back();
    pending.pop_back();
    if (current != root) {
      bool is_exact = false, is_partial = false;
      for (const Atom property : {static_cast<Atom>(XA_WM_NAME), net_wm_name}) {
        std::string name;
        if (!ReadTextProperty(display, current, property, &name)) continue;
        is_exact = is_exact || name == query;
        is_partial = is_partial || name.find(query) != std::string::npos;
      }
      if (is_exact) exact.push_back(current);
      if (is_partial) partial.push_back(current);
    }
    Window root_return = None, parent = None;
    Window* children = nullptr;
    unsigned int count = 0;
    if (XQueryTree(display, current, &root_return, &parent, &children,
                   &count) != 0) {
      pending.insert(pending.end(), children, children + count);
    }
    if (children != nullptr) XFree(children);
  }
  const std::vector<Window>& matches = exact.empty() ? partial : exact;
  const std::string option = "--window \"" + query + "\"";
  if (matches.empty()) {
    return Status::Error(
        option + ": no window on X display " + display_name +
        " has that name or a name containing it" +
        (IsXwayland(display, root)
             ? " (it is Xwayland: a Wayland program's windows are not there)"
             : ""));
  }
  if (matches.size() > 1) {
    std::string ids;
    for (size_t i = 0; i < matches.size() && i < 5; ++i) {
      ids += (i != 0 ? ", " : "") + WindowIdText(matches[i]);
    }
    if (matches.size() > 5) ids += ", ...";
    return Status::Error(option + ": " + std::to_string(matches.size()) +
                         " windows on X display " + display_name + " match (" +
                         ids + "); pass the id of one");
  }
  *window = matches.front();
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// The source.

class X11Source final : public FrameSource {
 public:
  X11Source(std::string display_name, x11::DisplayHandle display,
            int64_t period_ns)
      : display_name_(std::move(display_name)),
        display_(std::move(display)),
        errors_(std::make_unique<DisplayErrors>()),
        pool_(std::make_shared<ShmPool>()),
        period_ns_(period_ns) {
    ErrorRouter::Register(display_.get(), errors_.get());
  }

  ~X11Source() override {
    SigpipeGuard no_sigpipe;
    ServerAlive();  // died since the last tick? Then nothing is sent to it.
    pool_->Close(!server_gone_);
    Display* const display = display_.get();
    display_.reset();  // the server drops what it still had attached
    ErrorRouter::Unregister(display, errors_.get());
  }

  Status Init(const X11Options& options);

  cv::Size frame_size() const override { return rect_.size(); }
  std::optional<uint64_t> frame_count() const override { return std::nullopt; }

  bool WaitForNextFrame(Tick* tick) override {
    // The first deadline is when the capture thread first asks.
    if (!pacer_) pacer_.emplace(period_ns_);
    const std::optional<Tick> due = pacer_->WaitForNextTick(cut_short());
    if (!due) return false;
    *tick = *due;
    return true;
  }

  Status Capture(Frame* frame) override;

  void Skip() override {}  // the pacer has moved on already

 private:
  // True once the connection is gone (then ended_ says so), after an Xlib
  // call reported it broken.
  bool ConnectionLost();
  // Before a tick's requests: false once the connection is gone, also when
  // the server died since the last tick (found without Xlib).
  bool ServerAlive();
  void EndServerGone();
  void ReadEvents();
  Status FollowWindow(cv::Rect* rect);
  // From the window: its size now, or false when it is not shown.
  Status WindowShown(cv::Size* size, bool* shown);
  // A request about the followed window failed with `error`: it was closed
  // (then the stream ends), or something else went wrong.
  Status WindowFailed(int error);
  // The last frame again (black before the first).
  void Repeat(Frame* frame);
  // From the window, at `rect` of the screen: paints the X windows stacked
  // above it (its menus and tooltips, other X11 programs' windows) over
  // `pixels`, as the screen would show them.
  Status PaintWindowsAbove(const cv::Rect& rect, cv::Mat pixels);
  // `rect` of source_, of which `bounds` can be read (the rest is black).
  Status Grab(const cv::Rect& rect, const cv::Rect& bounds, Frame* frame);
  Status GrabShared(const cv::Rect& rect, std::unique_ptr<ShmBuffer> buffer,
                    Frame* frame);
  Status GrabCopy(const cv::Rect& rect, const cv::Rect& visible, Frame* frame);
  Status SampleCursor(const cv::Rect& rect, Frame* frame);
  std::unique_ptr<ShmBuffer> NewShmBuffer();
  Status Failed(const std::string& what, int error) const {
    return Status::Error("X display " + display_name_ + ": " + what + ": " +
                         ErrorText(display_.get(), error));
  }

  const std::string display_name_;
  x11::DisplayHandle display_;
  // Written by Xlib's handlers during our calls; a stable address for them.
  const std::unique_ptr<DisplayErrors> errors_;
  const std::shared_ptr<ShmPool> pool_;
  const int64_t period_ns_;

  Window root_ = None;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  cv::Size screen_;  // follows root ConfigureNotify
  PixelFormat format_;
  uint8_t fill_x_ = 0;  // the X byte of black filled in by svgcast
  bool use_shm_ = false;
  size_t shm_buffers_ = 0;  // created so far
  cv::Rect rect_;           // what is captured (the window: where it started)
  Window window_ = None;    // followed, if set
  // Where pixels are read: the root window, or (from_window_) the followed
  // window itself, where the screen cannot be read (Xwayland). Then a frame
  // is what the window draws, with the X windows above it painted over it
  // (what lies off the screen is black all the same: X hands out nothing
  // there).
  Window source_ = None;
  bool from_window_ = false;
  Window toplevel_ = None;  // from the window: the root's child holding it
  // From the window: the last frame's pixels, shown again while the window
  // is not (minimized).
  cv::Mat last_pixels_;
  std::shared_ptr<const void> last_storage_;
  bool record_cursor_ = false;
  unsigned long cursor_serial_ = 0;
  cv::Mat cursor_image_;  // of cursor_serial_; frames share it

  std::optional<Pacer> pacer_;
  int64_t last_timestamp_us_ = -1;
  bool server_gone_ = false;
  Status ended_;  // not ok once the stream cannot go on
};

Status X11Source::Init(const X11Options& options) {
  Display* const display = display_.get();
  const int screen = DefaultScreen(display);
  root_ = RootWindow(display, screen);
  visual_ = DefaultVisual(display, screen);
  depth_ = DefaultDepth(display, screen);
  screen_ = {DisplayWidth(display, screen), DisplayHeight(display, screen)};
  const cv::Rect screen_rect({0, 0}, screen_);
  const std::string on_display = " on X display " + display_name_;

  // Can the screen be read? Not on Xwayland (a Wayland session): there
  // only a window can, from its own pixels.
  x11::ImageHandle probe;
  {
    ErrorTrap trap(display);
    probe.reset(XGetImage(display, root_, 0, 0, 1, 1, AllPlanes, ZPixmap));
    if (ConnectionLost()) {
      return Status::Error("X display " + display_name_ +
                           " went away while svgcast connected to it");
    }
    if (!probe) {
      const int error = trap.error();
      if (error != BadMatch || !IsXwayland(display, root_)) {
        return Failed("cannot read the screen (XGetImage)", error);
      }
      if (!options.window) {
        return Status::Error(
            "X display " + display_name_ +
            " is Xwayland (a Wayland session), where no X11 program can read "
            "the screen: record the desktop through its screen-cast portal "
            "(leave out --display: svgcast does so where WAYLAND_DISPLAY is "
            "set), one X11 program's window (--window NAME), or a command in "
            "a private display (svgcast record -o out.svg -- xterm)");
      }
      from_window_ = true;
    }
  }

  if (options.region) {
    const cv::Rect region = *options.region;
    if (region.width <= 0 || region.height <= 0) {
      return Status::Error("--region " + RegionText(region) +
                           " is empty (its width and height must be above 0)");
    }
    if ((region & screen_rect) != region) {
      return Status::Error("--region " + RegionText(region) +
                           " does not fit on the " + SizeText(screen_) +
                           " screen of X display " + display_name_);
    }
    rect_ = region;
  } else if (options.monitor) {
    cv::Rect monitor;
    if (Status s = FindMonitor(display, root_, display_name_, *options.monitor,
                               &monitor);
        !s.ok()) {
      return s;
    }
    if (monitor.empty() || (monitor & screen_rect) != monitor) {
      return Status::Error("--monitor " + *options.monitor + " (" +
                           RegionText(monitor) + ") does not fit on the " +
                           SizeText(screen_) + " screen of X display " +
                           display_name_);
    }
    rect_ = monitor;
  } else if (options.window) {
    const std::string& query = *options.window;
    Window window = None;
    if (ParseWindowId(query, &window)) {
      if (window == None) {
        return Status::Error("--window " + query + ": no such window" +
                             on_display);
      }
    } else if (Status s = FindWindowByName(display, root_, display_name_, query,
                                           &window);
               !s.ok()) {
      return s;
    }
    ErrorTrap trap(display);
    XWindowAttributes attributes{};
    int x = 0, y = 0;
    Window child = None;
    const bool found =
        XGetWindowAttributes(display, window, &attributes) != 0 &&
        XTranslateCoordinates(display, window, root_, 0, 0, &x, &y, &child) !=
            0;
    if (ConnectionLost()) return Status::Error(ended_.message());
    if (!found) {
      return Status::Error("--window " + query + ": no such window" +
                           on_display);
    }
    if (from_window_) {
      if (attributes.map_state != IsViewable) {
        return Status::Error("--window " + query +
                             ": the window is not shown (minimized, or not "
                             "mapped yet)" +
                             on_display);
      }
      // Its pixels, as the window has them (it may have a visual of its
      // own, such as 32-bit ARGB).
      visual_ = attributes.visual;
      depth_ = attributes.depth;
      source_ = window;
      toplevel_ = ToplevelOf(display, root_, window);
      probe.reset(XGetImage(display, window, 0, 0, 1, 1, AllPlanes, ZPixmap));
      if (ConnectionLost()) return Status::Error(ended_.message());
      if (!probe) {
        return Failed(
            "cannot read window " + WindowIdText(window) + " (XGetImage)",
            trap.error());
      }
    }
    window_ = window;
    rect_ = cv::Rect(x, y, attributes.width, attributes.height);
  } else {
    rect_ = screen_rect;
  }
  if (source_ == None) source_ = root_;

  // The pixel layout, as the server hands pixels out.
  if (!format_.Init(*probe.get())) {
    return Status::Error(
        "X display " + display_name_ + ": its " + std::to_string(depth_) +
        "-bit " + (from_window_ ? "window" : "screen") + " (" +
        std::to_string(probe->bits_per_pixel) +
        " bits per pixel) has no red/green/blue layout svgcast can read; "
        "it records TrueColor screens");
  }
  fill_x_ = format_.direct() ? static_cast<uint8_t>(probe->data[3])
                             : PixelFormat::kConvertedX;

  if (options.cursor) {
    int event_base = 0, error_base = 0, major = 0, minor = 0;
    if (!XFixesQueryExtension(display, &event_base, &error_base) ||
        !XFixesQueryVersion(display, &major, &minor) || major < 2) {
      return Status::Error(
          "--cursor: X display " + display_name_ +
          " has no XFixes extension (version 2 or later), so svgcast cannot "
          "see the pointer");
    }
    record_cursor_ = true;
  }

  // Resizes of the screen (RandR) arrive as ConfigureNotify on the root.
  XSelectInput(display, root_, StructureNotifyMask);

  // Ask the server to serve this connection before busy ones: the SYNC
  // extension's client priority, which the X server's scheduler honours.
  // A program flooding the server with drawing (a scrolling terminal) then
  // delays our grabs much less. Without SYNC, nothing changes.
  int sync_event = 0, sync_error = 0, sync_major = 0, sync_minor = 0;
  if (XSyncQueryExtension(display, &sync_event, &sync_error) &&
      XSyncInitialize(display, &sync_major, &sync_minor)) {
    XSyncSetPriority(display, None, kServerPriority);
  }

  if (XShmQueryExtension(display)) {
    std::unique_ptr<ShmBuffer> buffer = NewShmBuffer();
    if (buffer) {
      use_shm_ = true;
      pool_->GiveBack(std::move(buffer));
    }
    // else: XGetImage (a remote server, another IPC namespace).
  }
  if (ConnectionLost()) return Status::Error(ended_.message());
  return Status::Ok();
}

bool X11Source::ConnectionLost() {
  if (errors_->io_errors == 0) return server_gone_;
  // Each time Xlib reports a broken connection (_XIOError) it takes the
  // display's user lock (as XLockDisplay does) on this thread and expects
  // the process to exit. Ours returned, so release those locks here, on the
  // same thread: a lock left taken would make closing the display from
  // another thread wait forever. Nothing else is sent to the dead server.
  for (; errors_->io_errors > 0; --errors_->io_errors) {
    XUnlockDisplay(display_.get());
  }
  EndServerGone();
  return true;
}

// Xlib's own path above also unlocks the display's mutex once more than it
// locked it (harmless with glibc, but ThreadSanitizer reports it), so a
// server that died between ticks is caught before any request instead.
bool X11Source::ServerAlive() {
  if (ConnectionLost()) return false;
  if (!ServerHungUp(display_.get())) return true;
  MarkBroken(display_.get());
  EndServerGone();
  return false;
}

void X11Source::EndServerGone() {
  server_gone_ = true;
  ended_ = Status::SourceLost("X server " + display_name_ + " went away");
}

void X11Source::ReadEvents() {
  Display* const display = display_.get();
  while (XPending(display) > 0) {
    XEvent event;
    XNextEvent(display, &event);
    if (event.type == ConfigureNotify && event.xconfigure.window == root_) {
      screen_ = {event.xconfigure.width, event.xconfigure.height};
    }
  }
}

Status X11Source::Capture(Frame* frame) {
  if (!ended_.ok()) return ended_;
  SigpipeGuard no_sigpipe;
  frame->timestamp_us =
      std::max(MonotonicNowNs() / 1000, last_timestamp_us_ + 1);
  last_timestamp_us_ = frame->timestamp_us;
  if (!ServerAlive()) return ended_;
  ReadEvents();
  if (ConnectionLost()) return ended_;
  cv::Rect rect = rect_;
  if (from_window_) {
    cv::Size size;
    bool shown = false;
    if (Status s = WindowShown(&size, &shown); !s.ok()) return s;
    if (!shown) {
      Repeat(frame);
      return Status::Ok();
    }
    // Where it is: X hands out only what lies on the screen (the rest is
    // black, as when the screen is read).
    if (Status s = FollowWindow(&rect); !s.ok()) return s;
    const cv::Rect on_screen =
        cv::Rect({0, 0}, size) & (cv::Rect({0, 0}, screen_) - rect.tl());
    if (Status s = Grab(cv::Rect({0, 0}, rect_.size()), on_screen, frame);
        !s.ok()) {
      return s;
    }
    if (frame->pixels.empty()) {  // hidden during the grab
      Repeat(frame);
      return Status::Ok();
    }
    if (Status s = PaintWindowsAbove(rect, frame->pixels); !s.ok()) return s;
    last_pixels_ = frame->pixels;
    last_storage_ = frame->storage;
    if (record_cursor_) return SampleCursor(rect, frame);
    return Status::Ok();
  }
  if (window_ != None) {
    if (Status s = FollowWindow(&rect); !s.ok()) return s;
  }
  if (Status s = Grab(rect, cv::Rect({0, 0}, screen_), frame); !s.ok()) {
    return s;
  }
  if (record_cursor_) return SampleCursor(rect, frame);
  return Status::Ok();
}

Status X11Source::WindowShown(cv::Size* size, bool* shown) {
  ErrorTrap trap(display_.get());
  XWindowAttributes attributes{};
  const bool found =
      XGetWindowAttributes(display_.get(), window_, &attributes) != 0;
  if (ConnectionLost()) return ended_;
  if (!found) return WindowFailed(trap.error());
  *size = cv::Size(attributes.width, attributes.height);
  *shown = attributes.map_state == IsViewable;
  return Status::Ok();
}

Status X11Source::PaintWindowsAbove(const cv::Rect& rect, cv::Mat pixels) {
  Display* const display = display_.get();
  ErrorTrap trap(display);  // windows may go away meanwhile: then skipped
  Window root_return = None, parent = None;
  Window* children = nullptr;
  unsigned int count = 0;
  const bool listed =
      XQueryTree(display, root_, &root_return, &parent, &children, &count) != 0;
  const std::unique_ptr<Window, int (*)(void*)> owned(children, &XFree);
  if (ConnectionLost()) return ended_;
  if (!listed) return Status::Ok();
  // Bottom to top.
  const Window* const begin = children;
  const Window* const end = children + count;
  const Window* above = std::find(begin, end, toplevel_);
  if (above == end) {  // reparented since (a window manager came)
    toplevel_ = ToplevelOf(display, root_, window_);
    if (ConnectionLost()) return ended_;
    above = std::find(begin, end, toplevel_);
    if (above == end) return Status::Ok();
  }
  const cv::Rect screen({0, 0}, screen_);
  for (++above; above != end; ++above) {
    XWindowAttributes attributes{};
    const bool found = XGetWindowAttributes(display, *above, &attributes) != 0;
    if (ConnectionLost()) return ended_;
    if (!found || attributes.map_state != IsViewable ||
        attributes.c_class != InputOutput) {
      continue;
    }
    const cv::Point inside(attributes.x + attributes.border_width,
                           attributes.y + attributes.border_width);
    const cv::Rect area =
        cv::Rect(inside, cv::Size(attributes.width, attributes.height)) & rect &
        screen;
    if (area.empty()) continue;
    x11::ImageHandle image(XGetImage(display, *above, area.x - inside.x,
                                     area.y - inside.y, area.width, area.height,
                                     AllPlanes, ZPixmap));
    if (ConnectionLost()) return ended_;
    PixelFormat format;
    if (!image || !format.Init(*image.get())) continue;
    cv::Mat under = pixels(area - rect.tl());
    if (attributes.depth == 32 && format.direct()) {
      // An ARGB window (a menu with a shadow or round corners): its X byte
      // is alpha, and its colours are premultiplied by it, as a compositor
      // takes them.
      cv::Mat argb(area.size(), CV_8UC4);
      format.Convert(*image.get(), argb);
      BlendPremultiplied(argb, under);
    } else {
      format.Convert(*image.get(), under);
    }
  }
  return Status::Ok();
}

void X11Source::Repeat(Frame* frame) {
  if (last_pixels_.empty()) {
    last_pixels_ = cv::Mat(rect_.size(), CV_8UC4, cv::Scalar(0, 0, 0, fill_x_));
    last_storage_.reset();
  }
  frame->pixels = last_pixels_;  // shared: frames never change their pixels
  frame->storage = last_storage_;
}

Status X11Source::FollowWindow(cv::Rect* rect) {
  Display* const display = display_.get();
  ErrorTrap trap(display);
  int x = 0, y = 0;
  Window child = None;
  const bool found =
      XTranslateCoordinates(display, window_, root_, 0, 0, &x, &y, &child) != 0;
  if (ConnectionLost()) return ended_;
  if (!found) return WindowFailed(trap.error());
  *rect = cv::Rect(x, y, rect_.width, rect_.height);
  return Status::Ok();
}

Status X11Source::WindowFailed(int error) {
  if (error == BadWindow) {
    ended_ =
        Status::SourceLost("window " + WindowIdText(window_) + " was closed");
    return ended_;
  }
  return Failed("cannot find window " + WindowIdText(window_), error);
}

Status X11Source::Grab(const cv::Rect& rect, const cv::Rect& bounds,
                       Frame* frame) {
  const cv::Rect visible = rect & bounds;
  if (use_shm_ && visible == rect) {
    std::unique_ptr<ShmBuffer> buffer = pool_->TakeIdle();
    if (!buffer) buffer = NewShmBuffer();  // the pool grows
    if (ConnectionLost()) {
      if (buffer) pool_->GiveBack(std::move(buffer));
      return ended_;
    }
    if (buffer) return GrabShared(rect, std::move(buffer), frame);
    // Out of shared memory (system limits): copy this frame.
  }
  return GrabCopy(rect, visible, frame);
}

Status X11Source::GrabShared(const cv::Rect& rect,
                             std::unique_ptr<ShmBuffer> buffer, Frame* frame) {
  Display* const display = display_.get();
  XImage* const image = buffer->image.get();
  ErrorTrap trap(display);
  const bool grabbed =
      XShmGetImage(display, source_, image, rect.x, rect.y, AllPlanes) != 0;
  if (ConnectionLost() || !grabbed) {
    pool_->GiveBack(std::move(buffer));
    if (server_gone_) return ended_;
    if (from_window_ && trap.error() == BadMatch) {
      frame->pixels.release();  // hidden since WindowShown()
      return Status::Ok();
    }
    return Failed("XShmGetImage", trap.error());
  }
  if (format_.direct()) {
    frame->pixels = cv::Mat(rect.size(), CV_8UC4, image->data,
                            static_cast<size_t>(image->bytes_per_line));
    // Back to the pool when the frame's last holder lets go (if making the
    // shared_ptr throws, the deleter runs at once).
    frame->storage =
        std::shared_ptr<const void>(buffer.release(), ReturnToPool{pool_});
  } else {
    frame->pixels.create(rect.size(), CV_8UC4);
    format_.Convert(*image, frame->pixels);
    pool_->GiveBack(std::move(buffer));
  }
  return Status::Ok();
}

Status X11Source::GrabCopy(const cv::Rect& rect, const cv::Rect& visible,
                           Frame* frame) {
  cv::Mat pixels(rect.size(), CV_8UC4);
  if (visible != rect) pixels.setTo(cv::Scalar(0, 0, 0, fill_x_));
  if (!visible.empty()) {
    Display* const display = display_.get();
    ErrorTrap trap(display);
    x11::ImageHandle image(XGetImage(display, source_, visible.x, visible.y,
                                     visible.width, visible.height, AllPlanes,
                                     ZPixmap));
    if (ConnectionLost()) return ended_;
    if (!image) {
      if (from_window_ && trap.error() == BadMatch) {
        frame->pixels.release();  // hidden since WindowShown()
        return Status::Ok();
      }
      return Failed("XGetImage", trap.error());
    }
    format_.Convert(*image.get(), pixels(visible - rect.tl()));
  }
  frame->pixels = std::move(pixels);
  frame->storage.reset();
  return Status::Ok();
}

Status X11Source::SampleCursor(const cv::Rect& rect, Frame* frame) {
  XFixesCursorImage* const cursor = XFixesGetCursorImage(display_.get());
  if (ConnectionLost()) {
    if (cursor != nullptr) XFree(cursor);
    return ended_;
  }
  if (cursor == nullptr) {
    frame->cursor.reset();
    return Status::Ok();
  }
  if (cursor_image_.empty() || cursor->cursor_serial != cursor_serial_) {
    cursor_image_ = CursorToBgra(*cursor);  // a new Mat: frames keep the old
    cursor_serial_ = cursor->cursor_serial;
  }
  CursorSample sample;
  sample.shape_serial = cursor->cursor_serial;
  sample.image = cursor_image_;
  sample.hotspot = cv::Point(cursor->xhot, cursor->yhot);
  sample.position = cv::Point(cursor->x - rect.x, cursor->y - rect.y);
  sample.visible = rect.contains(cv::Point(cursor->x, cursor->y));
  frame->cursor = std::move(sample);
  XFree(cursor);
  return Status::Ok();
}

std::unique_ptr<ShmBuffer> X11Source::NewShmBuffer() {
  Display* const display = display_.get();
  auto buffer = std::make_unique<ShmBuffer>();
  buffer->image.reset(XShmCreateImage(display, visual_, depth_, ZPixmap,
                                      nullptr, &buffer->info, rect_.width,
                                      rect_.height));
  if (!buffer->image) return nullptr;
  const size_t bytes = static_cast<size_t>(buffer->image->bytes_per_line) *
                       static_cast<size_t>(buffer->image->height);
  if (!x11::ShmSegment::Create(display, bytes, &buffer->segment).ok()) {
    return nullptr;
  }
  buffer->info.shmseg = buffer->segment.server_id();
  buffer->info.shmid = buffer->segment.id();
  buffer->info.shmaddr = reinterpret_cast<char*>(buffer->segment.data());
  buffer->info.readOnly = False;
  buffer->image->data = buffer->info.shmaddr;
  pool_->Reserve(++shm_buffers_);
  return buffer;
}

}  // namespace

Status OpenX11Source(const X11Options& options,
                     std::unique_ptr<FrameSource>* source) {
  if (!std::isfinite(options.fps) || options.fps <= 0) {
    return Status::Error("--fps must be a rate above 0");
  }
  if (options.region && options.window) {
    return Status::Error("--region and --window cannot be used together");
  }
  if (options.monitor && (options.region || options.window)) {
    return Status::Error("--monitor cannot be used with --region or --window");
  }
  std::string name = options.display;
  if (name.empty()) {
    const char* from_environment = std::getenv("DISPLAY");
    if (from_environment != nullptr) name = from_environment;
  }
  if (name.empty()) {
    return Status::Error(
        "no X display: DISPLAY is not set (run svgcast inside an X session, "
        "or name the display to record)");
  }
  const int64_t period_ns =
      std::max<int64_t>(1, std::llround(1e9 / options.fps));
  SigpipeGuard no_sigpipe;
  x11::DisplayHandle display(XOpenDisplay(name.c_str()));
  if (!display) {
    return Status::Error("cannot open X display " + name +
                         " (no X server there, or it refused the connection)");
  }
  auto x11 = std::make_unique<X11Source>(name, std::move(display), period_ns);
  if (Status s = x11->Init(options); !s.ok()) return s;
  *source = std::move(x11);
  return Status::Ok();
}

}  // namespace svgcast
