// Frame: one captured screen image and when it was on screen; FrameTicket:
// the small message that tells the processing graph a frame is ready.
//
// Pixels are 8-bit BGRX (CV_8UC4). The fourth byte is not part of the image
// (never shown or encoded); a source keeps it constant so frames compare
// with memcmp (PNG sources write 255; an X server writes what it writes).
// A Frame is immutable once the capture side publishes it into the
// FrameCache: any thread may then read it, nobody may write it. FrameTicket
// is a plain value.
#ifndef SVGCAST_CAPTURE_FRAME_H_
#define SVGCAST_CAPTURE_FRAME_H_

#include <cstdint>
#include <memory>
#include <optional>

#include <opencv2/core.hpp>

namespace svgcast {

// The mouse pointer at the moment of a frame, kept apart from the pixels
// (svgcast draws it as its own layer).
struct CursorSample {
  // Same serial, same image: an image is stored once per serial.
  uint64_t shape_serial = 0;
  cv::Mat image;       // CV_8UC4 BGRA, straight (not premultiplied) alpha
  cv::Point hotspot;   // inside image: the point that sits at `position`
  cv::Point position;  // of the hotspot, in frame coordinates
  bool visible = true;
};

// The latest time any source may give a frame, from the first: about 31
// years. Manifests, videos and SVGs with later times are refused, and
// durations on the command line stop there too, so a time slowed down by
// --speed (at most 100 times) with a hold added stays far from int64's
// limits.
inline constexpr int64_t kMaxTimestampUs = 1'000'000'000'000'000;

struct Frame {
  uint64_t seq = 0;  // 0, 1, 2, ... over the frames accepted into the cache
  int64_t timestamp_us = 0;  // from the first frame (which is at 0)
  cv::Mat pixels;            // CV_8UC4, BGRX
  // Keeps the memory behind `pixels` alive when the Mat does not own it
  // (an XShm segment goes back to its pool when the last holder lets go).
  std::shared_ptr<const void> storage;
  std::optional<CursorSample> cursor;  // when the pointer is recorded
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
