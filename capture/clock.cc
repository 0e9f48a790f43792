#include "capture/clock.h"

#include <time.h>

#include <cerrno>

namespace svgcast {

int64_t MonotonicNowNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

void SleepUntilNs(int64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) ==
         EINTR) {
  }
}

bool SleepUntilNsUnless(int64_t deadline_ns, const CutShort& cut_short) {
  if (!cut_short) {
    SleepUntilNs(deadline_ns);
    return true;
  }
  for (;;) {
    if (cut_short()) return false;
    const int64_t now_ns = MonotonicNowNs();
    if (now_ns >= deadline_ns) return true;
    if (deadline_ns - now_ns <= kCutShortPollNs) {
      SleepUntilNs(deadline_ns);
      return true;
    }
    SleepUntilNs(now_ns + kCutShortPollNs);
  }
}

}  // namespace svgcast
