// FrameSource: where frames come from (a folder of fixture PNGs now; the X11
// screen and video files later). The CaptureThread drives it: wait until the
// next frame is due, then either capture it into a new buffer that the frame
// cache will keep, or skip it when the cache is full.
//
// Threading: a source is created on one thread and then used only by the
// capture thread; none of its methods is thread-safe.
#ifndef SVGCAST_CAPTURE_FRAME_SOURCE_H_
#define SVGCAST_CAPTURE_FRAME_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

class FrameSource {
 public:
  FrameSource() = default;
  FrameSource(const FrameSource&) = delete;
  FrameSource& operator=(const FrameSource&) = delete;
  virtual ~FrameSource() = default;

  // The size of every frame (a source never changes it mid-stream).
  virtual cv::Size frame_size() const = 0;

  // How many frames the source will give, when it knows up front.
  virtual std::optional<uint64_t> frame_count() const = 0;

  // Waits until the next frame is due (live sources sleep until their next
  // tick). False when the stream has ended.
  virtual bool WaitForNextFrame() = 0;

  // Captures the due frame into `pixels` (a new CV_8UC4 BGRX buffer, which
  // the caller publishes) and says when it was on screen, in microseconds
  // on the source's own clock (strictly increasing).
  virtual Status Capture(cv::Mat* pixels, int64_t* timestamp_us) = 0;

  // The due frame is not wanted (the cache is full under the drop policy).
  virtual void Skip() = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_SOURCE_H_
