// EncodePng: lossless PNGs with only critical chunks: palette PNGs at the
// smallest bit depth for at most 256 colours, else 8-bit RGB.
#include "processing/png_encoder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/png_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// Pseudo-random pixels; the X byte is random too (the encoder must drop it).
cv::Mat RandomBgrx(cv::Size size, uint32_t seed) {
  std::mt19937 rng(seed);
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<uint8_t>(y);
    for (int i = 0; i < image.cols * 4; ++i) {
      row[i] = static_cast<uint8_t>(rng());
    }
  }
  return image;
}

std::vector<uint8_t> Encode(const cv::Mat& bgrx, int zlib_level = 9) {
  std::vector<uint8_t> png;
  PngOptions options;
  options.zlib_level = zlib_level;
  const Status s = EncodePng(bgrx, options, &png);
  EXPECT_TRUE(s.ok()) << s.message();
  return png;
}

cv::Mat Decode(const std::vector<uint8_t>& png) {
  cv::Mat decoded;
  const Status s = DecodePng(png.data(), png.size(), &decoded);
  EXPECT_TRUE(s.ok()) << s.message();
  return decoded;
}

uint32_t ReadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The CRC-32 of PNG chunks (ISO 3309), bit by bit: slow and obviously right.
uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
  }
  return crc ^ 0xffffffffu;
}

struct Chunk {
  std::string type;
  std::vector<uint8_t> data;
};

// Splits a PNG into its chunks, checking the signature, every length and
// every CRC, and that nothing follows the last chunk.
::testing::AssertionResult ParseChunks(const std::vector<uint8_t>& png,
                                       std::vector<Chunk>* chunks) {
  static constexpr std::array<uint8_t, 8> kSignature = {137, 80, 78, 71,
                                                        13,  10, 26, 10};
  if (png.size() < 8 ||
      !std::equal(kSignature.begin(), kSignature.end(), png.begin())) {
    return ::testing::AssertionFailure() << "no PNG signature";
  }
  size_t pos = 8;
  while (pos < png.size()) {
    if (png.size() - pos < 12) {
      return ::testing::AssertionFailure() << "truncated chunk at " << pos;
    }
    const uint32_t length = ReadBe32(&png[pos]);
    if (png.size() - pos - 12 < length) {
      return ::testing::AssertionFailure() << "chunk overruns at " << pos;
    }
    Chunk chunk;
    chunk.type.assign(reinterpret_cast<const char*>(&png[pos + 4]), 4);
    chunk.data.assign(png.begin() + pos + 8, png.begin() + pos + 8 + length);
    const uint32_t crc = ReadBe32(&png[pos + 8 + length]);
    if (crc != Crc32(&png[pos + 4], length + 4)) {
      return ::testing::AssertionFailure() << "bad CRC on " << chunk.type;
    }
    chunks->push_back(std::move(chunk));
    pos += 12 + length;
  }
  return ::testing::AssertionSuccess();
}

// The chunk types in order, consecutive IDATs folded into one "IDAT".
std::vector<std::string> ChunkLayout(const std::vector<Chunk>& chunks) {
  std::vector<std::string> layout;
  for (const Chunk& c : chunks) {
    if (c.type == "IDAT" && !layout.empty() && layout.back() == "IDAT") {
      continue;
    }
    layout.push_back(c.type);
  }
  return layout;
}

TEST(PngEncoderTest, RoundTripsRandomImages) {
  const std::vector<cv::Size> sizes = {{1, 1},   {2, 1},   {1, 2},   {37, 23},
                                       {200, 3}, {3, 200}, {128, 96}};
  uint32_t seed = 1;
  for (const cv::Size& size : sizes) {
    const cv::Mat image = RandomBgrx(size, seed++);
    const cv::Mat decoded = Decode(Encode(image));
    EXPECT_TRUE(SamePixels(image, decoded)) << size;
  }
}

TEST(PngEncoderTest, RoundTripsACropViewWithAStride) {
  const cv::Mat big = RandomBgrx({160, 120}, 42);
  for (const cv::Rect& rect :
       {cv::Rect(13, 7, 61, 45), cv::Rect(159, 119, 1, 1),
        cv::Rect(0, 50, 1, 70), cv::Rect(100, 0, 60, 1)}) {
    const cv::Mat view = big(rect);
    ASSERT_TRUE(!view.isContinuous() || view.rows == 1) << rect;
    const std::vector<uint8_t> png = Encode(view);
    const cv::Mat decoded = Decode(png);
    EXPECT_TRUE(SamePixels(view.clone(), decoded)) << rect;
    // The stride does not leak into the output.
    EXPECT_EQ(png, Encode(view.clone())) << rect;
  }
}

