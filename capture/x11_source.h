// The live source: the screen of an X11 display (all of it, a region or one
// monitor of it, or the rectangle of one window wherever it moves), grabbed
// through MIT-SHM into pooled shared-memory buffers (XGetImage when the server
// has no MIT-SHM or cannot attach our memory), paced by absolute deadlines at a
// fixed rate, optionally with the mouse pointer (XFixes).
//
// Nothing of X11 leaks out of this header: the source is a FrameSource.
// When the X server dies or the followed window closes, Capture() returns a
// Status::SourceLost() and the process goes on (the recording so far is
// kept).
//
// Threading: see FrameSource (open on one thread, then one capture thread).
// Frames it captured may be released on any thread, also after the source
// is gone.
#ifndef SVGCAST_CAPTURE_X11_SOURCE_H_
#define SVGCAST_CAPTURE_X11_SOURCE_H_

#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "capture/frame_source.h"
#include "capture/status.h"

namespace svgcast {

struct X11Options {
  std::string display;  // e.g. ":1"; empty: $DISPLAY
  double fps = 30;      // > 0
  // Only this rectangle of the screen (--region x,y,WxH); it must lie
  // inside the screen.
  std::optional<cv::Rect> region;
  // Follow this window (--window): an id (decimal or 0x-hex), or a name: a
  // window whose WM_NAME or _NET_WM_NAME is exactly that, else the one
  // window whose name contains it. Each frame is the screen under the
  // window's rectangle (its size when the recording started) wherever the
  // window is now; what lies off the screen is black.
  std::optional<std::string> window;
  // Only this monitor (--monitor): a RandR monitor's name (DP-1), its
  // number in the server's list (0, 1, ...: as `xrandr --listmonitors`
  // numbers them), or "primary". It must lie inside the screen.
  std::optional<std::string> monitor;
  bool cursor = false;  // record the pointer (needs XFixes)
};

// Connects to the display and checks every option; a one-line error names
// the display or the option that is wrong.
Status OpenX11Source(const X11Options& options,
                     std::unique_ptr<FrameSource>* source);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_X11_SOURCE_H_
