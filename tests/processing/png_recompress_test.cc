// processing/png_recompress.h: Zopfli recompression keeps the pixels and
// the chunks, and never makes a PNG larger.
#include "processing/png_recompress.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/png_reader.h"
#include "processing/png_encoder.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

cv::Mat ScreenLike() {
  cv::Mat image = SolidFrame({160, 90}, cv::Scalar(245, 245, 245));
  for (int y = 10; y < 80; y += 12) {
    for (int x = 8; x < 150; x += 9) {
      image(cv::Rect(x, y, 6, 8)).setTo(cv::Scalar(40, 40, 40, 255));
    }
  }
  return image;
}

TEST(PngRecompress, SamePixelsNoLargerAndStillOnlyItsChunks) {
  for (bool palette : {true, false}) {
    const cv::Mat image = ScreenLike();
    PngOptions options;
    options.palette = palette;
    std::vector<uint8_t> png;
    ASSERT_TRUE(EncodePng(image, options, &png).ok());
    std::vector<uint8_t> smaller = png;
    ASSERT_TRUE(RecompressPng(15, &smaller).ok());
    EXPECT_LE(smaller.size(), png.size());
    cv::Mat decoded;
    ASSERT_TRUE(DecodePng(smaller.data(), smaller.size(), &decoded).ok());
    EXPECT_TRUE(SamePixels(image, decoded));
    // The header and everything before the image data are untouched.
    EXPECT_TRUE(std::equal(png.begin(), png.begin() + 33, smaller.begin()));
  }
}

TEST(PngRecompress, MaxEffortPatchIsNoLargerThanDefault) {
  const cv::Mat image = ScreenLike();
  PngOptions max;
  max.effort = Effort::kMax;
  std::vector<uint8_t> by_default, by_max;
  ASSERT_TRUE(EncodePatch(image, cv::Mat(), PngOptions{}, &by_default).ok());
  ASSERT_TRUE(EncodePatch(image, cv::Mat(), max, &by_max).ok());
  EXPECT_LE(by_max.size(), by_default.size());
  cv::Mat decoded;
  ASSERT_TRUE(DecodePng(by_max.data(), by_max.size(), &decoded).ok());
  EXPECT_TRUE(SamePixels(image, decoded));
  // Fast: still exact.
  PngOptions fast;
  fast.effort = Effort::kFast;
  std::vector<uint8_t> by_fast;
  ASSERT_TRUE(EncodePatch(image, cv::Mat(), fast, &by_fast).ok());
  ASSERT_TRUE(DecodePng(by_fast.data(), by_fast.size(), &decoded).ok());
  EXPECT_TRUE(SamePixels(image, decoded));
}

TEST(PngRecompress, NotAPngIsAnError) {
  std::vector<uint8_t> junk = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  EXPECT_FALSE(RecompressPng(1, &junk).ok());
  std::vector<uint8_t> empty;
  EXPECT_FALSE(RecompressPng(1, &empty).ok());
}

}  // namespace
}  // namespace svgcast::test