TEST(PngEncoderTest, OnlyCriticalChunksRgb8) {
  const cv::Size size(37, 23);
  const std::vector<uint8_t> png = Encode(RandomBgrx(size, 3));
  std::vector<Chunk> chunks;
  ASSERT_TRUE(ParseChunks(png, &chunks));
  EXPECT_EQ(ChunkLayout(chunks),
            (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  for (const Chunk& c : chunks) {
    for (const char* ancillary :
         {"gAMA", "cHRM", "sRGB", "iCCP", "tEXt", "zTXt", "iTXt", "tIME",
          "pHYs", "bKGD", "tRNS", "PLTE"}) {
      EXPECT_NE(c.type, ancillary);
    }
  }
  ASSERT_EQ(chunks.front().type, "IHDR");
  const std::vector<uint8_t>& ihdr = chunks.front().data;
  ASSERT_EQ(ihdr.size(), 13u);
  EXPECT_EQ(ReadBe32(&ihdr[0]), 37u);       // width
  EXPECT_EQ(ReadBe32(&ihdr[4]), 23u);       // height
  EXPECT_EQ(ihdr[8], 8);                    // bit depth
  EXPECT_EQ(ihdr[9], 2);                    // colour type: RGB
  EXPECT_EQ(ihdr[10], 0);                   // compression
  EXPECT_EQ(ihdr[11], 0);                   // filter method
  EXPECT_EQ(ihdr[12], 0);                   // no interlacing
  EXPECT_TRUE(chunks.back().data.empty());  // IEND
}

// `colours` distinct colours in a w x h image (each used at least once).
cv::Mat WithColours(cv::Size size, int colours) {
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const int c = (y * size.width + x) % colours;
      image.at<cv::Vec4b>(y, x) =
          cv::Vec4b(static_cast<uint8_t>(c * 7), static_cast<uint8_t>(c / 3),
                    static_cast<uint8_t>(255 - c), 255);
    }
  }
  return image;
}

// Few colours: a palette PNG (PLTE, no tRNS or ancillary chunk) at the
// smallest bit depth, decoding to the same pixels, crop views included.
TEST(PngEncoderTest, FewColoursArePalettePngsAtTheSmallestDepth) {
  const std::vector<std::pair<int, int>> colours_depth = {
      {1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 4}, {16, 4}, {17, 8}, {256, 8}};
  for (const auto& [colours, depth] : colours_depth) {
    for (const cv::Size& size : {cv::Size(37, 23), cv::Size(1, 300)}) {
      if (size.area() < colours) continue;
      SCOPED_TRACE(std::to_string(colours) + " colours");
      const cv::Mat image = WithColours(size, colours);
      const std::vector<uint8_t> png = Encode(image);
      std::vector<Chunk> chunks;
      ASSERT_TRUE(ParseChunks(png, &chunks));
      EXPECT_EQ(ChunkLayout(chunks),
                (std::vector<std::string>{"IHDR", "PLTE", "IDAT", "IEND"}));
      EXPECT_EQ(chunks[0].data[8], depth);  // bit depth
      EXPECT_EQ(chunks[0].data[9], 3);      // colour type: palette
      EXPECT_EQ(chunks[1].data.size(), 3u * static_cast<size_t>(colours));
      EXPECT_TRUE(SamePixels(image, Decode(png)));
    }
  }
  // A crop view with a stride, odd widths for the bit packing.
  const cv::Mat big = WithColours({101, 40}, 5);
  const cv::Mat view = big(cv::Rect(3, 2, 13, 17));
  EXPECT_TRUE(SamePixels(view.clone(), Decode(Encode(view))));
}

TEST(PngEncoderTest, MoreThan256ColoursIsRgb) {
  const cv::Mat image = WithColours({37, 23}, 257);
  std::vector<Chunk> chunks;
  ASSERT_TRUE(ParseChunks(Encode(image), &chunks));
  EXPECT_EQ(chunks[0].data[9], 2);  // RGB
  EXPECT_TRUE(SamePixels(image, Decode(Encode(image))));
  // And without the palette option, even few colours are RGB.
  std::vector<uint8_t> png;
  PngOptions rgb;
  rgb.palette = false;
  ASSERT_TRUE(EncodePng(WithColours({8, 8}, 3), rgb, &png).ok());
  ASSERT_TRUE(ParseChunks(png, &chunks));
  EXPECT_EQ(chunks[0].data[9], 2);
}

