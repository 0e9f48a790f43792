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

// Frames whose sides are not multiples of 4 cannot be clean at 125% in
// Firefox whatever the pieces do: svgcast says so (once, and not with -q).
TEST(AlignCheck, NotesFramesWhoseSidesAreNotMultiplesOfFour) {
  TempDir dir;
  const std::string note = "note: --align 4 with frames of ";
  const struct {
    const char* fixture;
    std::vector<std::string> args;
    int notes;
  } cases[] = {{"typing-long", {"--align", "4"}, 1},  // 168x46
               {"typing", {"--align", "4"}, 0},       // 80x40
               {"typing-long", {}, 0},
               {"typing-long", {"--align", "4", "-q"}, 0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.fixture) + " " + std::to_string(c.args.size()));
    std::vector<std::string> args = {"replay", FixturePath(c.fixture), "-o",
                                     dir.File("out.svg")};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = RunSvgcast(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Count(r.err, note), c.notes) << r.err;
    if (c.notes > 0) {
      EXPECT_TRUE(Contains(r.err, note + "168x46: Firefox"));
    }
  }
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
