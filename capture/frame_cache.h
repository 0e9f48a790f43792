// FrameCache: the capture side's store of published frames, keyed by frame
// number (seq). The capture thread admits and publishes frames; the
// processing side asks for crops of them by message (CropRequest ->
// CropReply) and reports how far it has got (ReleaseBefore), which is the
// only thing that ever removes a frame. The processing side may pin a frame
// it will need again later (an anchor a scrolled band may be shown from):
// a pinned frame outlives ReleaseBefore until it is unpinned, and counts
// against the caps meanwhile.
//
// The cache is bounded by a number of frames and a number of bytes. What
// happens at the cap is the WhenFull policy chosen by the owner:
//   kWait: the capture thread waits until processing releases a frame
//          (replay: nothing is lost, the source is slowed down);
//   kDrop: the frame is not captured at all (live capture: the capture loop
//          never blocks; the frame is counted as dropped).
// Every frame the policy affects is counted in Stats().
//
// Threading: Admit() and Publish() are for the one capture thread. Crop(),
// ReleaseBefore(), Pin(), Unpin(), Abort() and Stats() are thread-safe. A
// CropReply is a read-only view that shares the frame's immutable pixels (no
// copy) and keeps them alive; keep it only while working on that frame.
#ifndef SVGCAST_CAPTURE_FRAME_CACHE_H_
#define SVGCAST_CAPTURE_FRAME_CACHE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>

#include <opencv2/core.hpp>

#include "capture/frame.h"

namespace svgcast {

struct CacheLimits {
  size_t max_frames = 0;  // 0: no cap on the count
  size_t max_bytes = 0;   // 0: no cap on the bytes
};

enum class WhenFull { kWait = 1, kDrop };

struct CropRequest {
  uint64_t seq = 0;
  std::optional<cv::Rect> rect;  // inside the frame; none: the whole frame
};

struct CropReply {
  uint64_t seq = 0;
  cv::Rect rect;
  cv::Mat pixels;  // CV_8UC4 BGRX view of rect; read only
  FramePtr frame;  // keeps the pixels alive while the reply is held
};

struct CacheStats {
  size_t frames = 0;  // cached now
  size_t bytes = 0;   // cached now
  size_t peak_frames = 0;
  size_t peak_bytes = 0;
  uint64_t published = 0;  // frames accepted so far
  uint64_t released = 0;   // frames released so far
  uint64_t waited = 0;     // frames that had to wait for room (kWait)
  int64_t wait_us = 0;     // total time spent waiting for room
  uint64_t dropped = 0;    // frames not captured at the cap (kDrop)
};

class FrameCache {
 public:
  enum class Admission { kReady = 1, kDropped, kAborted, kStopped };

  // A cap that cannot hold the frames the processing side works on at once
  // stalls it (processing/pipeline.h: a diff needs the new frame and the
  // two before it, and an anchor is pinned); callers check that with
  // Holds() before starting.
  FrameCache(CacheLimits limits, WhenFull when_full);
  FrameCache(const FrameCache&) = delete;
  FrameCache& operator=(const FrameCache&) = delete;

  // Whether `frames` frames of `frame_bytes` each fit under the limits.
  static bool Holds(CacheLimits limits, size_t frame_bytes, size_t frames);

  // Capture thread. Makes sure one more frame of `frame_bytes` fits, as the
  // policy says. kReady: go on and Publish(); kDropped: do not capture this
  // tick (counted); kAborted: Abort() was called, stop capturing; kStopped:
  // `stop` was requested while waiting for room.
  Admission Admit(size_t frame_bytes, std::stop_token stop = {});

  // Capture thread, after Admit() returned kReady. frame->seq must be
  // Stats().published (frames are numbered without gaps).
  void Publish(FramePtr frame);

  // Thread-safe. A view of request.rect of frame request.seq. Throws
  // std::logic_error when that frame is not cached (a protocol error: it was
  // never published or was already released).
  CropReply Crop(const CropRequest& request) const;

  // Thread-safe. The processing side no longer needs any frame before
  // `seq`; they are released and a waiting capture thread wakes up.
  void ReleaseBefore(uint64_t seq);

  // Thread-safe. Frame `seq` (cached) stays cached after ReleaseBefore()
  // passes it, until Unpin(seq); throws std::logic_error when it is not
  // cached or already pinned.
  void Pin(uint64_t seq);
  // Thread-safe. Ends Pin(seq): the frame is released now if
  // ReleaseBefore() has passed it. Throws std::logic_error when not pinned.
  void Unpin(uint64_t seq);

  CacheLimits limits() const { return limits_; }

  // Thread-safe. Wakes a waiting capture thread; every later Admit() returns
  // kAborted. Used when processing fails and will not release frames.
  void Abort();

  CacheStats Stats() const;

 private:
  bool HasRoomLocked(size_t frame_bytes) const;
  void EraseLocked(std::map<uint64_t, FramePtr>::iterator it);

  const CacheLimits limits_;
  const WhenFull when_full_;

  mutable std::mutex mutex_;
  std::condition_variable_any room_;     // signalled on release and abort
  std::map<uint64_t, FramePtr> frames_;  // guarded by mutex_
  std::set<uint64_t> pinned_;            // guarded by mutex_
  uint64_t released_before_ = 0;         // guarded by mutex_
  CacheStats stats_;                     // guarded by mutex_
  bool aborted_ = false;                 // guarded by mutex_
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_CACHE_H_
