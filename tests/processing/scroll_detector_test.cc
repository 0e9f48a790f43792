// processing/scroll_detector.h: which bands moved, and by how much.
#include "processing/scroll_detector.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast {
namespace {

// A "page" of rows that all differ (as lines of text do), `rows` tall.
cv::Mat Page(int width, int rows, int seed) {
  cv::Mat page(rows, width, CV_8UC4);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(page, cv::RNG::UNIFORM, 0, 256);
  return page;
}

// A 64x48 screen: a status line (rows 0-3) over a text area showing the
// page from row `scrolled` on, and a bar on the right that never moves.
cv::Mat Screen(const cv::Mat& page, int scrolled) {
  cv::Mat screen(48, 64, CV_8UC4, cv::Scalar(30, 30, 30, 255));
  page(cv::Rect(0, scrolled, 56, 44)).copyTo(screen(cv::Rect(0, 4, 56, 44)));
  return screen;
}

const cv::Rect kChanged(0, 4, 56, 44);

TEST(ScrollDetector, FindsTheBandAndHowFarItMoved) {
  const cv::Mat page = Page(56, 100, 1);
  const cv::Mat before = Screen(page, 10);
  const cv::Mat after = Screen(page, 16);  // scrolled down 6 rows
  const std::optional<Move> move =
      DetectScroll(before, after, kChanged, ScrollOptions{});
  ASSERT_TRUE(move.has_value());
  EXPECT_EQ(move->dy, 6);
  // Rows 4-41 show what rows 10-47 showed; the last 6 are new. (Across
  // the whole width: the bar beside the text did not change either.)
  EXPECT_EQ(move->to, cv::Rect(0, 4, 64, 38));
  const cv::Mat moved = ApplyMove(before, *move);
  EXPECT_TRUE(test::SamePixels(after(move->to), moved(move->to)));
}

TEST(ScrollDetector, FindsUpwardMovesToo) {
  const cv::Mat page = Page(56, 100, 2);
  const std::optional<Move> move = DetectScroll(
      Screen(page, 30), Screen(page, 22), kChanged, ScrollOptions{});
  ASSERT_TRUE(move.has_value());
  EXPECT_EQ(move->dy, -8);
  EXPECT_EQ(move->to, cv::Rect(0, 12, 64, 36));
}

TEST(ScrollDetector, OnlyTheColumnsThatChangedWhenTheRestDoesNotMove) {
  // A scroll bar beside the text whose thumb moves the other way: the
  // rows match only over the text's columns.
  const cv::Mat page = Page(56, 100, 7);
  cv::Mat before = Screen(page, 10);
  cv::Mat after = Screen(page, 16);
  before(cv::Rect(58, 10, 4, 6)).setTo(cv::Scalar(255, 255, 255, 255));
  after(cv::Rect(58, 30, 4, 6)).setTo(cv::Scalar(255, 255, 255, 255));
  const std::optional<Move> move =
      DetectScroll(before, after, kChanged, ScrollOptions{});
  ASSERT_TRUE(move.has_value());
  EXPECT_EQ(move->dy, 6);
  EXPECT_EQ(move->to, cv::Rect(0, 4, 56, 38));
}

// A thumb beside the text that moved the same frame (the bar's columns
// changed too): over all the columns that changed, and across the whole
// width, the thumb's rows break the band (here into runs too short for a
// move); over the text's columns alone (the largest region that changed)
// it is the whole text area.
TEST(ScrollDetector, OverTheTextsColumnsAloneWhenTheThumbMovedToo) {
  const cv::Mat page = Page(56, 100, 10);
  cv::Mat before = Screen(page, 10);
  cv::Mat after = Screen(page, 16);
  before(cv::Rect(58, 20, 4, 6)).setTo(cv::Scalar(255, 255, 255, 255));
  after(cv::Rect(58, 22, 4, 6)).setTo(cv::Scalar(255, 255, 255, 255));
  const cv::Rect changed(0, 4, 62, 44);
  const std::optional<Move> broken =
      DetectScroll(before, after, changed, ScrollOptions{});
  EXPECT_TRUE(!broken.has_value() || broken->to.height < 38);
  const std::optional<Move> column = DetectScrollInColumns(
      before, after, changed, cv::Rect(0, 4, 56, 44), ScrollOptions{});
  ASSERT_TRUE(column.has_value());
  EXPECT_EQ(column->dy, 6);
  EXPECT_EQ(column->to, cv::Rect(0, 4, 56, 38));
  const cv::Mat moved = ApplyMove(before, *column);
  EXPECT_TRUE(test::SamePixels(after(column->to), moved(column->to)));
  ScrollOptions off;
  off.enabled = false;
  EXPECT_FALSE(DetectScrollInColumns(before, after, changed,
                                     cv::Rect(0, 4, 56, 44), off));
}

// Lines whose first rows are all alike (a log's lines beginning with the
// same characters, whose tops are all the same): the first rows on screen
// did not change, yet they are the rows a line away too. The band begins
// there, where the picture stops moving, not where the change begins.
TEST(ScrollDetector, TheBandGoesOnThroughUnchangedRowsThatMovedToo) {
  cv::Mat page = Page(56, 100, 9);
  for (int y = 0; y < page.rows; y += 8) {
    page.row(0).copyTo(page.row(y));  // each line's first two rows alike
    page.row(1).copyTo(page.row(y + 1));
  }
  const cv::Mat before = Screen(page, 8);
  const cv::Mat after = Screen(page, 16);  // a line up
  // (Rows 4-5 did not change: line 2's top is line 1's.)
  ASSERT_TRUE(test::SamePixels(before(cv::Rect(0, 4, 64, 2)),
                               after(cv::Rect(0, 4, 64, 2))));
  const cv::Rect changed(0, 6, 56, 42);
  const std::optional<Move> move =
      DetectScroll(before, after, changed, ScrollOptions{});
  ASSERT_TRUE(move.has_value());
  EXPECT_EQ(move->dy, 8);
  EXPECT_EQ(move->to, cv::Rect(0, 4, 64, 36));
  const cv::Mat moved = ApplyMove(before, *move);
  EXPECT_TRUE(test::SamePixels(after(move->to), moved(move->to)));
}

TEST(ScrollDetector, EdgesWhoseNeighboursChangedArePaintedAgain) {
  const cv::Mat page = Page(56, 100, 8);
  const cv::Mat before = Screen(page, 10);
  const cv::Mat after = Screen(page, 16);
  const Move move{cv::Rect(0, 4, 64, 38), 6};
  // Above the band: the status line, the same before and after, but the
  // band's source rows had text above them: the top edge. Below: the new
  // rows. Left and right: the frame's border (the same past it).
  EXPECT_EQ(EdgesToRepaint(before, after, move),
            (std::vector<cv::Rect>{{0, 4, 64, 2}, {0, 40, 64, 2}}));
}

TEST(ScrollDetector, IgnoresOddDistances) {
  // At 50% an odd move would be sampled at the other pixel phase.
  const cv::Mat page = Page(56, 100, 3);
  EXPECT_FALSE(DetectScroll(Screen(page, 10), Screen(page, 17), kChanged,
                            ScrollOptions{}));
  ScrollOptions any;
  any.align_px = 1;
  const std::optional<Move> move =
      DetectScroll(Screen(page, 10), Screen(page, 17), kChanged, any);
  ASSERT_TRUE(move.has_value());
  EXPECT_EQ(move->dy, 7);
}

TEST(ScrollDetector, NothingWhenTheContentIsNew) {
  EXPECT_FALSE(DetectScroll(Screen(Page(56, 100, 4), 0),
                            Screen(Page(56, 100, 5), 0), kChanged,
                            ScrollOptions{}));
}

TEST(ScrollDetector, PlainRowsSayNothing) {
  // A one-colour area "moved" matches anywhere: no votes, no move.
  cv::Mat before(48, 64, CV_8UC4, cv::Scalar(30, 30, 30, 255));
  cv::Mat after = before.clone();
  after(cv::Rect(0, 40, 56, 8)).setTo(cv::Scalar(200, 200, 200, 255));
  EXPECT_FALSE(DetectScroll(before, after, kChanged, ScrollOptions{}));
}

TEST(ScrollDetector, BandTooShortOrDisabled) {
  const cv::Mat page = Page(56, 100, 6);
  ScrollOptions tall;
  tall.min_band_px = 40;  // the band would be 38 rows
  EXPECT_FALSE(
      DetectScroll(Screen(page, 10), Screen(page, 16), kChanged, tall));
  ScrollOptions off;
  off.enabled = false;
  EXPECT_FALSE(DetectScroll(Screen(page, 10), Screen(page, 16), kChanged, off));
}

}  // namespace
}  // namespace svgcast
