// The monotonic clock every timing in svgcast uses (CLOCK_MONOTONIC, in
// nanoseconds), and sleeping until an absolute point on it.
//
// Threading: thread-safe free functions.
#ifndef SVGCAST_CAPTURE_CLOCK_H_
#define SVGCAST_CAPTURE_CLOCK_H_

#include <cstdint>

namespace svgcast {

int64_t MonotonicNowNs();

// Sleeps until MonotonicNowNs() >= deadline_ns (clock_nanosleep with
// TIMER_ABSTIME, resumed after signals), so a late start of the sleep does
// not push the wake-up later. Returns at once if the deadline has passed.
void SleepUntilNs(int64_t deadline_ns);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_CLOCK_H_
