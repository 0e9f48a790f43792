// svg/svg_reader.h against damaged input: svgcast's own SVGs, mutated the
// way a fuzzer would (numbers swapped for extremes, bytes changed, elements
// cut out, the file cut short), each either decodes or is refused with one
// line that names the file. The mutations come from a fixed seed, so a
// failure names the seed and the round and can be replayed.
//
// Its real teeth are the sanitizer runs (`scripts/test --sanitize ...`,
// which CI runs): there an overflow or out-of-bounds read on any of these
// inputs aborts the test. Mutating svgcast's output like this found four
// such bugs in the reader (772a91a, and a delay of 9223372036854775807ms).
#include <cstdint>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "processing/png_encoder.h"
#include "svg/output_file.h"
#include "svg/svg_reader.h"
#include "svg/svg_writer.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// Rounds of each kind of mutation, per seed file.
constexpr int kRounds = 1000;

// An SVG with a pointer layer (the only kind `replay` cannot make).
std::string PointerSvg(const TempDir& dir) {
  const cv::Size size(16, 12);
  const std::string path = dir.File("pointer.svg");
  std::unique_ptr<OutputFile> out;
  EXPECT_TRUE(OutputFile::Open(path, &out).ok());
  SvgWriter writer(size, out.get());
  for (uint64_t i = 0; i < 4; ++i) {
    EncodedFrame frame;
    frame.ticket = {FrameTicket::Kind::kFrame, i,
                    static_cast<int64_t>(i) * 40000};
    CursorSample cursor;
    cursor.shape_serial = 1 + i / 2;
    cursor.image = cv::Mat(3, 3, CV_8UC4, cv::Scalar(40.0 * i, 0, 200, 128));
    cursor.hotspot = {1, 1};
    cursor.position = {static_cast<int>(3 * i), 5};
    cursor.visible = i != 2;
    frame.cursor = cursor;
    if (i == 0) {
      auto png = std::make_shared<std::vector<uint8_t>>();
      EXPECT_TRUE(EncodePng(SolidFrame(size, cv::Scalar(90, 90, 90)),
                            PngOptions{}, png.get())
                      .ok());
      EncodedPatch patch;
      patch.rect = cv::Rect(cv::Point(0, 0), size);
      patch.png = png;
      frame.patches.push_back(patch);
    }
    writer.WriteFrame(frame);
  }
  writer.Finish();
  EXPECT_TRUE(out->Commit().ok());
  return ReadFile(path);
}

class SvgReaderMutation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    seeds_ = new std::vector<std::string>;
    TempDir dir;
    // Between them: moves, sprites and patterns, rects sized by class,
    // ends (--e), a loop with its hold, WebP images, settings in the
    // <metadata>, and a pointer.
    const std::vector<std::vector<std::string>> replays = {
        {"terminal-odd"},
        {"typing", "--align", "4"},
        {"scroll", "--loop", "--hold", "500"},
        {"emoji", "--codec", "webp"},
    };
    for (const std::vector<std::string>& replay : replays) {
      const std::string svg = dir.File(replay[0] + ".svg");
      std::vector<std::string> args = {"replay", FixturePath(replay[0]), "-o",
                                       svg, "-q"};
      args.insert(args.end(), replay.begin() + 1, replay.end());
      const CommandResult r = RunSvgcast(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      seeds_->push_back(ReadFile(svg));
    }
    seeds_->push_back(PointerSvg(dir));
  }
  static void TearDownTestSuite() {
    delete seeds_;
    seeds_ = nullptr;
  }

  // Decodes `svg` to the end. It must either give frames or be refused
  // with one line that names the file.
  void ExpectFramesOrOneLine(const std::string& svg, const std::string& what) {
    WriteFile(path_, svg);
    std::unique_ptr<ScreencastDecoder> decoder;
    const Status s = ScreencastDecoder::Open(path_, &decoder);
    if (!s.ok()) {
      EXPECT_TRUE(s.message().rfind(path_ + ": ", 0) == 0 &&
                  s.message().find('\n') == std::string::npos)
          << what << ": " << s.message();
      ++refused_;
      return;
    }
    ASSERT_NE(decoder, nullptr) << what;
    DecodedFrame frame;
    size_t frames = 0;
    int64_t last_us = -1;
    while (decoder->Next(&frame)) {
      ASSERT_GT(frame.time_us, last_us) << what;
      ASSERT_EQ(frame.pixels.size(), decoder->size()) << what;
      last_us = frame.time_us;
      ++frames;
    }
    EXPECT_EQ(frames, decoder->times_us().size()) << what;
    ++decoded_;
  }

  static std::vector<std::string>* seeds_;
  TempDir dir_;
  const std::string path_ = dir_.File("mutant.svg");
  std::mt19937 random_{20261206};
  int decoded_ = 0;
  int refused_ = 0;
};

std::vector<std::string>* SvgReaderMutation::seeds_ = nullptr;

// A number anywhere in the markup: attribute values, viewBox parts,
// delays (`--d:433ms`), class sizes in the style rules.
const std::regex& Number() {
  static const std::regex number("-?[0-9]+(\\.[0-9]+)?");
  return number;
}

