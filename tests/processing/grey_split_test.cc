// processing/grey_split.h: which parts of a patch go apart as grey.
#include "processing/grey_split.h"

#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace svgcast {
namespace {

const cv::Scalar kWhite(255, 255, 255, 255);
const cv::Scalar kRed(40, 40, 220, 255);

// A 120x24 frame (or `width` wide) of grey "text" (black and white noise,
// busy enough to be worth a part of its own) in rows 4-19.
cv::Mat GreyText(int width = 120) {
  cv::Mat frame(24, width, CV_8UC4, kWhite);
  cv::RNG rng(7);
  for (int y = 4; y < 20; ++y) {
    for (int x = 0; x < frame.cols; ++x) {
      const auto v = static_cast<uint8_t>(rng.uniform(0, 2) * 255);
      frame.at<cv::Vec4b>(y, x) = cv::Vec4b(v, v, v, 255);
    }
  }
  return frame;
}

// A patch around GreyText's line (rows 4-19), 2 px inside the frame.
const cv::Rect kLine(2, 2, 112, 20);

std::vector<cv::Rect> Split(const cv::Mat& frame, const cv::Rect& rect) {
  const cv::Rect around =
      ContextAround(rect, cv::Rect(0, 0, frame.cols, frame.rows));
  return CutGreyApart(frame(around), around.tl(), rect);
}

bool Grey(const cv::Mat& bgrx) {
  for (int y = 0; y < bgrx.rows; ++y) {
    for (int x = 0; x < bgrx.cols; ++x) {
      const cv::Vec4b p = bgrx.at<cv::Vec4b>(y, x);
      if (p[0] != p[1] || p[1] != p[2]) return false;
    }
  }
  return true;
}

bool GreyWithContext(const cv::Mat& frame, const cv::Rect& part) {
  return Grey(
      frame(ContextAround(part, cv::Rect(0, 0, frame.cols, frame.rows))));
}

// The parts cover `rect` exactly, once, with even edges but for its own.
void ExpectPartsOf(const cv::Rect& rect, const std::vector<cv::Rect>& parts) {
  cv::Mat covered(rect.size(), CV_8UC1, cv::Scalar(0));
  for (const cv::Rect& part : parts) {
    ASSERT_EQ(part & rect, part) << part;
    covered(part - rect.tl()) += 1;
    for (int edge : {part.x, part.br().x}) {
      if (edge != rect.x && edge != rect.br().x) {
        EXPECT_EQ(edge % 2, 0);
      }
    }
    for (int edge : {part.y, part.br().y}) {
      if (edge != rect.y && edge != rect.br().y) {
        EXPECT_EQ(edge % 2, 0);
      }
    }
  }
  double least = 0, most = 0;
  cv::minMaxLoc(covered, &least, &most);
  EXPECT_EQ(least, 1);
  EXPECT_EQ(most, 1);
}

TEST(CutGreyApart, AllGreyStaysWhole) {
  EXPECT_EQ(Split(GreyText(), kLine), std::vector<cv::Rect>{kLine});
}

// GreyText with a red block at `red`, kLine split: the parts, checked to
// cover it, those at `grey` grey with their context.
std::vector<cv::Rect> SplitWithRed(const cv::Rect& red,
                                   const std::vector<size_t>& grey) {
  cv::Mat frame = GreyText();
  frame(red).setTo(kRed);
  const std::vector<cv::Rect> parts = Split(frame, kLine);
  ExpectPartsOf(kLine, parts);
  for (size_t n : grey) {
    EXPECT_TRUE(n < parts.size() && GreyWithContext(frame, parts[n]))
        << "part " << n;
  }
  return parts;
}

TEST(CutGreyApart, AColouredMarkAtTheEndGoesApart) {
  // Grey up to 2 px (the context) before the mark, on even x.
  EXPECT_EQ(SplitWithRed({100, 4, 9, 16}, {0}),
            (std::vector<cv::Rect>{{2, 2, 96, 20}, {98, 2, 16, 20}}));
}

TEST(CutGreyApart, AMarkInTheMiddleMakesThreeParts) {
  EXPECT_EQ(SplitWithRed({51, 4, 5, 16}, {0, 2}),
            (std::vector<cv::Rect>{
                {2, 2, 46, 20}, {48, 2, 10, 20}, {58, 2, 56, 20}}));
}

TEST(CutGreyApart, GreyRowsGoApartFirst) {
  // A mark in the top rows of the text: the rows from 2 px below it on
  // are grey (across the patch), the rows above them cut into columns.
  EXPECT_EQ(
      SplitWithRed({51, 4, 5, 6}, {0, 2, 3}),
      (std::vector<cv::Rect>{
          {2, 2, 46, 10}, {48, 2, 10, 10}, {58, 2, 56, 10}, {2, 12, 112, 10}}));
}

TEST(CutGreyApart, ColourInTheContextCountsToo) {
  // Above the line, in its context: the rows of the patch within 2 px of
  // it are not grey with their context (nor worth cutting: blank).
  EXPECT_EQ(SplitWithRed({60, 0, 4, 2}, {1}),
            (std::vector<cv::Rect>{{2, 2, 112, 2}, {2, 4, 112, 18}}));
}

TEST(CutGreyApart, TooLittleGreyToPayStaysWhole) {
  // Plain white beside the mark: nothing a grey sheet would save.
  cv::Mat frame(24, 120, CV_8UC4, kWhite);
  frame(cv::Rect(100, 4, 9, 16)).setTo(kRed);
  EXPECT_EQ(Split(frame, kLine), std::vector<cv::Rect>{kLine});
  // Nor a few grey columns of text beside it.
  cv::Mat narrow = GreyText();
  narrow(cv::Rect(0, 0, 100, 24)).setTo(kWhite);
  narrow(cv::Rect(100, 4, 9, 16)).setTo(kRed);
  const cv::Rect right(98, 2, 22, 20);
  EXPECT_EQ(Split(narrow, right), std::vector<cv::Rect>{right});
}

// With WebP's options only the clearest cut is made: one grey part and
// one coloured part of at most a tenth of the patch, on a line long enough
// to save 400 bytes. (The 120 px line above is too short for that.)
class CutGreyApartWebP : public ::testing::Test {
 protected:
  // A 480x24 frame of grey "text" in rows 4-19, and a patch around it.
  static cv::Mat LongText() { return GreyText(480); }
  std::vector<cv::Rect> SplitWebP(const cv::Mat& frame,
                                  const GreySplitOptions& options) const {
    const cv::Rect around =
        ContextAround(kLongLine, cv::Rect(0, 0, frame.cols, frame.rows));
    return CutGreyApart(frame(around), around.tl(), kLongLine, options);
  }
  const cv::Rect kLongLine{2, 2, 472, 20};
};

TEST_F(CutGreyApartWebP, AMarkAtTheEndGoesApart) {
  cv::Mat frame = LongText();
  frame(cv::Rect(460, 4, 9, 16)).setTo(kRed);
  const std::vector<cv::Rect> parts = SplitWebP(frame, WebPGreySplitOptions(2));
  ExpectPartsOf(kLongLine, parts);
  EXPECT_EQ(parts, (std::vector<cv::Rect>{{2, 2, 456, 20}, {458, 2, 16, 20}}));
}

TEST_F(CutGreyApartWebP, AlignedToFour) {
  cv::Mat frame = LongText();
  frame(cv::Rect(460, 4, 9, 16)).setTo(kRed);
  EXPECT_EQ(SplitWebP(frame, WebPGreySplitOptions(4)),
            (std::vector<cv::Rect>{{2, 2, 454, 20}, {456, 2, 18, 20}}));
}

TEST_F(CutGreyApartWebP, ThreePartsStayWhole) {
  cv::Mat frame = LongText();
  frame(cv::Rect(240, 4, 9, 16)).setTo(kRed);
  EXPECT_EQ(SplitWebP(frame, GreySplitOptions{}).size(), 3u);  // (PNG's)
  EXPECT_EQ(SplitWebP(frame, WebPGreySplitOptions(2)),
            std::vector<cv::Rect>{kLongLine});
}

TEST_F(CutGreyApartWebP, AMarkOfMoreThanATenthStaysWhole) {
  cv::Mat frame = LongText();
  frame(cv::Rect(420, 4, 49, 16)).setTo(kRed);
  EXPECT_EQ(SplitWebP(frame, GreySplitOptions{}).size(), 2u);  // (PNG's)
  EXPECT_EQ(SplitWebP(frame, WebPGreySplitOptions(2)),
            std::vector<cv::Rect>{kLongLine});
}

TEST_F(CutGreyApartWebP, ColourOnlyInTheContextStaysWhole) {
  // Red above the line's right end, in the context only: the part beside
  // it has no coloured pixel, so nothing goes to the RGB sheet for it.
  cv::Mat frame = LongText();
  frame(cv::Rect(440, 0, 30, 2)).setTo(kRed);
  EXPECT_EQ(SplitWebP(frame, GreySplitOptions{}).size(), 2u);  // (PNG's)
  EXPECT_EQ(SplitWebP(frame, WebPGreySplitOptions(2)),
            std::vector<cv::Rect>{kLongLine});
}

TEST(CutGreyApart, PixelsNotAroundThePatchAreRefused) {
  const cv::Mat frame = GreyText();
  EXPECT_THROW(CutGreyApart(frame(cv::Rect(0, 0, 10, 10)), {0, 0},
                            cv::Rect(5, 5, 10, 10)),
               std::logic_error);
}

}  // namespace
}  // namespace svgcast
