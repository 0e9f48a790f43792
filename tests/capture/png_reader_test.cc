// PNG decoding of every colour type, bad files, and ReadPngSize.
#include "capture/png_reader.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

std::string ColorTypeFile(const std::string& name) {
  return FixturePath("colortypes/" + name);
}

// An RGB colour as the generator writes it.
struct Rgb {
  int r, g, b;
};

// libpng's png_set_scale_16: v * 255 / 65535, rounded to nearest.
int Scale16(int v) { return (v * 255 + 32767) / 65535; }

// One fixture of fixtures/colortypes and the colour make_fixtures.py gives
// its pixel (x, y).
struct ColorTypeCase {
  std::string file;
  std::string what;
  std::function<Rgb(int x, int y)> pixel;
};

const Rgb kPalette[8] = {{0, 0, 0},     {255, 255, 255}, {200, 30, 30},
                         {30, 200, 30}, {30, 30, 200},   {250, 200, 0},
                         {0, 200, 200}, {128, 128, 128}};

Rgb Grey(int v) { return {v, v, v}; }

std::vector<ColorTypeCase> ColorTypeCases() {
  return {
      {"00.png", "palette 1-bit",
       [](int x, int y) { return kPalette[(x / 3 + y / 4) % 2]; }},
      {"01.png", "palette 2-bit",
       [](int x, int y) { return kPalette[(x + y) % 4]; }},
      {"02.png", "palette 4-bit with tRNS",
       [](int x, int y) { return kPalette[(x * y) % 8]; }},
      {"03.png", "palette 8-bit",
       [](int x, int y) {
         const int i = (x * 7 + y * 16) % 256;
         return Rgb{(i * 37) % 256, (i * 91) % 256, (i * 13) % 256};
       }},
      {"04.png", "grey 1-bit",
       [](int x, int y) { return Grey((x + y) % 2 == 1 ? 255 : 0); }},
      {"05.png", "grey 8-bit with gAMA and sRGB",
       [](int x, int y) { return Grey((x * 10 + y) % 256); }},
      {"06.png", "grey 16-bit",
       [](int x, int y) {
         return Grey(Scale16((x * 2731 + y * 977) % 65536));
       }},
      {"07.png", "grey+alpha 8-bit",
       [](int x, int) { return Grey((x * 9) % 256); }},
      {"08.png", "RGB 8-bit",
       [](int x, int y) {
         return Rgb{x * 10 % 256, y * 15 % 256, (x ^ y) * 8 % 256};
       }},
      {"09.png", "RGB 16-bit",
       [](int x, int y) {
         return Rgb{Scale16(x * 2700 % 65536), Scale16(y * 4000 % 65536),
                    Scale16(x * y * 181 % 65536)};
       }},
      {"10.png", "RGBA 8-bit",
       [](int x, int y) {
         return Rgb{y * 15 % 256, x * 10 % 256, 90};
       }},
      {"11.png", "RGBA 16-bit",
       [](int x, int y) {
         return Rgb{Scale16((x + y) * 2000 % 65536), Scale16(30000),
                    Scale16(x * 2500 % 65536)};
       }},
      {"12.png", "RGB 8-bit interlaced",
       [](int x, int y) {
         return Rgb{x * 10 % 256, (x + y) * 6 % 256, y * 15 % 256};
       }},
  };
}

cv::Mat ExpectedImage(const ColorTypeCase& c) {
  cv::Mat image(16, 24, CV_8UC4);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const Rgb rgb = c.pixel(x, y);
      image.at<cv::Vec4b>(y, x) = cv::Vec4b(rgb.b, rgb.g, rgb.r, 255);
    }
  }
  return image;
}

cv::Mat ReadOk(const std::string& path) {
  cv::Mat image;
  const Status s = ReadPngFile(path, &image);
  EXPECT_TRUE(s.ok()) << s.message();
  return image;
}

// BGRX of pixel (x, y).
cv::Vec4b At(const cv::Mat& image, int x, int y) {
  return image.at<cv::Vec4b>(y, x);
}

