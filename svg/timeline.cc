#include "svg/timeline.h"

#include <algorithm>
#include <cmath>

namespace svgcast {

int64_t Timeline::CutUs(int64_t recorded_us) const {
  int64_t pause_us = recorded_us - last_change_recorded_us_;
  if (options_.idle_limit_us > 0) {
    pause_us = std::min(pause_us, options_.idle_limit_us);
  }
  return last_change_cut_us_ + pause_us;
}

// (Rounded once, from the whole cut time: rounding each pause, as before,
// drifted by up to half a microsecond a frame.)
int64_t Timeline::Map(int64_t recorded_us) const {
  return std::llround(static_cast<double>(CutUs(recorded_us)) / options_.speed);
}

int64_t Timeline::Place(int64_t recorded_us, bool changed) {
  if (!started_) {
    started_ = true;
    last_change_recorded_us_ = last_recorded_us_ = recorded_us;
    last_change_cut_us_ = 0;
    return 0;
  }
  const int64_t cut_us = CutUs(recorded_us);
  last_recorded_us_ = std::max(last_recorded_us_, recorded_us);
  if (changed) {
    last_change_recorded_us_ = recorded_us;
    last_change_cut_us_ = cut_us;
  }
  return Map(recorded_us);
}

int64_t Timeline::EndUs() const {
  if (!started_) return 0;
  return Map(std::max(last_recorded_us_, options_.end_us));
}

int64_t Timeline::PeriodUs() const {
  return std::max<int64_t>(1, EndUs() + options_.hold_us);
}

}  // namespace svgcast
