// capture/png_reader.h against damaged PNGs: the 13 colour types of
// fixtures/colortypes, mutated the way a fuzzer would, with each chunk's
// CRC made right again so that libpng reads on and svgcast's handling of
// what it finds is what gets tried (headers with other sizes, depths,
// colour types and interlacing; changed palettes, tRNS and image data;
// chunks dropped, repeated or cut). Each decode either gives an image of
// the header's size or is refused with one line. The mutations come from a
// fixed seed.
//
// Its real teeth are the sanitizer runs (`scripts/test --sanitize ...`,
// which CI runs): there any out-of-bounds access aborts the test.
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/png_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// Rounds of each kind of mutation, per fixture.
constexpr int kRounds = 2000;

struct Chunk {
  std::string type;
  std::string data;
};

// The chunks after the signature (a well-formed PNG).
std::vector<Chunk> Chunks(const std::string& png) {
  std::vector<Chunk> chunks;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length =
        (uint32_t{static_cast<uint8_t>(png[at])} << 24) |
        (uint32_t{static_cast<uint8_t>(png[at + 1])} << 16) |
        (uint32_t{static_cast<uint8_t>(png[at + 2])} << 8) |
        uint32_t{static_cast<uint8_t>(png[at + 3])};
    chunks.push_back({png.substr(at + 4, 4), png.substr(at + 8, length)});
    at += 12 + length;
  }
  return chunks;
}

void AppendBigEndian(uint32_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(value >> shift));
  }
}

// A PNG of `chunks`, each with its length and a right CRC.
std::string Png(const std::vector<Chunk>& chunks) {
  std::string png = "\x89PNG\r\n\x1a\n";
  for (const Chunk& chunk : chunks) {
    AppendBigEndian(static_cast<uint32_t>(chunk.data.size()), &png);
    const std::string typed = chunk.type + chunk.data;
    png += typed;
    AppendBigEndian(static_cast<uint32_t>(
                        crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                              static_cast<uInt>(typed.size()))),
                    &png);
  }
  return png;
}

class PngReaderMutation : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& name : ListFolder(FixturePath("colortypes"))) {
      if (name.ends_with(".png")) {
        seeds_.push_back(Chunks(ReadFile(FixturePath("colortypes/" + name))));
        ASSERT_EQ(seeds_.back().front().type, "IHDR") << name;
      }
    }
    ASSERT_EQ(seeds_.size(), 13u);
  }

  // Decodes `png` both ways. Each either gives an image of the size its
  // header says, or is refused with one line.
  void ExpectImageOrOneLine(const std::string& png, const std::string& what) {
    const auto* data = reinterpret_cast<const uint8_t*>(png.data());
    cv::Mat bgrx, bgra;
    const Status opaque = DecodePng(data, png.size(), &bgrx);
    const Status alpha = DecodePngWithAlpha(data, png.size(), &bgra);
    EXPECT_EQ(opaque.ok(), alpha.ok()) << what;
    for (const auto& [status, image] :
         {std::pair{&opaque, &bgrx}, std::pair{&alpha, &bgra}}) {
      if (status->ok()) {
        EXPECT_EQ(image->type(), CV_8UC4) << what;
        EXPECT_TRUE(image->isContinuous()) << what;
        const std::vector<Chunk> chunks = Chunks(png);
        ASSERT_FALSE(chunks.empty()) << what;
        const std::string& ihdr = chunks.front().data;
        ASSERT_GE(ihdr.size(), 8u) << what;
        const auto side = [&](size_t at) {
          uint32_t value = 0;
          for (size_t i = at; i < at + 4; ++i) {
            value = value << 8 | static_cast<uint8_t>(ihdr[i]);
          }
          return static_cast<int64_t>(value);
        };
        EXPECT_EQ(image->cols, side(0)) << what;
        EXPECT_EQ(image->rows, side(4)) << what;
        ++decoded_;
      } else {
        EXPECT_FALSE(status->message().empty()) << what;
        EXPECT_EQ(status->message().find('\n'), std::string::npos)
            << what << ": " << status->message();
        ++refused_;
      }
    }
  }

  std::string What(size_t seed, int round) const {
    return "fixture " + std::to_string(seed) + " round " +
           std::to_string(round);
  }

  template <typename T>
  T Uniform(T from, T to) {
    return std::uniform_int_distribution<T>(from, to)(random_);
  }

  std::vector<std::vector<Chunk>> seeds_;
  std::mt19937 random_{20261206};
  int decoded_ = 0;
  int refused_ = 0;
};

