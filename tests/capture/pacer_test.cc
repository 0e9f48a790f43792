// Pacer: deadlines exactly a period apart from the first one; a caller that
// comes back late skips the ticks it missed and gets the latest one that
// passed. Lateness is arranged with SleepUntilNs past known deadlines; the
// checks are relations that hold however late the scheduler wakes the test.
#include "capture/pacer.h"

#include <cstdint>

#include <gtest/gtest.h>

#include "capture/clock.h"

namespace svgcast {
namespace {

constexpr int64_t kMs = 1'000'000;

// A tick as seen by its caller: the clock just before and after the call.
struct Observed {
  Tick tick;
  int64_t before_ns = 0;
  int64_t after_ns = 0;
};

Observed Wait(Pacer& pacer) {
  Observed o;
  o.before_ns = MonotonicNowNs();
  o.tick = pacer.WaitForNextTick();
  o.after_ns = MonotonicNowNs();
  return o;
}

// What holds for any tick whose predecessor's successor deadline was `due`
// (the deadline it would get if on time): it is `due` plus whole periods,
// one per skipped tick; it has passed when the call returns; and it is the
// latest that had passed when the call began (the next one had not), so
// skipped is at least the whole periods missed by then and at most those
// missed by the return.
void ExpectTickAfter(int64_t due, int64_t period, const Observed& o) {
  EXPECT_EQ(o.tick.deadline_ns,
            due + static_cast<int64_t>(o.tick.skipped) * period);
  EXPECT_LE(o.tick.deadline_ns, o.after_ns) << "returned before its deadline";
  EXPECT_GT(o.tick.deadline_ns + period, o.before_ns)
      << "not the latest passed tick";
  const int64_t missed_before =
      o.before_ns >= due ? (o.before_ns - due) / period : 0;
  const int64_t missed_after =
      o.after_ns >= due ? (o.after_ns - due) / period : 0;
  EXPECT_GE(static_cast<int64_t>(o.tick.skipped), missed_before);
  EXPECT_LE(static_cast<int64_t>(o.tick.skipped), missed_after);
}

TEST(PacerTest, DeadlinesArePeriodApartFromTheFirst) {
  constexpr int64_t kPeriod = 3 * kMs;
  const int64_t first = MonotonicNowNs() + 2 * kMs;
  Pacer pacer(kPeriod, first);
  EXPECT_EQ(pacer.period_ns(), kPeriod);
  int64_t due = first;
  uint64_t ticks = 0;
  for (int i = 0; i < 20; ++i) {
    const Observed o = Wait(pacer);
    ExpectTickAfter(due, kPeriod, o);
    // Exactly on the grid that starts at the first deadline.
    EXPECT_EQ((o.tick.deadline_ns - first) % kPeriod, 0);
    EXPECT_EQ(o.tick.deadline_ns - first,
              static_cast<int64_t>(ticks + o.tick.skipped) * kPeriod);
    ticks += 1 + o.tick.skipped;
    due = o.tick.deadline_ns + kPeriod;
  }
}

TEST(PacerTest, FirstDeadlineDefaultsToNow) {
  constexpr int64_t kPeriod = 50 * kMs;
  const int64_t before = MonotonicNowNs();
  Pacer pacer(kPeriod);
  const int64_t after = MonotonicNowNs();
  const Observed o = Wait(pacer);
  const int64_t first =
      o.tick.deadline_ns - static_cast<int64_t>(o.tick.skipped) * kPeriod;
  EXPECT_GE(first, before);
  EXPECT_LE(first, after);
  ExpectTickAfter(first, kPeriod, o);
}

TEST(PacerTest, LateCallerSkipsTheWholePeriodsItMissed) {
  constexpr int64_t kPeriod = 2 * kMs;
  Pacer pacer(kPeriod);
  const Observed first = Wait(pacer);
  const int64_t due = first.tick.deadline_ns + kPeriod;
  // Come back five and a half periods after the next deadline.
  SleepUntilNs(due + 5 * kPeriod + kPeriod / 2);
  const Observed late = Wait(pacer);
  EXPECT_GE(late.tick.skipped, 5u);
  ExpectTickAfter(due, kPeriod, late);
  // Back on the grid: the next tick is one period (plus any it skips) on.
  const Observed next = Wait(pacer);
  ExpectTickAfter(late.tick.deadline_ns + kPeriod, kPeriod, next);
}

TEST(PacerTest, FirstDeadlineLongPast) {
  constexpr int64_t kPeriod = 4 * kMs;
  const int64_t first = MonotonicNowNs() - 10 * kPeriod - kPeriod / 2;
  Pacer pacer(kPeriod, first);
  const Observed o = Wait(pacer);
  EXPECT_GE(o.tick.skipped, 10u);
  ExpectTickAfter(first, kPeriod, o);
}

TEST(PacerTest, LessThanAPeriodLateKeepsItsTick) {
  constexpr int64_t kPeriod = 100 * kMs;
  Pacer pacer(kPeriod);
  const Observed first = Wait(pacer);
  const int64_t due = first.tick.deadline_ns + kPeriod;
  SleepUntilNs(due + kPeriod / 2);
  const Observed o = Wait(pacer);
  ExpectTickAfter(due, kPeriod, o);
  if (o.after_ns < due + kPeriod) {  // woken in time for that tick
    EXPECT_EQ(o.tick.skipped, 0u);
    EXPECT_EQ(o.tick.deadline_ns, due);
  }
}

// A wait cut short: `cut_short` is asked first and then while waiting;
// once it says true the wait ends without a tick, and that tick stays due.
// (With a period of an hour, a wait not cut short would take an hour.)
TEST(PacerTest, CutShortEndsTheWaitWithoutATick) {
  constexpr int64_t kHour = 3'600'000 * kMs;
  Pacer hourly(kHour, MonotonicNowNs() + kHour);
  int asked = 0;
  EXPECT_FALSE(hourly.WaitForNextTick([&] { return ++asked == 3; }));
  EXPECT_EQ(asked, 3);  // at the start, then at least every 50 ms

  const int64_t first = MonotonicNowNs() + 20 * kMs;
  Pacer pacer(kHour, first);
  EXPECT_FALSE(pacer.WaitForNextTick([] { return true; }));
  const std::optional<Tick> tick = pacer.WaitForNextTick([] { return false; });
  ASSERT_TRUE(tick);
  EXPECT_EQ(tick->deadline_ns, first);
  EXPECT_EQ(tick->skipped, 0u);
  EXPECT_GE(MonotonicNowNs(), first);
}

}  // namespace
}  // namespace svgcast
