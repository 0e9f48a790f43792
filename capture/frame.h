// Frame: one captured screen image and when it was on screen; FrameTicket:
// the small message that tells the processing graph a frame is ready.
//
// Pixels are 8-bit BGRX (CV_8UC4; the fourth byte is 255 for every source
// svgcast has so far and is never shown). A Frame is immutable once the
// capture side publishes it into the FrameCache: any thread may then read
// it, nobody may write it. FrameTicket is a plain value.
#ifndef SVGCAST_CAPTURE_FRAME_H_
#define SVGCAST_CAPTURE_FRAME_H_

#include <cstdint>
#include <memory>

#include <opencv2/core.hpp>

namespace svgcast {

struct Frame {
  uint64_t seq = 0;  // 0, 1, 2, ... over the frames accepted into the cache
  int64_t timestamp_us = 0;  // from the first frame (which is at 0)
  cv::Mat pixels;            // CV_8UC4, BGRX
};

using FramePtr = std::shared_ptr<const Frame>;

// What the capture side posts into the graph for each frame, then once more
// (with kind == kEnd, seq one past the last frame) to end the stream.
struct FrameTicket {
  enum class Kind { kFrame = 1, kEnd };

  Kind kind = Kind::kFrame;
  uint64_t seq = 0;
  int64_t timestamp_us = 0;

  bool is_end() const { return kind == Kind::kEnd; }
};

// Bytes of pixel memory a frame of this size holds.
inline size_t FrameBytes(cv::Size size) {
  return static_cast<size_t>(size.width) * static_cast<size_t>(size.height) * 4;
}

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_H_