TEST(PngReaderTest, EveryColorTypeDecodesToItsSampleValues) {
  for (const ColorTypeCase& c : ColorTypeCases()) {
    SCOPED_TRACE(c.file + " (" + c.what + ")");
    const cv::Mat image = ReadOk(ColorTypeFile(c.file));
    ASSERT_EQ(image.type(), CV_8UC4);
    ASSERT_EQ(image.size(), cv::Size(24, 16));
    EXPECT_TRUE(SamePixels(ExpectedImage(c), image));
    for (int y = 0; y < image.rows; ++y) {
      for (int x = 0; x < image.cols; ++x) {
        ASSERT_EQ(At(image, x, y)[3], 255) << "X byte at " << x << "," << y;
      }
    }
  }
}

// A few pixels worked out by hand from make_fixtures.py, so that the table
// above is not only checked against itself.
TEST(PngReaderTest, HandComputedPixels) {
  // Palette 1-bit: (x/3 + y/4) % 2; (3,0) is index 1, white.
  cv::Mat image = ReadOk(ColorTypeFile("00.png"));
  EXPECT_EQ(At(image, 0, 0), cv::Vec4b(0, 0, 0, 255));
  EXPECT_EQ(At(image, 3, 0), cv::Vec4b(255, 255, 255, 255));
  EXPECT_EQ(At(image, 3, 4), cv::Vec4b(0, 0, 0, 255));

  // Palette 2-bit: (x + y) % 4 = 2 at (1,1): RGB (200,30,30); 3 at (3,0):
  // RGB (30,200,30).
  image = ReadOk(ColorTypeFile("01.png"));
  EXPECT_EQ(At(image, 1, 1), cv::Vec4b(30, 30, 200, 255));
  EXPECT_EQ(At(image, 3, 0), cv::Vec4b(30, 200, 30, 255));

  // Palette 4-bit with tRNS (alpha 0 for index 0, ignored): (x*y) % 8 = 5
  // at (1,5): RGB (250,200,0); index 0 at (0,0) stays opaque black.
  image = ReadOk(ColorTypeFile("02.png"));
  EXPECT_EQ(At(image, 1, 5), cv::Vec4b(0, 200, 250, 255));
  EXPECT_EQ(At(image, 0, 0), cv::Vec4b(0, 0, 0, 255));

  // Palette 8-bit: index 7*2 + 16*1 = 30 at (2,1): RGB (30*37 % 256,
  // 30*91 % 256, 30*13 % 256) = (86, 170, 134).
  image = ReadOk(ColorTypeFile("03.png"));
  EXPECT_EQ(At(image, 2, 1), cv::Vec4b(134, 170, 86, 255));

  // Grey 1-bit expands to 0 / 255.
  image = ReadOk(ColorTypeFile("04.png"));
  EXPECT_EQ(At(image, 1, 0), cv::Vec4b(255, 255, 255, 255));
  EXPECT_EQ(At(image, 1, 1), cv::Vec4b(0, 0, 0, 255));

  // Grey 8-bit with gAMA 0.45455 and sRGB: the stored value, 5*10+3 = 53.
  image = ReadOk(ColorTypeFile("05.png"));
  EXPECT_EQ(At(image, 5, 3), cv::Vec4b(53, 53, 53, 255));

  // Grey 16-bit 2731 at (1,0): 2731*255/65535 = 10.63, rounds to 11
  // (stripping the low byte would give 10).
  image = ReadOk(ColorTypeFile("06.png"));
  EXPECT_EQ(At(image, 1, 0), cv::Vec4b(11, 11, 11, 255));
  // (x*2731 + y*977) at (23,15) = 77468 % 65536 = 11932,
  // 11932*255/65535 = 46.43 -> 46.
  EXPECT_EQ(At(image, 23, 15), cv::Vec4b(46, 46, 46, 255));

  // Grey+alpha: grey (x*9) % 256 = 90 at (10,3); alpha ignored.
  image = ReadOk(ColorTypeFile("07.png"));
  EXPECT_EQ(At(image, 10, 3), cv::Vec4b(90, 90, 90, 255));

  // RGB 8-bit at (3,5): R 30, G 75, B (3^5)*8 = 48.
  image = ReadOk(ColorTypeFile("08.png"));
  EXPECT_EQ(At(image, 3, 5), cv::Vec4b(48, 75, 30, 255));

  // RGB 16-bit at (1,1): R 2700 -> 10.51 -> 11, G 4000 -> 15.56 -> 16,
  // B 181 -> 0.70 -> 1.
  image = ReadOk(ColorTypeFile("09.png"));
  EXPECT_EQ(At(image, 1, 1), cv::Vec4b(1, 16, 11, 255));

  // RGBA 8-bit at (2,4): R 60, G 20, B 90, alpha 22 ignored.
  image = ReadOk(ColorTypeFile("10.png"));
  EXPECT_EQ(At(image, 2, 4), cv::Vec4b(90, 20, 60, 255));

  // RGBA 16-bit at (0,0): R 0, G 30000 -> 116.73 -> 117, B 0; alpha 0.
  image = ReadOk(ColorTypeFile("11.png"));
  EXPECT_EQ(At(image, 0, 0), cv::Vec4b(0, 117, 0, 255));

  // Interlaced RGB at (7,9): R 70, G 96, B 135.
  image = ReadOk(ColorTypeFile("12.png"));
  EXPECT_EQ(At(image, 7, 9), cv::Vec4b(135, 96, 70, 255));
}