// Screen text is often all grey: such an image is a greyscale PNG (no
// palette to store), of 1, 2 or 4 bits when its levels fit (black and
// white; multiples of 85, of 17: a browser widens a d-bit level v back to
// v * 255 / (2^d - 1) exactly), else 8.
TEST(PngEncoderTest, GreyImagesAreGreyscaleAtTheFewestBits) {
  const std::vector<std::pair<int, int>> step_depth = {
      {255, 1}, {85, 2}, {17, 4}, {5, 8}, {1, 8}};
  for (const auto& [step, depth] : step_depth) {
    SCOPED_TRACE("levels " + std::to_string(step) + " apart");
    cv::Mat image(23, 37, CV_8UC4);  // odd width: partial bytes
    const int levels = 255 / step + 1;
    for (int y = 0; y < image.rows; ++y) {
      for (int x = 0; x < image.cols; ++x) {
        const auto v = static_cast<uint8_t>(((x * 7 + y * 3) % levels) * step);
        image.at<cv::Vec4b>(y, x) = cv::Vec4b(v, v, v, 255);
      }
    }
    const std::vector<uint8_t> png = Encode(image);
    std::vector<Chunk> chunks;
    ASSERT_TRUE(ParseChunks(png, &chunks));
    EXPECT_EQ(ChunkLayout(chunks),
              (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
    EXPECT_EQ(chunks[0].data[9], 0);  // greyscale
    EXPECT_EQ(chunks[0].data[8], depth);
    EXPECT_TRUE(SamePixels(image, Decode(png)));
    const cv::Mat view = image(cv::Rect(3, 2, 13, 17));
    EXPECT_TRUE(SamePixels(view.clone(), Decode(Encode(view))));
  }
  // One grey level: whatever is smallest, and exact.
  const cv::Mat one = WithColours({40, 40}, 1);
  EXPECT_TRUE(SamePixels(one, Decode(Encode(one))));
}

// previous: `cur` with pixels changed at two far corners.
struct PatchCase {
  cv::Mat previous, current;
};

PatchCase CornersChanged(int colours) {
  PatchCase c;
  c.previous = RandomBgrx({120, 90}, 17);
  c.current = c.previous.clone();
  const cv::Mat changes = WithColours({10, 10}, colours);
  changes.copyTo(c.current(cv::Rect(0, 0, 10, 10)));
  changes.copyTo(c.current(cv::Rect(110, 80, 10, 10)));
  return c;
}

// EncodePatch: where little changed, the unchanged pixels are transparent
// and the PNG much smaller; over the previous pixels it shows the new ones.
TEST(PngEncoderTest, PatchLeavesUnchangedPixelsTransparentWhenSmaller) {
  for (int colours : {3, 300}) {  // palette + tRNS, and RGBA
    SCOPED_TRACE(std::to_string(colours) + " colours");
    const PatchCase c = CornersChanged(colours);
    std::vector<uint8_t> opaque, patch;
    ASSERT_TRUE(EncodePng(c.current, PngOptions{}, &opaque).ok());
    ASSERT_TRUE(EncodePatch(c.current, c.previous, PngOptions{}, &patch).ok());
    EXPECT_LT(patch.size() * 4, opaque.size());
    cv::Mat bgra;
    ASSERT_TRUE(DecodePngWithAlpha(patch.data(), patch.size(), &bgra).ok());
    cv::Mat shown = c.previous.clone();
    for (int y = 0; y < bgra.rows; ++y) {
      for (int x = 0; x < bgra.cols; ++x) {
        const cv::Vec4b p = bgra.at<cv::Vec4b>(y, x);
        ASSERT_TRUE(p[3] == 0 || p[3] == 255);
        if (p[3] == 255) shown.at<cv::Vec4b>(y, x) = p;
      }
    }
    EXPECT_TRUE(SamePixels(c.current, shown));
    // Every changed pixel is opaque.
    EXPECT_EQ(bgra.at<cv::Vec4b>(0, 0)[3], 255);
    EXPECT_EQ(bgra.at<cv::Vec4b>(89, 119)[3], 255);
  }
}

TEST(PngEncoderTest, PatchWithoutPreviousOrWhereAllChangedIsEncodePng) {
  const PatchCase c = CornersChanged(3);
  std::vector<uint8_t> plain, patch;
  ASSERT_TRUE(EncodePng(c.current, PngOptions{}, &plain).ok());
  ASSERT_TRUE(EncodePatch(c.current, cv::Mat(), PngOptions{}, &patch).ok());
  EXPECT_EQ(patch, plain);
  const cv::Mat other = RandomBgrx(c.current.size(), 99);  // all differ
  ASSERT_TRUE(EncodePatch(c.current, other, PngOptions{}, &patch).ok());
  EXPECT_EQ(patch, plain);
  PngOptions off;
  off.transparent_unchanged = false;
  ASSERT_TRUE(EncodePatch(c.current, c.previous, off, &patch).ok());
  EXPECT_EQ(patch, plain);
}

// Also at level 0, where the image data is stored in several IDAT chunks.
TEST(PngEncoderTest, OnlyCriticalChunksAtEveryLevel) {
  const cv::Mat image = RandomBgrx({200, 200}, 4);
  for (int level : {0, 1, 6, 9}) {
    std::vector<Chunk> chunks;
    ASSERT_TRUE(ParseChunks(Encode(image, level), &chunks)) << level;
    EXPECT_EQ(ChunkLayout(chunks),
              (std::vector<std::string>{"IHDR", "IDAT", "IEND"}))
        << "level " << level;
  }
}

TEST(PngEncoderTest, SameInputSameBytes) {
  const cv::Mat image = RandomBgrx({64, 48}, 5);
  const std::vector<uint8_t> first = Encode(image);
  EXPECT_EQ(first, Encode(image));
  EXPECT_EQ(first, Encode(image.clone()));

  // The X byte is not part of the output.
  cv::Mat opaque = image.clone();
  // (A plain loop: cv::Mat::forEach runs on OpenCV's own thread pool, whose
  // uninstrumented code ThreadSanitizer cannot follow.)
  for (int y = 0; y < opaque.rows; ++y) {
    for (int x = 0; x < opaque.cols; ++x) opaque.at<cv::Vec4b>(y, x)[3] = 255;
  }
  EXPECT_EQ(first, Encode(opaque));

  // Different pixels, different bytes (the comparison above can fail).
  cv::Mat changed = image.clone();
  changed.at<cv::Vec4b>(10, 10)[1] ^= 1;
  EXPECT_NE(first, Encode(changed));
}

TEST(PngEncoderTest, EmptyOrWrongTypeIsAnError) {
  const std::vector<cv::Mat> bad = {
      cv::Mat(),
      cv::Mat(0, 0, CV_8UC4),
      cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(0)),
      cv::Mat(4, 4, CV_8UC1, cv::Scalar::all(0)),
      cv::Mat(4, 4, CV_16UC4, cv::Scalar::all(0)),
      cv::Mat(4, 4, CV_32FC4, cv::Scalar::all(0)),
  };
  for (const cv::Mat& image : bad) {
    std::vector<uint8_t> png = {1, 2, 3};
    const Status s = EncodePng(image, PngOptions{}, &png);
    EXPECT_FALSE(s.ok()) << "type " << image.type() << " size " << image.size();
    EXPECT_FALSE(s.message().empty());
  }
}

TEST(PngEncoderTest, ZlibLevelsDecodeIdentically) {
  // Screen-like content: flat areas and a few edges compress well.
  cv::Mat image = SolidFrame({300, 200}, cv::Scalar(240, 240, 240));
  image(cv::Rect(20, 20, 100, 30)).setTo(cv::Scalar(200, 30, 30, 255));
  image(cv::Rect(150, 90, 120, 80)).setTo(cv::Scalar(10, 120, 10, 255));
  RandomBgrx({40, 40}, 6).copyTo(image(cv::Rect(5, 150, 40, 40)));

  const std::vector<uint8_t> stored = Encode(image, 0);
  const std::vector<uint8_t> smallest = Encode(image, 9);
  const cv::Mat from_stored = Decode(stored);
  const cv::Mat from_smallest = Decode(smallest);
  EXPECT_TRUE(SamePixels(image, from_stored));
  EXPECT_TRUE(SamePixels(image, from_smallest));
  EXPECT_TRUE(SamePixels(from_stored, from_smallest));

  // The level is really applied: level 0 stores at least the raw rows
  // (a filter byte and 3 bytes a pixel), level 9 is much smaller.
  const size_t raw = 200 * (1 + 300 * 3);
  EXPECT_GE(stored.size(), raw);
  EXPECT_LT(smallest.size() * 4, raw);
}

}  // namespace
}  // namespace svgcast::test
