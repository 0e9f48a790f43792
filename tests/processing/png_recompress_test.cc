// processing/png_recompress.h: Zopfli recompression keeps the pixels and
// the chunks, and never makes a PNG larger.
#include "processing/png_recompress.h"

#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

extern "C" {
#include <zopfli/zopfli.h>
}

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

// The image data of a PNG: its IDATs joined.
std::vector<uint8_t> ImageData(const std::vector<uint8_t>& png) {
  std::vector<uint8_t> data;
  for (size_t pos = 8; pos + 12 <= png.size();) {
    const uint32_t length = (uint32_t{png[pos]} << 24) |
                            (uint32_t{png[pos + 1]} << 16) |
                            (uint32_t{png[pos + 2]} << 8) | png[pos + 3];
    if (std::memcmp(&png[pos + 4], "IDAT", 4) == 0) {
      data.insert(data.end(), png.begin() + pos + 8,
                  png.begin() + pos + 8 + length);
    }
    pos += 12 + length;
  }
  return data;
}

// Zopfli runs a megabyte (its master block) at a time, so that it can stop
// between them: the stream is still the one ZopfliCompress writes in one
// call, byte for byte. Here 1.08 MB of RGB scanlines: two blocks.
TEST(PngRecompress, AMegabyteAtATimeIsZopflisOwnStream) {
  cv::Mat image(600, 600, CV_8UC4);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const uint8_t v = static_cast<uint8_t>(y / 9 % 7 * 30 + x * y % 61);
      image.at<cv::Vec4b>(y, x) = cv::Vec4b(v, 255 - v, 40, 255);
    }
  }
  PngOptions rgb;
  rgb.palette = false;
  std::vector<uint8_t> png;
  ASSERT_TRUE(EncodePng(image, rgb, &png).ok());
  std::vector<uint8_t> recompressed = png;
  WorkMeter meter;
  ASSERT_TRUE(RecompressPng(1, &recompressed, nullptr, &meter).ok());
  // The scanlines: a filter byte and three bytes a pixel.
  std::vector<uint8_t> raw(static_cast<size_t>(image.rows) *
                           (1 + 3 * image.cols));
  const std::vector<uint8_t> data = ImageData(png);
  uLongf raw_size = raw.size();
  ASSERT_EQ(uncompress(raw.data(), &raw_size, data.data(), data.size()), Z_OK);
  ASSERT_EQ(raw_size, raw.size());
  ASSERT_GT(raw.size(), 1'000'000u);
  // The meter was told of every byte, planned and done.
  EXPECT_EQ(meter.planned_bytes(), raw.size());
  EXPECT_EQ(meter.done_bytes(), raw.size());
  ZopfliOptions options;
  ZopfliInitOptions(&options);
  options.numiterations = 1;
  unsigned char* out = nullptr;
  size_t out_size = 0;
  ZopfliCompress(&options, ZOPFLI_FORMAT_ZLIB, raw.data(), raw.size(), &out,
                 &out_size);
  ASSERT_NE(out, nullptr);
  const std::vector<uint8_t> one_call(out, out + out_size);
  std::free(out);
  ASSERT_LT(one_call.size(), data.size());  // (so it was replaced)
  EXPECT_EQ(ImageData(recompressed), one_call);
  cv::Mat decoded;
  ASSERT_TRUE(
      DecodePng(recompressed.data(), recompressed.size(), &decoded).ok());
  EXPECT_TRUE(SamePixels(image, decoded));
}

// Once `stop` is true (Ctrl-C), the PNG is left as it was.
TEST(PngRecompress, StoppedItLeavesThePngAsItWas) {
  std::vector<uint8_t> png;
  ASSERT_TRUE(EncodePng(ScreenLike(), PngOptions{}, &png).ok());
  std::atomic<bool> stop{false};
  std::vector<uint8_t> recompressed = png;
  ASSERT_TRUE(RecompressPng(15, &recompressed, &stop).ok());
  EXPECT_LT(recompressed.size(), png.size());
  stop = true;
  std::vector<uint8_t> stopped = png;
  WorkMeter meter;
  ASSERT_TRUE(RecompressPng(15, &stopped, &stop, &meter).ok());
  EXPECT_EQ(stopped, png);
  // What it did not do is reported done too: nothing is left to wait for.
  EXPECT_GT(meter.planned_bytes(), 0u);
  EXPECT_EQ(meter.done_bytes(), meter.planned_bytes());
}

TEST(PngRecompress, NotAPngIsAnError) {
  std::vector<uint8_t> junk = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  EXPECT_FALSE(RecompressPng(1, &junk).ok());
  std::vector<uint8_t> empty;
  EXPECT_FALSE(RecompressPng(1, &empty).ok());
}

}  // namespace
}  // namespace svgcast::test
