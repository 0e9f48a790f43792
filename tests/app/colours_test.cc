// `--colors N` through the binary: the SVG shows exactly each frame mapped
// to the palette the library chooses from all the frames; a recording of
// few colours is untouched; the bytes do not depend on the thread count;
// the summary says what was kept and the largest error; a count no
// palette can have is refused.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/palette.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// `frames` as --colors `colours` shows them: one palette from all of them.
std::vector<TimedFrame> InColours(const std::vector<TimedFrame>& frames,
                                  int colours, int* max_error = nullptr) {
  ColourHistogram histogram;
  for (const TimedFrame& f : frames) histogram.Add(f.pixels);
  std::vector<uint32_t> palette;
  EXPECT_TRUE(ChoosePalette(histogram, colours, &palette).ok());
  PaletteMap map(palette);
  std::vector<TimedFrame> shown;
  for (const TimedFrame& f : frames) {
    shown.push_back({f.time_us, map.Apply(f.pixels)});
  }
  if (max_error) *max_error = map.max_error();
  return shown;
}

class Colours : public ::testing::Test {
 protected:
  TempDir dir_;
  const std::string svg_ = dir_.File("out.svg");
};

TEST_F(Colours, ReplayShowsEveryFrameInThePalette) {
  for (const char* fixture : {"emoji", "anchor-patches/letter", "patterns"}) {
    for (const int colours : {4, 32}) {
      SCOPED_TRACE(std::string(fixture) + " in " + std::to_string(colours));
      const std::string folder = FixturePath(fixture);
      const CommandResult r = RunSvgcast(
          {"replay", folder, "-o", svg_, "--colors", std::to_string(colours)});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      int max_error = 0;
      const std::vector<TimedFrame> expected =
          InColours(ReadSequence(folder), colours, &max_error);
      EXPECT_TRUE(DecodesToFramesWithin(svg_, expected, 0));
      EXPECT_GT(max_error, 0);  // these fixtures have more colours
      EXPECT_TRUE(Contains(r.err, "max error " + std::to_string(max_error)));
      EXPECT_TRUE(Contains(r.err, "(at most " + std::to_string(colours)));
    }
  }
}

TEST_F(Colours, FewColoursChangeNoByte) {
  const std::string folder = FixturePath("boxes");
  const std::string plain = dir_.File("plain.svg");
  ASSERT_EQ(RunSvgcast({"replay", folder, "-o", plain, "-q"}).exit_code, 0);
  const CommandResult r =
      RunSvgcast({"replay", folder, "-o", svg_, "--colors", "256"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ReadFile(svg_) == ReadFile(plain));
  EXPECT_TRUE(Contains(r.err, "max error 0"));
}

TEST_F(Colours, SameBytesWhateverTheThreads) {
  const std::string folder = FixturePath("emoji");
  std::string first;
  for (const char* threads : {"1", "8"}) {
    SCOPED_TRACE(threads);
    ASSERT_EQ(RunSvgcast({"replay", folder, "-o", svg_, "--colors", "16",
                          "--threads", threads, "-q"})
                  .exit_code,
              0);
    const std::string bytes = ReadFile(svg_);
    if (first.empty()) first = bytes;
    EXPECT_TRUE(bytes == first);
  }
}

TEST_F(Colours, ConvertShowsTheVideoInThePalette) {
  if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  const std::string folder = FixturePath("emoji");
  const std::string video = dir_.File("emoji.mkv");
  ASSERT_TRUE(MakeVideo(folder, VideoKind::kLosslessMkv, video));
  const CommandResult r =
      RunSvgcast({"convert", video, "-o", svg_, "--colors", "8"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Lossless video: its frames are the fixture's.
  EXPECT_TRUE(
      DecodesToFramesWithin(svg_, InColours(ReadSequence(folder), 8), 0));
  EXPECT_TRUE(Contains(r.err, "(at most 8;"));
}

TEST_F(Colours, RefusesACountNoPaletteHas) {
  for (const char* n : {"1", "257", "many"}) {
    SCOPED_TRACE(n);
    const CommandResult r =
        RunSvgcast({"replay", FixturePath("boxes"), "-o", svg_, "--colors", n});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(Contains(r.err, "--colors"));
    EXPECT_FALSE(FileExists(svg_));
  }
}

}  // namespace
}  // namespace svgcast::test
