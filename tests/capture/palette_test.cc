// --colors: the colour count, the palette libimagequant chooses, and the
// map of every pixel to its nearest palette colour.
#include "capture/palette.h"

#include <omp.h>

#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

uint32_t RgbAt(const cv::Mat& bgrx, int x, int y) {
  const cv::Vec4b p = bgrx.at<cv::Vec4b>(y, x);
  return uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

// 64x64: red rises to the right, green downwards, blue in steps of 16 on
// each 8x8 block: 4,096 distinct colours.
cv::Mat Gradient() {
  cv::Mat frame(64, 64, CV_8UC4);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      frame.at<cv::Vec4b>(y, x) =
          cv::Vec4b(static_cast<uchar>(((x / 8) * 8 + y / 8) * 4 % 256),
                    static_cast<uchar>(y * 4), static_cast<uchar>(x * 4), 255);
    }
  }
  return frame;
}

int Distance(uint32_t a, uint32_t b) {
  int sum = 0;
  for (int shift = 0; shift < 24; shift += 8) {
    const int d = static_cast<int>((a >> shift) & 0xFF) -
                  static_cast<int>((b >> shift) & 0xFF);
    sum += d * d;
  }
  return sum;
}

TEST(ColourHistogram, CountsEachColoursPixelsOverFrames) {
  ColourHistogram histogram;
  cv::Mat frame = SolidFrame({4, 2}, cv::Scalar(0x30, 0x20, 0x10));
  frame.at<cv::Vec4b>(1, 3) = cv::Vec4b(0xCC, 0xBB, 0xAA, 7);  // X ignored
  histogram.Add(frame);
  histogram.Add(frame);
  EXPECT_EQ(histogram.frames(), 2u);
  EXPECT_EQ(histogram.distinct(), 2u);
  EXPECT_EQ(histogram.count(0x102030), 14u);
  EXPECT_EQ(histogram.count(0xAABBCC), 2u);
  EXPECT_EQ(histogram.count(0x000000), 0u);
}

TEST(ChoosePalette, FewColoursAreKeptExactly) {
  ColourHistogram histogram;
  cv::Mat frame = SolidFrame({8, 8}, cv::Scalar(250, 1, 3));
  frame.at<cv::Vec4b>(2, 5) = cv::Vec4b(9, 200, 77, 255);
  frame.at<cv::Vec4b>(7, 7) = cv::Vec4b(0, 0, 0, 255);
  histogram.Add(frame);
  std::vector<uint32_t> palette;
  ASSERT_TRUE(ChoosePalette(histogram, 3, &palette).ok());
  EXPECT_EQ(std::set<uint32_t>(palette.begin(), palette.end()),
            (std::set<uint32_t>{0x0301FA, 0x4DC809, 0x000000}));
  PaletteMap map(palette);
  EXPECT_TRUE(SamePixels(frame, map.Apply(frame)));
  EXPECT_EQ(map.max_error(), 0);
}

TEST(ChoosePalette, ManyColoursBecomeAtMostTheCountAsked) {
  ColourHistogram histogram;
  const cv::Mat frame = Gradient();
  histogram.Add(frame);
  ASSERT_EQ(histogram.distinct(), 4096u);
  for (const int n : {2, 16, 256}) {
    SCOPED_TRACE(n);
    std::vector<uint32_t> palette;
    ASSERT_TRUE(ChoosePalette(histogram, n, &palette).ok());
    EXPECT_LE(palette.size(), static_cast<size_t>(n));
    EXPECT_GE(palette.size(), 2u);
    EXPECT_EQ(std::set<uint32_t>(palette.begin(), palette.end()).size(),
              palette.size());
  }
}

TEST(ChoosePalette, RefusesCountsAPaletteCannotHave) {
  ColourHistogram histogram;
  histogram.Add(Gradient());
  std::vector<uint32_t> palette;
  for (const int n : {-1, 0, 1, 257}) {
    const Status s = ChoosePalette(histogram, n, &palette);
    EXPECT_FALSE(s.ok()) << n;
    EXPECT_NE(s.message().find("2 to 256"), std::string::npos) << s.message();
  }
}

