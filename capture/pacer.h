// Pacer: ticks at a fixed period, by absolute deadlines on the monotonic
// clock. WaitForNextTick() sleeps until the next deadline; a caller that
// comes back after one or more further deadlines have already passed gets
// the latest passed one, and the ticks in between are skipped (counted in
// Tick::skipped), never "caught up" with frames a few ms apart. One slow
// tick therefore does not shift the ones after it.
//
// Threading: one thread (the capture thread) uses a Pacer.
#ifndef SVGCAST_CAPTURE_PACER_H_
#define SVGCAST_CAPTURE_PACER_H_

#include <cstdint>
#include <optional>

#include "capture/clock.h"
#include "capture/frame_source.h"

namespace svgcast {

class Pacer {
 public:
  // The first tick is due at first_deadline_ns (default: now).
  explicit Pacer(int64_t period_ns, int64_t first_deadline_ns = -1);

  // Sleeps until the next due tick and says which one it is.
  Tick WaitForNextTick();
  // The same, unless `cut_short` says to stop waiting first (it is asked
  // at least every kCutShortPollNs): then nothing, and the tick stays due.
  std::optional<Tick> WaitForNextTick(const CutShort& cut_short);

  int64_t period_ns() const { return period_ns_; }

 private:
  const int64_t period_ns_;
  int64_t next_deadline_ns_;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_PACER_H_