// Width, height, bit depth, colour type, compression, filter, interlace:
// each set to another value, alone or together.
TEST_F(PngReaderMutation, HeaderFields) {
  const std::vector<uint32_t> sides = {0,  1,    2,     3,     7,       23,
                                       25, 4096, 16385, 65535, 1u << 31};
  for (size_t seed = 0; seed < seeds_.size(); ++seed) {
    for (int round = 0; round < kRounds; ++round) {
      std::vector<Chunk> chunks = seeds_[seed];
      std::string& ihdr = chunks.front().data;
      for (int changes = Uniform(1, 3); changes > 0; --changes) {
        const int field = Uniform(0, 6);
        if (field < 2) {
          std::string side;
          AppendBigEndian(sides[Uniform<size_t>(0, sides.size() - 1)], &side);
          ihdr.replace(4 * field, 4, side);
        } else {
          const uint8_t values[] = {0, 1, 2, 3, 4, 6, 7, 8, 16, 255};
          ihdr[6 + field] = static_cast<char>(
              values[Uniform<size_t>(0, std::size(values) - 1)]);
        }
      }
      ExpectImageOrOneLine(Png(chunks), What(seed, round));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(decoded_, 0);
  EXPECT_GT(refused_, 0);
}

// Bytes of one chunk's data (image data, palette, tRNS, header) changed,
// added or removed.
TEST_F(PngReaderMutation, ChunkData) {
  for (size_t seed = 0; seed < seeds_.size(); ++seed) {
    for (int round = 0; round < kRounds; ++round) {
      std::vector<Chunk> chunks = seeds_[seed];
      std::string& data = chunks[Uniform<size_t>(0, chunks.size() - 2)].data;
      for (int changes = Uniform(1, 4); changes > 0; --changes) {
        const size_t at = Uniform<size_t>(0, data.size());
        const char byte = static_cast<char>(Uniform(0, 255));
        switch (at == data.size() ? 1 : Uniform(0, 2)) {
          case 0:
            data[at] = byte;
            break;
          case 1:
            data.insert(data.begin() + at, byte);
            break;
          default:
            data.erase(at, 1);
            break;
        }
      }
      ExpectImageOrOneLine(Png(chunks), What(seed, round));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(decoded_, 0);
  EXPECT_GT(refused_, 0);
}

// A chunk dropped, repeated or moved; or the file cut short.
TEST_F(PngReaderMutation, ChunksDroppedRepeatedMovedOrCut) {
  for (size_t seed = 0; seed < seeds_.size(); ++seed) {
    for (int round = 0; round < kRounds; ++round) {
      std::vector<Chunk> chunks = seeds_[seed];
      const size_t which = Uniform<size_t>(0, chunks.size() - 1);
      const size_t where = Uniform<size_t>(0, chunks.size() - 1);
      std::string png;
      switch (round % 4) {
        case 0:
          chunks.erase(chunks.begin() + which);
          png = Png(chunks);
          break;
        case 1:
          chunks.insert(chunks.begin() + where, chunks[which]);
          png = Png(chunks);
          break;
        case 2: {
          const Chunk moved = chunks[which];
          chunks.erase(chunks.begin() + which);
          chunks.insert(chunks.begin() + where, moved);
          png = Png(chunks);
          break;
        }
        default:
          png = Png(chunks);
          png.resize(Uniform<size_t>(0, png.size() - 1));
          break;
      }
      ExpectImageOrOneLine(png, What(seed, round));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(decoded_, 0);
  EXPECT_GT(refused_, 0);
}

}  // namespace
}  // namespace svgcast::test
