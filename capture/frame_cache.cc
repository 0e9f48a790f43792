#include "capture/frame_cache.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace svgcast {

FrameCache::FrameCache(CacheLimits limits, WhenFull when_full)
    : limits_(limits), when_full_(when_full) {}

bool FrameCache::Holds(CacheLimits limits, size_t frame_bytes, size_t frames) {
  return (limits.max_frames == 0 || limits.max_frames >= frames) &&
         (limits.max_bytes == 0 || limits.max_bytes >= frames * frame_bytes);
}

bool FrameCache::HasRoomLocked(size_t frame_bytes) const {
  if (limits_.max_frames != 0 && stats_.frames + 1 > limits_.max_frames) {
    return false;
  }
  if (limits_.max_bytes != 0 &&
      stats_.bytes + frame_bytes > limits_.max_bytes) {
    return false;
  }
  return true;
}

FrameCache::Admission FrameCache::Admit(size_t frame_bytes,
                                        std::stop_token stop) {
  std::unique_lock lock(mutex_);
  if (aborted_) return Admission::kAborted;
  if (HasRoomLocked(frame_bytes)) return Admission::kReady;
  if (when_full_ == WhenFull::kDrop) {
    ++stats_.dropped;
    return Admission::kDropped;
  }
  ++stats_.waited;
  const auto start = std::chrono::steady_clock::now();
  const bool woken = room_.wait(
      lock, stop, [&] { return aborted_ || HasRoomLocked(frame_bytes); });
  stats_.wait_us += std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (!woken) return Admission::kStopped;
  return aborted_ ? Admission::kAborted : Admission::kReady;
}

void FrameCache::Publish(FramePtr frame) {
  std::lock_guard lock(mutex_);
  if (frame->seq != stats_.published) {
    throw std::logic_error("frame cache: frame " + std::to_string(frame->seq) +
                           " published, expected " +
                           std::to_string(stats_.published));
  }
  stats_.bytes += FrameBytes(frame->pixels.size());
  stats_.frames += 1;
  stats_.published += 1;
  stats_.peak_frames = std::max(stats_.peak_frames, stats_.frames);
  stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.bytes);
  const uint64_t seq = frame->seq;
  frames_.emplace(seq, std::move(frame));
}

CropReply FrameCache::Crop(const CropRequest& request) const {
  FramePtr frame;
  {
    std::lock_guard lock(mutex_);
    auto it = frames_.find(request.seq);
    if (it == frames_.end()) {
      throw std::logic_error("frame cache: crop of frame " +
                             std::to_string(request.seq) +
                             ", which is not cached");
    }
    frame = it->second;
  }
  const cv::Rect bounds(0, 0, frame->pixels.cols, frame->pixels.rows);
  const cv::Rect rect = request.rect.value_or(bounds);
  if ((rect & bounds) != rect || rect.empty()) {
    throw std::logic_error("frame cache: crop outside frame " +
                           std::to_string(request.seq));
  }
  // The reply holds the frame, so the view stays valid even if the cache
  // releases the frame while it is in use.
  return CropReply{request.seq, rect, frame->pixels(rect), frame};
}

void FrameCache::EraseLocked(std::map<uint64_t, FramePtr>::iterator it) {
  stats_.bytes -= FrameBytes(it->second->pixels.size());
  stats_.frames -= 1;
  stats_.released += 1;
  frames_.erase(it);
}

void FrameCache::ReleaseBefore(uint64_t seq) {
  {
    std::lock_guard lock(mutex_);
    released_before_ = std::max(released_before_, seq);
    for (auto it = frames_.begin(); it != frames_.end() && it->first < seq;) {
      if (pinned_.count(it->first) != 0) {
        ++it;
      } else {
        EraseLocked(it++);
      }
    }
  }
  room_.notify_all();
}

void FrameCache::Pin(uint64_t seq) {
  std::lock_guard lock(mutex_);
  if (frames_.count(seq) == 0 || !pinned_.insert(seq).second) {
    throw std::logic_error("frame cache: pin of frame " + std::to_string(seq) +
                           ", which is not cached or already pinned");
  }
}

void FrameCache::Unpin(uint64_t seq) {
  {
    std::lock_guard lock(mutex_);
    if (pinned_.erase(seq) == 0) {
      throw std::logic_error("frame cache: unpin of frame " +
                             std::to_string(seq) + ", which is not pinned");
    }
    if (seq >= released_before_) return;
    EraseLocked(frames_.find(seq));
  }
  room_.notify_all();
}

void FrameCache::Abort() {
  {
    std::lock_guard lock(mutex_);
    aborted_ = true;
  }
  room_.notify_all();
}

CacheStats FrameCache::Stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace svgcast
