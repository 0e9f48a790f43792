// svg/timeline.h: recorded time to SVG time (speed, idle limit, end, loop
// period).
#include "svg/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <gtest/gtest.h>

namespace svgcast::test {
namespace {

TEST(Timeline, DefaultKeepsRecordedTime) {
  Timeline t({});
  EXPECT_EQ(t.Place(0, true), 0);
  EXPECT_EQ(t.Place(146'000, true), 146'000);
  EXPECT_EQ(t.Place(200'000, false), 200'000);
  EXPECT_EQ(t.Place(17'925'000, true), 17'925'000);
  EXPECT_EQ(t.EndUs(), 17'925'000);
}

TEST(Timeline, SpeedDividesEveryTime) {
  TimingOptions o;
  o.speed = 2;
  Timeline t(o);
  EXPECT_EQ(t.Place(0, true), 0);
  EXPECT_EQ(t.Place(100'001, true), 50'001);  // rounded to the microsecond
  EXPECT_EQ(t.Place(300'001, true), 150'001);
  o.speed = 0.5;
  Timeline slow(o);
  slow.Place(0, true);
  EXPECT_EQ(slow.Place(100'000, true), 200'000);
}

// Each time is the recorded one divided by speed, rounded once: rounding
// each pause drifted (5,000 frames 33,333 us apart at 3x ended 556 us
// early).
TEST(Timeline, SpeedDoesNotDriftOverManyFrames) {
  for (const double speed : {3.0, 0.7}) {
    TimingOptions o;
    o.speed = speed;
    Timeline t(o);
    int64_t worst_us = 0;
    for (int64_t n = 0; n < 5000; ++n) {
      const int64_t recorded_us = n * 33'333;
      const int64_t placed_us = t.Place(recorded_us, true);
      worst_us = std::max<int64_t>(
          worst_us, std::llabs(placed_us - std::llround(recorded_us / speed)));
    }
    EXPECT_EQ(worst_us, 0) << "speed " << speed;
  }
}

TEST(Timeline, IdleLimitCutsPausesBetweenChanges) {
  TimingOptions o;
  o.idle_limit_us = 1'000'000;
  Timeline t(o);
  EXPECT_EQ(t.Place(0, true), 0);
  EXPECT_EQ(t.Place(500'000, true), 500'000);  // short pause: kept
  // Unchanged frames every 100 ms do not count as activity.
  for (int64_t us = 600'000; us < 9'000'000; us += 100'000) {
    t.Place(us, false);
  }
  EXPECT_EQ(t.Place(9'500'000, true), 1'500'000);  // 9 s pause -> 1 s
  EXPECT_EQ(t.Place(9'700'000, true), 1'700'000);
}

TEST(Timeline, IdleLimitThenSpeed) {
  TimingOptions o;
  o.idle_limit_us = 1'000'000;
  o.speed = 4;
  Timeline t(o);
  t.Place(0, true);
  EXPECT_EQ(t.Place(10'000'000, true), 250'000);
}

TEST(Timeline, EndIsTheLastFrameOrEndUs) {
  Timeline t({});
  t.Place(0, true);
  t.Place(1'000'000, true);
  t.Place(3'000'000, false);  // nothing new, but the recording goes on
  EXPECT_EQ(t.EndUs(), 3'000'000);
  TimingOptions o;
  o.end_us = 5'000'000;
  o.idle_limit_us = 500'000;
  Timeline ended(o);
  ended.Place(0, true);
  ended.Place(1'000'000, true);         // 1 s pause cut to 0.5 s
  EXPECT_EQ(ended.EndUs(), 1'000'000);  // then 4 s to the end, cut to 0.5 s
}

TEST(Timeline, PeriodIsTheEndPlusHold) {
  TimingOptions o;
  o.loop = true;
  o.hold_us = 500'000;
  Timeline t(o);
  t.Place(0, true);
  t.Place(2'200'000, true);
  EXPECT_EQ(t.PeriodUs(), 2'700'000);
  TimingOptions still;
  still.loop = true;
  still.hold_us = 0;
  Timeline one(still);
  one.Place(0, true);
  EXPECT_EQ(one.PeriodUs(), 1);  // never 0 (a CSS duration of 0 loops badly)
}

}  // namespace
}  // namespace svgcast::test
