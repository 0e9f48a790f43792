// The live source of a Wayland session: the screen as the desktop's
// screen-cast portal hands it out (org.freedesktop.portal.ScreenCast, over
// the session's D-Bus), as a PipeWire video stream. This is how a program
// may see the screen on GNOME, KDE or sway: the desktop asks the user which
// monitor to share (or remembers the answer), then streams it.
//
// The stream pushes a picture when the screen changes; the source keeps the
// latest one and hands it out at each of its own ticks (absolute deadlines
// at a fixed rate, as X11Source), so frames are paced as on X11 and a tick
// costs no copy: the PipeWire thread copies each picture out of its buffer
// once, into memory the frames then share.
//
// Nothing of D-Bus or PipeWire leaks out of this header: the source is a
// FrameSource. When the desktop ends the cast (the user stops sharing, the
// session ends) or the stream fails, Capture() returns a
// Status::SourceLost() and the recording so far is kept.
//
// Threading: see FrameSource (open on one thread, then one capture thread).
// Inside, a PipeWire thread of the source's own receives the pictures; it
// lives as long as the source. Frames it captured may be released on any
// thread, also after the source is gone.
#ifndef SVGCAST_CAPTURE_PORTAL_SOURCE_H_
#define SVGCAST_CAPTURE_PORTAL_SOURCE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "capture/frame_source.h"
#include "capture/status.h"

namespace svgcast {

struct PortalOptions {
  double fps = 30;  // > 0
  // Only this rectangle of the shared monitor (--region x,y,WxH); it must
  // lie inside it.
  std::optional<cv::Rect> region;
  // The pointer: beside the pictures where the portal can (its "metadata"
  // cursor mode: Frame::cursor, a layer of its own in the SVG, as on X11),
  // else drawn into them by the desktop ("embedded"); else hidden.
  bool cursor = false;
  // Set (by another thread, e.g. Ctrl-C's) while the desktop's dialog is
  // open: opening gives up and says so. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // Where the desktop's answer is remembered (the portal's restore token,
  // which lets the next recording share the same monitor without asking);
  // empty: asked every time. Written when the desktop gives a token; read
  // unless `ask_again`.
  std::string restore_token_file;
  bool ask_again = false;
  // How long to wait for the first picture once the user has said yes.
  int first_picture_timeout_ms = 10000;
};

// Asks the portal on the session bus ($DBUS_SESSION_BUS_ADDRESS) for a
// screen cast of one monitor, waits for the user's answer and the first
// picture, and checks the options against the monitor's size. A one-line
// error says what failed: no session bus, no portal, the user said no, the
// stream gave no picture.
Status OpenPortalSource(const PortalOptions& options,
                        std::unique_ptr<FrameSource>* source);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_PORTAL_SOURCE_H_