TEST(ChoosePalette, RefusesAnEmptyHistogram) {
  ColourHistogram histogram;
  std::vector<uint32_t> palette;
  EXPECT_FALSE(ChoosePalette(histogram, 16, &palette).ok());
}

// libimagequant's k-means sums per OpenMP thread: the palette must not
// depend on how many threads the caller's OpenMP would use, and the
// caller's setting is given back.
TEST(ChoosePalette, SamePaletteWhateverTheOpenMpThreads) {
  ColourHistogram histogram;
  histogram.Add(Gradient());
  const int before = omp_get_max_threads();
  std::vector<uint32_t> first;
  for (const int threads : {1, 2, 7}) {
    SCOPED_TRACE(threads);
    omp_set_num_threads(threads);
    std::vector<uint32_t> palette;
    ASSERT_TRUE(ChoosePalette(histogram, 37, &palette).ok());
    EXPECT_EQ(omp_get_max_threads(), threads);
    if (first.empty()) first = palette;
    EXPECT_EQ(palette, first);
  }
  omp_set_num_threads(before);
}

TEST(PaletteMap, EachPixelTakesItsNearestPaletteColour) {
  const cv::Mat frame = Gradient();
  ColourHistogram histogram;
  histogram.Add(frame);
  std::vector<uint32_t> palette;
  ASSERT_TRUE(ChoosePalette(histogram, 16, &palette).ok());
  PaletteMap map(palette);
  const cv::Mat shown = map.Apply(frame);
  ASSERT_NE(shown.data, frame.data);
  int max_error = 0;
  std::set<uint32_t> used;
  for (int y = 0; y < frame.rows; ++y) {
    for (int x = 0; x < frame.cols; ++x) {
      const uint32_t in = RgbAt(frame, x, y);
      const uint32_t out = RgbAt(shown, x, y);
      used.insert(out);
      int nearest = Distance(in, palette[0]);
      for (const uint32_t p : palette)
        nearest = std::min(nearest, Distance(in, p));
      ASSERT_EQ(Distance(in, out), nearest) << "at " << x << "," << y;
      ASSERT_EQ(shown.at<cv::Vec4b>(y, x)[3], frame.at<cv::Vec4b>(y, x)[3]);
      for (int c = 0; c < 3; ++c) {
        max_error = std::max(max_error, std::abs(shown.at<cv::Vec4b>(y, x)[c] -
                                                 frame.at<cv::Vec4b>(y, x)[c]));
      }
    }
  }
  EXPECT_LE(used.size(), 16u);
  for (const uint32_t u : used) {
    EXPECT_NE(std::find(palette.begin(), palette.end(), u), palette.end());
  }
  EXPECT_GT(max_error, 0);
  EXPECT_EQ(map.max_error(), max_error);
}

TEST(PaletteMap, OneColourGivesOneColourInEveryFrame) {
  PaletteMap map({0x000000, 0xFFFFFF, 0x808080});
  const cv::Mat a = SolidFrame({5, 3}, cv::Scalar(0x70, 0x70, 0x70));
  cv::Mat b = SolidFrame({5, 3}, cv::Scalar(0xF0, 0xF0, 0xF0));
  b.at<cv::Vec4b>(1, 1) = cv::Vec4b(0x70, 0x70, 0x70, 255);
  const cv::Mat shown_a = map.Apply(a);
  const cv::Mat shown_b = map.Apply(b);
  EXPECT_EQ(shown_a.at<cv::Vec4b>(0, 0), cv::Vec4b(0x80, 0x80, 0x80, 255));
  EXPECT_EQ(shown_b.at<cv::Vec4b>(1, 1), cv::Vec4b(0x80, 0x80, 0x80, 255));
  EXPECT_EQ(shown_b.at<cv::Vec4b>(0, 0), cv::Vec4b(0xFF, 0xFF, 0xFF, 255));
  EXPECT_EQ(map.max_error(), 0x10);
}

}  // namespace
}  // namespace svgcast::test
