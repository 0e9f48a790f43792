#include "capture/pacer.h"

#include "capture/clock.h"

namespace svgcast {

Pacer::Pacer(int64_t period_ns, int64_t first_deadline_ns)
    : period_ns_(period_ns),
      next_deadline_ns_(first_deadline_ns >= 0 ? first_deadline_ns
                                               : MonotonicNowNs()) {}

Tick Pacer::WaitForNextTick() { return *WaitForNextTick(CutShort()); }

std::optional<Tick> Pacer::WaitForNextTick(const CutShort& cut_short) {
  Tick tick;
  const int64_t now_ns = MonotonicNowNs();
  if (now_ns >= next_deadline_ns_ + period_ns_) {
    // Woke (or came back) late: the deadlines already passed are skipped;
    // the latest one is this tick.
    const int64_t behind = (now_ns - next_deadline_ns_) / period_ns_;
    tick.skipped = static_cast<uint64_t>(behind);
    next_deadline_ns_ += behind * period_ns_;
  }
  if (!SleepUntilNsUnless(next_deadline_ns_, cut_short)) return std::nullopt;
  tick.deadline_ns = next_deadline_ns_;
  next_deadline_ns_ += period_ns_;
  return tick;
}

}  // namespace svgcast