// Reading an interlaced file gives what the same image non-interlaced
// gives: the interlaced fixture matches our non-interlaced re-encoding.
TEST(PngReaderTest, InterlacedEqualsNonInterlaced) {
  const cv::Mat interlaced = ReadOk(ColorTypeFile("12.png"));
  TempDir dir;
  WritePngFile(dir.File("flat.png"), interlaced);
  const std::string bytes = ReadFile(dir.File("flat.png"));
  ASSERT_GT(bytes.size(), 29u);
  ASSERT_EQ(bytes[28], 0) << "re-encoded file should not be interlaced";
  const cv::Mat flat = ReadOk(dir.File("flat.png"));
  EXPECT_TRUE(SamePixels(flat, interlaced));
  ASSERT_EQ(ReadFile(ColorTypeFile("12.png"))[28], 1)
      << "fixture 12.png should be interlaced";
}

TEST(PngReaderTest, DecodeIntoSharedMatDoesNotOverwriteTheOtherOwner) {
  const cv::Mat published = SolidFrame(cv::Size(24, 16), cv::Scalar(1, 2, 3));
  cv::Mat target = published;  // shares the buffer
  ASSERT_TRUE(ReadPngFile(ColorTypeFile("08.png"), &target).ok());
  EXPECT_TRUE(
      SamePixels(SolidFrame(cv::Size(24, 16), cv::Scalar(1, 2, 3)), published));
  EXPECT_NE(target.data, published.data);
}

TEST(PngReaderTest, DecodePngFromMemory) {
  const std::string bytes = ReadFile(ColorTypeFile("08.png"));
  cv::Mat image;
  ASSERT_TRUE(DecodePng(reinterpret_cast<const uint8_t*>(bytes.data()),
                        bytes.size(), &image)
                  .ok());
  EXPECT_TRUE(SamePixels(ReadOk(ColorTypeFile("08.png")), image));
}

// Byte offset of the first chunk of `type` (its length field), or npos.
size_t FindChunk(const std::string& png, const std::string& type) {
  const size_t at = png.find(type, 8);
  return at == std::string::npos ? at : at - 4;
}

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

uint32_t Be32(const std::string& s, size_t at) {
  return (uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         uint32_t{static_cast<unsigned char>(s[at + 3])};
}

void PutBe32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    (*s)[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  }
}

// Recomputes the CRC of the chunk that starts at `chunk`.
void FixCrc(std::string* png, size_t chunk) {
  const uint32_t length = Be32(*png, chunk);
  const uint32_t crc = Crc32(png->substr(chunk + 4, 4 + length));
  PutBe32(png, chunk + 8 + length, crc);
}

