#include "capture/frame_timer.h"

namespace svgcast {

FrameTimer::FrameTimer(int64_t period_ns) : period_ns_(period_ns) {}

void FrameTimer::OnSkippedTicks(uint64_t count) {
  std::lock_guard lock(mutex_);
  skipped_ticks_ += count;
}

void FrameTimer::OnDropped(DropReason reason) {
  std::lock_guard lock(mutex_);
  if (reason == DropReason::kCacheFull) ++dropped_cache_full_;
}

void FrameTimer::OnCaptured(const FrameTimes& times) {
  std::lock_guard lock(mutex_);
  rows_.push_back(times);
}

void FrameTimer::OnProcessed(uint64_t seq, int64_t done_ns) {
  std::lock_guard lock(mutex_);
  if (seq < rows_.size() && rows_[seq].seq == seq) {
    rows_[seq].processed_ns = done_ns;
  }
}

std::vector<FrameTimes> FrameTimer::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

}  // namespace svgcast
