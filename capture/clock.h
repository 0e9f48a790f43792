// The monotonic clock every timing in svgcast uses (CLOCK_MONOTONIC, in
// nanoseconds), and sleeping until an absolute point on it (or until told
// to stop waiting).
//
// Threading: thread-safe free functions.
#ifndef SVGCAST_CAPTURE_CLOCK_H_
#define SVGCAST_CAPTURE_CLOCK_H_

#include <cstdint>
#include <functional>

namespace svgcast {

int64_t MonotonicNowNs();

// Sleeps until MonotonicNowNs() >= deadline_ns (clock_nanosleep with
// TIMER_ABSTIME, resumed after signals), so a late start of the sleep does
// not push the wake-up later. Returns at once if the deadline has passed.
void SleepUntilNs(int64_t deadline_ns);

// Whether a wait should end early (Ctrl-C, a stop, the end of a recording
// reached): FrameSource::SetCutShort().
using CutShort = std::function<bool()>;

// SleepUntilNs(), but asking `cut_short` (if given) first and then at
// least every kCutShortPollNs: false if it said true before the deadline.
// (The last stretch still ends at the deadline exactly.)
inline constexpr int64_t kCutShortPollNs = 50'000'000;
bool SleepUntilNsUnless(int64_t deadline_ns, const CutShort& cut_short);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_CLOCK_H_