Status ReadBytesAsFile(const TempDir& dir, const std::string& bytes,
                       cv::Mat* image, std::string* path) {
  *path = dir.File("frame.png");
  WriteFile(*path, bytes);
  return ReadPngFile(*path, image);
}

std::string Be32String(uint32_t v) {
  std::string s(4, '\0');
  PutBe32(&s, 0, v);
  return s;
}

std::string Chunk(const std::string& type, const std::string& data) {
  return Be32String(static_cast<uint32_t>(data.size())) + type + data +
         Be32String(Crc32(type + data));
}

// A zlib stream of stored (uncompressed) deflate blocks.
std::string ZlibStored(const std::string& data) {
  std::string out = "\x78\x01";
  size_t at = 0;
  do {
    const size_t n = std::min<size_t>(data.size() - at, 65535);
    const bool last = at + n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xFF);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xFF);
    out += static_cast<char>((~n >> 8) & 0xFF);
    out += data.substr(at, n);
    at += n;
  } while (at < data.size());
  uint32_t a = 1, b = 0;
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return out + Be32String((b << 16) | a);
}

// A non-interlaced PNG; `rows` are packed scanlines without filter bytes,
// `chunks` go between IHDR and IDAT (PLTE, tRNS).
std::string MakePng(uint32_t width, uint32_t height, int bit_depth,
                    int color_type, const std::vector<std::string>& rows,
                    const std::string& chunks) {
  std::string header = Be32String(width) + Be32String(height);
  header += static_cast<char>(bit_depth);
  header += static_cast<char>(color_type);
  header += std::string(3, '\0');
  std::string raw;
  for (const std::string& row : rows) raw += '\0' + row;
  return "\x89PNG\r\n\x1a\n" + Chunk("IHDR", header) + chunks +
         Chunk("IDAT", ZlibStored(raw)) + Chunk("IEND", "");
}

cv::Mat DecodeOk(const std::string& png) {
  cv::Mat image;
  const Status s = DecodePng(reinterpret_cast<const uint8_t*>(png.data()),
                             png.size(), &image);
  EXPECT_TRUE(s.ok()) << s.message();
  return image;
}

// tRNS makes libpng add an alpha channel when it expands a palette; screens
// are opaque, so the X byte must still be 255 and the colour the stored one.
TEST(PngReaderTest, TrnsIsIgnoredForEveryColorType) {
  {
    SCOPED_TRACE("palette 8-bit");
    const std::string plte("\x0a\x14\x1e\x28\x32\x3c", 6);
    const std::string trns("\x00\x80", 2);
    const cv::Mat image =
        DecodeOk(MakePng(3, 1, 8, 3, {std::string("\x00\x01\x00", 3)},
                         Chunk("PLTE", plte) + Chunk("tRNS", trns)));
    ASSERT_EQ(image.size(), cv::Size(3, 1));
    EXPECT_EQ(At(image, 0, 0), cv::Vec4b(30, 20, 10, 255));
    EXPECT_EQ(At(image, 1, 0), cv::Vec4b(60, 50, 40, 255));
    EXPECT_EQ(At(image, 2, 0), cv::Vec4b(30, 20, 10, 255));
  }
  {
    SCOPED_TRACE("grey 8-bit");
    const cv::Mat image =
        DecodeOk(MakePng(2, 1, 8, 0, {std::string("\x50\x51", 2)},
                         Chunk("tRNS", std::string("\x00\x50", 2))));
    EXPECT_EQ(At(image, 0, 0), cv::Vec4b(80, 80, 80, 255));
    EXPECT_EQ(At(image, 1, 0), cv::Vec4b(81, 81, 81, 255));
  }
  {
    SCOPED_TRACE("grey 16-bit");
    const cv::Mat image =
        DecodeOk(MakePng(1, 1, 16, 0, {std::string("\x12\x34", 2)},
                         Chunk("tRNS", std::string("\x12\x34", 2))));
    const int v = Scale16(0x1234);
    EXPECT_EQ(At(image, 0, 0), cv::Vec4b(v, v, v, 255));
  }
  {
    SCOPED_TRACE("RGB 8-bit");
    const cv::Mat image = DecodeOk(
        MakePng(2, 1, 8, 2, {std::string("\x01\x02\x03\x04\x05\x06", 6)},
                Chunk("tRNS", std::string("\x00\x01\x00\x02\x00\x03", 6))));
    EXPECT_EQ(At(image, 0, 0), cv::Vec4b(3, 2, 1, 255));
    EXPECT_EQ(At(image, 1, 0), cv::Vec4b(6, 5, 4, 255));
  }
}

