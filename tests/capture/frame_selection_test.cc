#include "capture/frame_selection.h"

#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast {
namespace {

// fixtures/boxes' times, in us.
const std::vector<int64_t> kTimes{0,       100000,  150000,  200000,
                                  250000,  400000,  433000,  500000,
                                  1000000, 1200000, 1700000, 2200000};

std::vector<int64_t> Times(const Selection& s) {
  std::vector<int64_t> times;
  for (const SelectedFrame& f : s.frames) times.push_back(f.timestamp_us);
  return times;
}

std::vector<size_t> Indices(const Selection& s) {
  std::vector<size_t> indices;
  for (const SelectedFrame& f : s.frames) indices.push_back(f.index);
  return indices;
}

TEST(FrameSelection, EveryFrameByDefault) {
  Selection s;
  ASSERT_TRUE(SelectFrames(kTimes, {}, "v.mp4", &s).ok());
  EXPECT_EQ(Times(s), kTimes);
  EXPECT_EQ(s.frames.back().index, 11u);
  EXPECT_TRUE(s.reaches_end);
  EXPECT_EQ(s.same_time, 0u);
}

TEST(FrameSelection, OfEqualTimesTheLastStays) {
  Selection s;
  ASSERT_TRUE(SelectFrames({0, 40, 40, 40, 80}, {}, "v.mp4", &s).ok());
  EXPECT_EQ(Indices(s), (std::vector<size_t>{0, 3, 4}));
  EXPECT_EQ(s.same_time, 2u);
}

TEST(FrameSelection, MaxFpsDropsFramesTooCloseButKeepsTheLast) {
  Selection s;
  SelectionOptions o;
  o.min_interval_us = 200000;  // --max-fps 5
  ASSERT_TRUE(SelectFrames(kTimes, o, "v.mp4", &s).ok());
  EXPECT_EQ(Times(s), (std::vector<int64_t>{0, 200000, 400000, 1000000, 1200000,
                                            1700000, 2200000}));
  o.min_interval_us = 1000000;  // the last frame stays though only 500 ms on
  ASSERT_TRUE(SelectFrames(kTimes, o, "v.mp4", &s).ok());
  EXPECT_EQ(Times(s), (std::vector<int64_t>{0, 1000000, 2200000}));
}

TEST(FrameSelection, StartShowsTheFrameOnScreenThenFromThen) {
  Selection s;
  SelectionOptions o;
  o.start_us = 120000;
  o.end_us = 1000000;
  ASSERT_TRUE(SelectFrames(kTimes, o, "v.mp4", &s).ok());
  EXPECT_EQ(Indices(s), (std::vector<size_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(s.frames.front().timestamp_us, 120000);
  EXPECT_EQ(s.frames.back().timestamp_us, 500000);
  EXPECT_FALSE(s.reaches_end);
}

TEST(FrameSelection, StartAfterTheLastFrameIsAnError) {
  Selection s;
  SelectionOptions o;
  o.start_us = 3000000;
  const Status status = SelectFrames(kTimes, o, "v.mp4", &s);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(test::Contains(status.message(),
                             "--start 3000 ms: after the last frame of v.mp4 "
                             "(at 2200 ms)"));
}

}  // namespace
}  // namespace svgcast
