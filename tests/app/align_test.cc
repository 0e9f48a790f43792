// `--align 4`: every place and size in the SVG on multiples of four pixels
// (so that at 125%, where four pixels are five screen pixels, every piece
// starts and ends on a screen pixel), and still exactly the frames.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class Align : public ::testing::TestWithParam<std::string> {};

TEST_P(Align, FourPixelsAndExact) {
  TempDir dir;
  const std::string folder = FixturePath(GetParam());
  for (const char* codec : {"png", "webp"}) {
    SCOPED_TRACE(codec);
    const std::string svg = dir.File(std::string(codec) + ".svg");
    const CommandResult r = RunSvgcast(
        {"replay", folder, "-o", svg, "-q", "--align", "4", "--codec", codec});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Unaligned(ReadFile(svg), 4), std::vector<std::string>{});
    EXPECT_TRUE(DecodesToFrames(svg, folder));
  }
}

// Moves, sprites on sheets and as patterns, tiles of a big patch, grey
// parts cut apart, one-colour rects.
INSTANTIATE_TEST_SUITE_P(Fixtures, Align,
                         ::testing::Values("terminal-odd", "typing-long",
                                           "scroll", "window", "emoji",
                                           "patterns", "recolour"),
                         FixtureTestName);

// The check itself: the default (two pixels) is not aligned to four.
TEST(AlignCheck, FindsTwoPixelPlaces) {
  TempDir dir;
  const std::string svg = dir.File("two.svg");
  const CommandResult r =
      RunSvgcast({"replay", FixturePath("typing-long"), "-o", svg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Unaligned(ReadFile(svg), 2), std::vector<std::string>{});
  EXPECT_FALSE(Unaligned(ReadFile(svg), 4).empty());
}

TEST(AlignCheck, OnlyTwoOrFour) {
  TempDir dir;
  const CommandResult r = RunSvgcast({"replay", FixturePath("boxes"), "-o",
                                      dir.File("out.svg"), "--align", "3"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, "--align"));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace svgcast::test