TEST(PngReaderTest, Crc32MatchesTheFixtures) {
  // The helper that rewrites headers must agree with the generator's CRCs.
  const std::string png = ReadFile(ColorTypeFile("08.png"));
  std::string copy = png;
  FixCrc(&copy, 8);
  EXPECT_EQ(copy, png);
}

TEST(PngReaderTest, FlippedIdatBytesAreCorrupt) {
  const std::string good = ReadFile(ColorTypeFile("08.png"));
  const size_t idat = FindChunk(good, "IDAT");
  ASSERT_NE(idat, std::string::npos);
  const uint32_t length = Be32(good, idat);
  ASSERT_GT(length, 8u);
  TempDir dir;

  // The CRC catches it.
  std::string bad = good;
  for (uint32_t i = 0; i < length; ++i) bad[idat + 8 + i] ^= 0xFF;
  cv::Mat image = SolidFrame(cv::Size(2, 2), cv::Scalar(0, 0, 0));
  std::string path;
  Status s = ReadBytesAsFile(dir, bad, &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "corrupt"));
  EXPECT_TRUE(image.empty()) << "a failed decode leaves no image";

  // With a matching CRC, zlib catches it.
  FixCrc(&bad, idat);
  s = ReadBytesAsFile(dir, bad, &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "corrupt"));

  // So it does when only the compressed data (not the zlib header) changes.
  bad = good;
  for (uint32_t i = 2; i < length; ++i) bad[idat + 8 + i] ^= 0x5A;
  FixCrc(&bad, idat);
  s = ReadBytesAsFile(dir, bad, &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "corrupt"));
}

TEST(PngReaderTest, EveryTruncationIsAnError) {
  const std::string good = ReadFile(ColorTypeFile("00.png"));
  for (size_t size = 1; size < good.size(); ++size) {
    SCOPED_TRACE("first " + std::to_string(size) + " of " +
                 std::to_string(good.size()) + " bytes");
    cv::Mat image;
    const Status s =
        DecodePng(reinterpret_cast<const uint8_t*>(good.data()), size, &image);
    ASSERT_FALSE(s.ok());
    if (size < 8) {
      EXPECT_TRUE(Contains(s.message(), "not a PNG"));
    } else {
      EXPECT_TRUE(Contains(s.message(), "truncated"));
    }
  }
}

TEST(PngReaderTest, TruncatedFileNamesThePath) {
  const std::string good = ReadFile(ColorTypeFile("08.png"));
  const size_t idat = FindChunk(good, "IDAT");
  ASSERT_NE(idat, std::string::npos);
  TempDir dir;
  cv::Mat image;
  std::string path;
  const Status s =
      ReadBytesAsFile(dir, good.substr(0, idat + 8 + 10), &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "truncated"));
}

TEST(PngReaderTest, NotAPng) {
  TempDir dir;
  cv::Mat image;
  std::string path;
  Status s =
      ReadBytesAsFile(dir, "GIF89a this is not a png at all", &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "not a PNG"));

  s = ReadBytesAsFile(dir, "\x89PNG", &image, &path);  // too short
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "not a PNG"));
}

TEST(PngReaderTest, EmptyFile) {
  TempDir dir;
  cv::Mat image;
  std::string path;
  const Status s = ReadBytesAsFile(dir, "", &image, &path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "empty"));
}

