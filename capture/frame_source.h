// FrameSource: where frames come from (a folder of fixture PNGs, the X11
// screen; video files later). The CaptureThread drives it: wait until the
// next frame is due, then either capture it (into memory the frame cache
// will keep) or skip it when the cache is full.
//
// Threading: a source is created on one thread and then used only by the
// capture thread; none of its methods is thread-safe unless it says so.
#ifndef SVGCAST_CAPTURE_FRAME_SOURCE_H_
#define SVGCAST_CAPTURE_FRAME_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <opencv2/core.hpp>

#include "capture/clock.h"
#include "capture/frame.h"
#include "capture/status.h"

namespace svgcast {

// When a frame was due, for the frame timer.
struct Tick {
  int64_t deadline_ns = 0;  // CLOCK_MONOTONIC; 0: the source is not paced
  uint64_t skipped = 0;     // ticks missed (woke too late) before this one
};

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

  // Waits until the next frame is due (paced sources sleep until their next
  // deadline). False when the stream has ended normally, or when the wait
  // was cut short (SetCutShort(): the caller knows which).
  virtual bool WaitForNextFrame(Tick* tick) = 0;

  // The capture thread's, before its first WaitForNextFrame(): a source
  // that sleeps until a deadline asks `cut_short` while it waits (at least
  // every kCutShortPollNs) and gives up waiting once it says true, so that
  // at --fps 0.1 Ctrl-C is not a ten-second wait. (A source that wraps
  // another passes it on.)
  virtual void SetCutShort(CutShort cut_short) {
    cut_short_ = std::move(cut_short);
  }

  // Captures the due frame: fills frame->pixels (CV_8UC4 BGRX, memory the
  // frame may keep: either owned by the Mat or kept alive by
  // frame->storage), frame->timestamp_us (when it was on screen, on the
  // source's own clock, strictly increasing) and frame->cursor (if the
  // source records the pointer). An error ends the stream: a
  // Status::SourceLost() one keeps what was captured before, any other
  // fails the whole run.
  virtual Status Capture(Frame* frame) = 0;

  // The due frame is not wanted (the cache is full under the drop policy).
  virtual void Skip() = 0;

 protected:
  const CutShort& cut_short() const { return cut_short_; }

 private:
  CutShort cut_short_;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_SOURCE_H_
