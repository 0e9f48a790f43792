#include "capture/tolerance_filter.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast {
namespace {

using test::MaxDifference;
using test::SolidFrame;

const cv::Size kSize(8, 4);

TEST(ToleranceFilter, ZeroPassesFramesThroughInNewMemory) {
  ToleranceFilter filter(0);
  const cv::Mat a = SolidFrame(kSize, {10, 20, 30});
  const cv::Mat b = SolidFrame(kSize, {11, 20, 30});
  const cv::Mat first = filter.Apply(a);
  const cv::Mat second = filter.Apply(b);
  EXPECT_EQ(MaxDifference(first, a), 0);
  EXPECT_EQ(MaxDifference(second, b), 0);
  EXPECT_NE(first.data, a.data);
  EXPECT_NE(second.data, b.data);
  EXPECT_EQ(filter.max_error(), 0);
}

TEST(ToleranceFilter, SmallChangesKeepWhatIsShown) {
  ToleranceFilter filter(4);
  filter.Apply(SolidFrame(kSize, {100, 100, 100}));
  cv::Mat next = SolidFrame(kSize, {104, 96, 103});
  next.at<cv::Vec4b>(1, 2) = {105, 100, 100, 255};  // B is 5 off: changes
  const cv::Mat shown = filter.Apply(next);
  EXPECT_EQ(shown.at<cv::Vec4b>(0, 0), cv::Vec4b(100, 100, 100, 255));
  // All three channels come from the frame where one is beyond tolerance.
  EXPECT_EQ(shown.at<cv::Vec4b>(1, 2), cv::Vec4b(105, 100, 100, 255));
  EXPECT_EQ(filter.last_error(), 4);
  EXPECT_EQ(filter.max_error(), 4);
  EXPECT_EQ(MaxDifference(shown, next), 4);
}

// A slow drift of one level a frame: compared with the previous frame
// nothing would ever change and the error would grow without bound;
// compared with what is shown, the picture catches up whenever it is more
// than the tolerance off.
TEST(ToleranceFilter, SlowDriftDoesNotPileUp) {
  ToleranceFilter filter(3);
  int updates = 0;
  cv::Mat previous;
  for (int level = 50; level <= 90; ++level) {
    const cv::Mat frame = SolidFrame(kSize, {double(level), 0, 0});
    const cv::Mat shown = filter.Apply(frame);
    EXPECT_LE(MaxDifference(shown, frame), 3) << "level " << level;
    if (!previous.empty() && MaxDifference(shown, previous) != 0) ++updates;
    previous = shown;
  }
  EXPECT_EQ(filter.max_error(), 3);
  EXPECT_EQ(updates, 10);  // every fourth level
}

// What Apply() returned is published as an immutable frame: later frames
// must not write into it.
TEST(ToleranceFilter, EarlierResultsStayUnchanged) {
  ToleranceFilter filter(2);
  const cv::Mat first = filter.Apply(SolidFrame(kSize, {0, 0, 0}));
  const cv::Mat copy = first.clone();
  filter.Apply(SolidFrame(kSize, {200, 0, 0}));
  filter.Apply(SolidFrame(kSize, {1, 0, 0}));
  EXPECT_EQ(MaxDifference(first, copy), 0);
}

TEST(ToleranceFilter, ReportsTheLargestErrorOfAnyFrame) {
  ToleranceFilter filter(16);
  filter.Apply(SolidFrame(kSize, {0, 0, 0}));
  filter.Apply(SolidFrame(kSize, {0, 9, 0}));
  EXPECT_EQ(filter.last_error(), 9);
  filter.Apply(SolidFrame(kSize, {0, 0, 2}));
  EXPECT_EQ(filter.last_error(), 2);
  EXPECT_EQ(filter.max_error(), 9);
}

}  // namespace
}  // namespace svgcast