TEST(PngReaderTest, MissingFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.File("no-such-frame.png");
  cv::Mat image;
  const Status s = ReadPngFile(path, &image);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path));
  EXPECT_TRUE(Contains(s.message(), "No such file"));

  cv::Size size;
  const Status s2 = ReadPngSize(path, &size);
  ASSERT_FALSE(s2.ok());
  EXPECT_TRUE(Contains(s2.message(), path));
}

TEST(PngReaderTest, ReadPngSizeOfGoodFiles) {
  cv::Size size;
  ASSERT_TRUE(ReadPngSize(ColorTypeFile("00.png"), &size).ok());
  EXPECT_EQ(size, cv::Size(24, 16));
  ASSERT_TRUE(ReadPngSize(ColorTypeFile("12.png"), &size).ok());
  EXPECT_EQ(size, cv::Size(24, 16));
  ASSERT_TRUE(ReadPngSize(FixturePath("boxes/000.png"), &size).ok());
  EXPECT_EQ(size, cv::Size(64, 48));
  ASSERT_TRUE(ReadPngSize(FixturePath("bare/10.png"), &size).ok());
  EXPECT_EQ(size, cv::Size(32, 24));
}

TEST(PngReaderTest, ReadPngSizeOfBadHeaders) {
  TempDir dir;
  const std::string path = dir.File("bad.png");
  const std::string good = ReadFile(ColorTypeFile("00.png"));
  cv::Size size(7, 7);

  WriteFile(path, "");
  Status s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "empty"));

  WriteFile(path, "hello, world, this is text");
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "not a PNG"));

  WriteFile(path, good.substr(0, 8));  // signature only
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(Contains(s.message(), "corrupt"));

  WriteFile(path, good.substr(0, 20));  // header cut short
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "corrupt"));

  std::string no_ihdr = good;
  no_ihdr.replace(12, 4, "IDAT");
  WriteFile(path, no_ihdr);
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "IHDR"));

  EXPECT_EQ(size, cv::Size(7, 7)) << "a failed read leaves the size alone";
}

// `good` with the IHDR's width and height replaced (and its CRC fixed).
std::string WithSize(const std::string& good, uint32_t width, uint32_t height) {
  std::string png = good;
  PutBe32(&png, 16, width);
  PutBe32(&png, 20, height);
  FixCrc(&png, 8);
  return png;
}

TEST(PngReaderTest, ReadPngSizeRefusesOversizeAndZeroDimensions) {
  TempDir dir;
  const std::string path = dir.File("big.png");
  const std::string good = ReadFile(ColorTypeFile("00.png"));
  cv::Size size;

  WriteFile(path, WithSize(good, kMaxImageSidePx, kMaxImageSidePx));
  ASSERT_TRUE(ReadPngSize(path, &size).ok());
  EXPECT_EQ(size, cv::Size(kMaxImageSidePx, kMaxImageSidePx));

  WriteFile(path, WithSize(good, kMaxImageSidePx + 1, 16));
  Status s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), path + ": "));
  EXPECT_TRUE(
      Contains(s.message(), std::to_string(kMaxImageSidePx + 1) + "x16"));

  WriteFile(path, WithSize(good, 24, 0x80000000u));
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "24x2147483648"));

  WriteFile(path, WithSize(good, 0, 16));
  s = ReadPngSize(path, &size);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "0x16"));
}

TEST(PngReaderTest, DecodeRefusesOversizeHeaderBeforeAllocating) {
  const std::string good = ReadFile(ColorTypeFile("00.png"));
  for (const auto& [w, h] : {std::pair<uint32_t, uint32_t>{20000, 16},
                             {24, 20000},
                             {0x7FFFFFFFu, 0x7FFFFFFFu}}) {
    const std::string png = WithSize(good, w, h);
    cv::Mat image;
    const Status s = DecodePng(reinterpret_cast<const uint8_t*>(png.data()),
                               png.size(), &image);
    ASSERT_FALSE(s.ok()) << w << "x" << h;
    EXPECT_TRUE(Contains(s.message(), "corrupt")) << w << "x" << h;
    EXPECT_TRUE(image.empty());
  }
}

}  // namespace
}  // namespace svgcast::test
