// Replay then decode with our own reader: every frame comes back bit-exact.
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, EveryFrameDecodesExactly) {
  TempDir dir;
  const std::string folder = FixturePath(GetParam());
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(folder, svg));
  EXPECT_TRUE(DecodesToFrames(svg, folder));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RoundTrip,
    ::testing::Values("boxes", "colortypes", "scroll", "terminal",
                      "terminal-odd", "typing", "typing-long", "window",
                      "recolour", "emoji", "anchor-patches/chevron",
                      "anchor-patches/diagonal", "anchor-patches/full",
                      "anchor-patches/horizontal", "anchor-patches/letter",
                      "anchor-patches/vertical"),
    FixtureTestName);

// The same with --codec webp (sprite sheets and large patches in lossless
// WebP wherever smaller), through the command line.
class RoundTripWebp : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTripWebp, EveryFrameDecodesExactly) {
  TempDir dir;
  const std::string folder = FixturePath(GetParam());
  const std::string svg = dir.File("out.svg");
  const CommandResult r =
      RunSvgcast({"replay", folder, "-o", svg, "-q", "--codec", "webp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(svg).find("data:image/webp;base64,"), std::string::npos);
  EXPECT_TRUE(DecodesToFrames(svg, folder));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RoundTripWebp,
                         ::testing::Values("boxes", "colortypes", "scroll",
                                           "terminal", "terminal-odd", "typing",
                                           "typing-long", "window", "recolour",
                                           "anchor-patches/letter"),
                         FixtureTestName);

}  // namespace
}  // namespace svgcast::test

namespace svgcast::test {
namespace {

// The checker itself must be able to fail: an SVG of one sequence does not
// decode to the frames of another.
TEST(RoundTripCheck, FailsForOtherFrames) {
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(FixturePath("anchor-patches/diagonal"), svg));
  EXPECT_FALSE(DecodesToFrames(svg, FixturePath("anchor-patches/vertical")));
}

// The reference project's demo: 270 frames of 1200x744. Only where the
// shared corpus is next to the checkout (not in a clean clone on CI).
TEST(RoundTripCorpus, AnchorElectron) {
  const std::string folder = CorpusPath("anchor-electron");
  if (folder.empty()) GTEST_SKIP() << "../shared/corpus/anchor-electron absent";
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(folder, svg));
  EXPECT_TRUE(DecodesToFrames(svg, folder));
  const std::string webp = dir.File("webp.svg");
  const CommandResult r =
      RunSvgcast({"replay", folder, "-o", webp, "-q", "--codec", "webp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(DecodesToFrames(webp, folder));
}

// fixtures/anchor-electron-100 keeps the demo's first 100 frames as
// changes, for a clean clone (CI) where the corpus is absent: rebuilt, they
// come back from the SVG exactly...
TEST(AnchorElectronFixture, DecodesExactly) {
  TempDir dir;
  const std::string folder = dir.File("frames");
  ASSERT_NO_FATAL_FAILURE(
      RebuildFromChanges(FixturePath("anchor-electron-100"), folder));
  ASSERT_EQ(ReadSequence(folder).size(), 100u);
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(folder, svg));
  EXPECT_TRUE(DecodesToFrames(svg, folder));
}

// ... and they are the corpus's frames at its times, pixel for pixel
// (where the corpus is next to the checkout).
TEST(AnchorElectronFixture, IsTheCorpusFirstFrames) {
  const std::string corpus = CorpusPath("anchor-electron");
  if (corpus.empty()) GTEST_SKIP() << "../shared/corpus/anchor-electron absent";
  TempDir dir;
  const std::string folder = dir.File("frames");
  ASSERT_NO_FATAL_FAILURE(
      RebuildFromChanges(FixturePath("anchor-electron-100"), folder));
  const std::vector<TimedFrame> rebuilt = ReadSequence(folder);
  ASSERT_EQ(rebuilt.size(), 100u);
  std::vector<ManifestEntry> entries;
  const std::string manifest = corpus + "/frames.txt";
  ASSERT_TRUE(ParseManifest(ReadFile(manifest), manifest, &entries).ok());
  ASSERT_GE(entries.size(), rebuilt.size());
  for (size_t i = 0; i < rebuilt.size(); ++i) {
    EXPECT_EQ(rebuilt[i].time_us, entries[i].timestamp_us) << "frame " << i;
    cv::Mat frame;
    ASSERT_TRUE(ReadPngFile(corpus + "/" + entries[i].file, &frame).ok());
    ASSERT_EQ(rebuilt[i].pixels.size(), frame.size());
    EXPECT_EQ(cv::norm(rebuilt[i].pixels, frame, cv::NORM_INF), 0)
        << "frame " << i;
  }
}

}  // namespace
}  // namespace svgcast::test

namespace svgcast::test {
namespace {

// --no-scroll: the terminal's scrolled bands are repainted instead of
// moved, and it is still exact. (On these 80x64 frames that is even a
// little smaller: a sheet of 20 small sprites compresses its repeats
// better than the markup of 13 moves costs.)
TEST(RoundTripNoScroll, ScrolledBandsRepaintedStillDecodeExactly) {
  TempDir dir;
  const std::string folder = FixturePath("terminal-odd");
  const std::string moved = dir.File("moved.svg");
  const std::string repainted = dir.File("repainted.svg");
  const CommandResult a = RunSvgcast({"replay", folder, "-o", moved});
  const CommandResult b =
      RunSvgcast({"replay", folder, "-o", repainted, "--no-scroll"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE((a.out + a.err).find("17 scrolled"), std::string::npos)
      << a.out << a.err;
  EXPECT_EQ((b.out + b.err).find("scrolled"), std::string::npos)
      << b.out << b.err;
  EXPECT_TRUE(DecodesToFrames(repainted, folder));
  // (A frame shown again by a move is a group with an id.)
  EXPECT_EQ(Count(ReadFile(repainted), "<g id="), 0);
  EXPECT_GT(Count(ReadFile(moved), "<g id="), 0);
}

// The typed line at the bottom of a moved band, a frame for each of its
// 34 characters: painted as one sprite from the move's pixels, and exact.
TEST(RoundTripTypedLine, BandsLastRowsPaintedStillDecodeExactly) {
  TempDir dir;
  const std::string folder = FixturePath("typing-long");
  const std::string svg = dir.File("out.svg");
  const CommandResult r = RunSvgcast({"replay", folder, "-o", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE((r.out + r.err)
                .find("2 scrolled (shown as earlier frames, moved; 1 with "
                      "their last rows painted)"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_TRUE(DecodesToFrames(svg, folder));
}

}  // namespace
}  // namespace svgcast::test