// The markup only: everything but the base64 of the images, so that the
// numbers mutated are those the reader parses.
std::vector<std::pair<size_t, size_t>> MarkupNumbers(const std::string& svg) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t from = 0;
  while (from < svg.size()) {
    size_t to = svg.find(";base64,", from);
    if (to == std::string::npos) to = svg.size();
    for (auto it = std::sregex_iterator(svg.begin() + from, svg.begin() + to,
                                        Number());
         it != std::sregex_iterator(); ++it) {
      spans.push_back(
          {from + static_cast<size_t>(it->position()), it->length()});
    }
    if (to == svg.size()) break;
    from = svg.find('"', to);
    if (from == std::string::npos) break;
  }
  return spans;
}

TEST_F(SvgReaderMutation, NumbersSwappedForExtremes) {
  const std::vector<std::string> extremes = {"0",
                                             "-1",
                                             "1",
                                             "16384",
                                             "16385",
                                             "1048577",
                                             "-1048577",
                                             "2147483647",
                                             "-2147483648",
                                             "4294967296",
                                             "1e9",
                                             "0.5",
                                             "",
                                             "007",
                                             "-0",
                                             "18446744073709551616",
                                             "9223372036854775807"};
  for (size_t seed = 0; seed < seeds_->size(); ++seed) {
    const std::string& original = (*seeds_)[seed];
    ASSERT_FALSE(MarkupNumbers(original).empty());
    for (int round = 0; round < kRounds; ++round) {
      std::string svg = original;
      const int changes = std::uniform_int_distribution<int>(1, 4)(random_);
      for (int i = 0; i < changes; ++i) {
        const auto spans = MarkupNumbers(svg);
        if (spans.empty()) break;
        const auto [at, length] = spans[std::uniform_int_distribution<size_t>(
            0, spans.size() - 1)(random_)];
        svg.replace(at, length,
                    extremes[std::uniform_int_distribution<size_t>(
                        0, extremes.size() - 1)(random_)]);
      }
      ExpectFramesOrOneLine(svg, "seed " + std::to_string(seed) + " round " +
                                     std::to_string(round));
      if (HasFatalFailure()) return;
    }
  }
  // Both outcomes happen: some numbers can change harmlessly.
  EXPECT_GT(decoded_, 0);
  EXPECT_GT(refused_, 0);
}

TEST_F(SvgReaderMutation, BytesChanged) {
  for (size_t seed = 0; seed < seeds_->size(); ++seed) {
    const std::string& original = (*seeds_)[seed];
    for (int round = 0; round < kRounds; ++round) {
      std::string svg = original;
      const int changes = std::uniform_int_distribution<int>(1, 8)(random_);
      for (int i = 0; i < changes && !svg.empty(); ++i) {
        const size_t at =
            std::uniform_int_distribution<size_t>(0, svg.size() - 1)(random_);
        const char byte = static_cast<char>(
            std::uniform_int_distribution<int>(0, 255)(random_));
        switch (std::uniform_int_distribution<int>(0, 2)(random_)) {
          case 0:
            svg[at] = byte;
            break;
          case 1:
            svg.insert(svg.begin() + at, byte);
            break;
          default:
            svg.erase(at, 1);
            break;
        }
      }
      ExpectFramesOrOneLine(svg, "seed " + std::to_string(seed) + " round " +
                                     std::to_string(round));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(refused_, 0);
}

// Whole elements (or any span from one '<' to another) cut out or
// repeated: references to ids that are gone or defined twice, frames
// without their images, and so on.
TEST_F(SvgReaderMutation, ElementsCutOrRepeated) {
  for (size_t seed = 0; seed < seeds_->size(); ++seed) {
    const std::string& original = (*seeds_)[seed];
    std::vector<size_t> tags;
    for (size_t at = original.find('<'); at != std::string::npos;
         at = original.find('<', at + 1)) {
      tags.push_back(at);
    }
    ASSERT_GT(tags.size(), 3u);
    for (int round = 0; round < kRounds; ++round) {
      auto pick = std::uniform_int_distribution<size_t>(1, tags.size() - 2);
      size_t from = tags[pick(random_)];
      size_t to = tags[pick(random_)];
      if (from > to) std::swap(from, to);
      std::string svg = original;
      if (round % 2 == 0) {
        svg.erase(from, to - from);
      } else {
        svg.insert(to, original.substr(from, to - from));
      }
      ExpectFramesOrOneLine(svg, "seed " + std::to_string(seed) + " round " +
                                     std::to_string(round));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(decoded_, 0);
  EXPECT_GT(refused_, 0);
}

TEST_F(SvgReaderMutation, CutShort) {
  for (size_t seed = 0; seed < seeds_->size(); ++seed) {
    const std::string& original = (*seeds_)[seed];
    const size_t end = original.rfind("</svg>");
    ASSERT_NE(end, std::string::npos);
    for (int round = 0; round < kRounds; ++round) {
      const size_t length =
          std::uniform_int_distribution<size_t>(0, end)(random_);
      ExpectFramesOrOneLine(
          original.substr(0, length),
          "seed " + std::to_string(seed) + " cut at " + std::to_string(length));
      if (HasFatalFailure()) return;
    }
  }
  // Cut anywhere before its closing </svg>, no file is complete.
  EXPECT_EQ(decoded_, 0);
}

}  // namespace
}  // namespace svgcast::test
