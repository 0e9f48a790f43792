// `svgcast replay X.svg`: an svgcast SVG encoded again. With the same
// settings it gives the same bytes (every change comes back at its time);
// a trim or --colors on the SVG gives what they give on the frames; and
// a bad SVG or an option that does not apply is one line and no file.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class SvgReplay : public ::testing::Test {
 protected:
  // Replays `input` (a folder or an SVG) into `name` with `args`.
  std::string Replay(const std::string& input, const std::string& name,
                     std::vector<std::string> args = {}) {
    const std::string svg = dir_.File(name);
    std::vector<std::string> all = {"replay", input, "-o", svg, "-q"};
    all.insert(all.end(), args.begin(), args.end());
    const CommandResult r = RunSvgcast(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return svg;
  }

  TempDir dir_;
};

class SvgReplayFixture : public SvgReplay,
                         public ::testing::WithParamInterface<std::string> {};

TEST_P(SvgReplayFixture, SameSettingsGiveTheSameBytes) {
  const std::string first = Replay(FixturePath(GetParam()), "first.svg");
  const std::string again = Replay(first, "again.svg");
  EXPECT_TRUE(ReadFile(again) == ReadFile(first));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SvgReplayFixture,
                         ::testing::Values("boxes", "scroll", "terminal",
                                           "typing", "window", "recolour",
                                           "emoji", "patterns"),
                         FixtureTestName);

TEST_F(SvgReplay, TrimAndSpeedAsOnTheFrames) {
  const std::string folder = FixturePath("typing-long");
  const std::string svg = Replay(folder, "all.svg");
  const std::vector<std::string> args = {"--start", "300",     "--end",
                                         "1200",    "--speed", "2"};
  EXPECT_TRUE(ReadFile(Replay(svg, "from-svg.svg", args)) ==
              ReadFile(Replay(folder, "from-frames.svg", args)));
}

TEST_F(SvgReplay, InColoursAsOnTheFrames) {
  const std::string folder = FixturePath("emoji");
  const std::string svg = Replay(folder, "all.svg");
  const std::vector<std::string> args = {"--colors", "8", "--codec", "webp"};
  const std::string from_svg = Replay(svg, "from-svg.svg", args);
  EXPECT_TRUE(ReadFile(from_svg) ==
              ReadFile(Replay(folder, "from-frames.svg", args)));
  EXPECT_LT(ReadFile(from_svg).size(), ReadFile(svg).size());
}

// An SVG made with --codec webp --align 4 says so in its <metadata>, and
// is encoded again with them unless the command line says otherwise: a
// trim keeps them (a file for Firefox at 125% stays one).
TEST_F(SvgReplay, KeepsItsCodecAndAlignmentUnlessTold) {
  const std::string folder = FixturePath("typing-long");
  const std::vector<std::string> made_with = {"--codec", "webp", "--align",
                                              "4"};
  const std::string svg = Replay(folder, "w4.svg", made_with);
  EXPECT_TRUE(Contains(
      ReadFile(svg), "<metadata>svgcast 2 --codec webp --align 4</metadata>"));
  EXPECT_TRUE(ReadFile(Replay(svg, "again.svg")) == ReadFile(svg));
  std::vector<std::string> trim = {"--start", "300"};
  const std::string trimmed = ReadFile(Replay(svg, "trimmed.svg", trim));
  trim.insert(trim.end(), made_with.begin(), made_with.end());
  EXPECT_TRUE(trimmed == ReadFile(Replay(folder, "trimmed-frames.svg", trim)));
  // Told otherwise: the defaults, as from the frames.
  EXPECT_TRUE(
      ReadFile(Replay(svg, "png.svg", {"--codec", "png", "--align", "2"})) ==
      ReadFile(Replay(folder, "png-frames.svg")));
  // One told, the other kept.
  EXPECT_TRUE(ReadFile(Replay(svg, "png4.svg", {"--codec", "png"})) ==
              ReadFile(Replay(folder, "png4-frames.svg", {"--align", "4"})));
  // Not quiet: it says what it kept.
  const CommandResult r =
      RunSvgcast({"replay", svg, "-o", dir_.File("said.svg"), "--align", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, svg + " was made with --codec webp: so is this"));
}

// An SVG that loops keeps its loop and hold unless told otherwise:
// trimmed, it still loops.
TEST_F(SvgReplay, KeepsItsLoopAndHoldUnlessTold) {
  const std::string folder = FixturePath("typing-long");
  const std::vector<std::string> made_with = {"--loop", "--hold", "700"};
  const std::string svg = Replay(folder, "loop.svg", made_with);
  EXPECT_TRUE(ReadFile(Replay(svg, "again.svg")) == ReadFile(svg));
  std::vector<std::string> trim = {"--start", "300", "--end", "1200"};
  const std::string trimmed = ReadFile(Replay(svg, "trimmed.svg", trim));
  trim.insert(trim.end(), made_with.begin(), made_with.end());
  EXPECT_TRUE(trimmed == ReadFile(Replay(folder, "trimmed-frames.svg", trim)));
  // --hold alone: the loop kept, with that hold.
  EXPECT_TRUE(
      ReadFile(Replay(svg, "hold.svg", {"--hold", "300"})) ==
      ReadFile(Replay(folder, "hold-frames.svg", {"--loop", "--hold", "300"})));
  // --loop given: its hold kept all the same.
  EXPECT_TRUE(ReadFile(Replay(svg, "looped.svg", {"--loop"})) == ReadFile(svg));
  // --no-loop: once, as from the frames without --loop.
  EXPECT_TRUE(ReadFile(Replay(svg, "once.svg", {"--no-loop"})) ==
              ReadFile(Replay(folder, "once-frames.svg")));
  // Not quiet: it says what it kept.
  const CommandResult r = RunSvgcast({"replay", svg, "-o", dir_.File("s.svg")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      Contains(r.err, svg + " was made with --loop --hold 700ms: so is this"));
  // --loop and --no-loop together: a usage error.
  EXPECT_EQ(RunSvgcast({"replay", svg, "-o", dir_.File("both.svg"), "--loop",
                        "--no-loop"})
                .exit_code,
            2);
  EXPECT_FALSE(FileExists(dir_.File("both.svg")));
}

// The SVG is read whole before the output is written, so it can be
// replaced by its own re-encoding.
TEST_F(SvgReplay, IntoItself) {
  const std::string folder = FixturePath("emoji");
  const std::string svg = Replay(folder, "demo.svg");
  const std::string expected =
      ReadFile(Replay(folder, "small.svg", {"--colors", "4"}));
  Replay(svg, "demo.svg", {"--colors", "4"});
  EXPECT_TRUE(ReadFile(svg) == expected);
}

TEST_F(SvgReplay, OneLineErrorsAndNoFile) {
  const std::string out = dir_.File("out.svg");
  const std::string svg = Replay(FixturePath("boxes"), "boxes.svg");
  const std::string bad = dir_.File("bad.svg");
  WriteFile(bad, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  const std::string cut = dir_.File("cut.svg");
  WriteFile(cut, ReadFile(svg).substr(0, ReadFile(svg).size() / 2));
  const struct {
    std::vector<std::string> args;
    std::string says;
    int exit_code;  // 2: the command line itself
  } cases[] = {
      {{"replay", bad, "-o", out}, bad + ": not an svgcast SVG", 1},
      {{"replay", cut, "-o", out}, cut + ": not an svgcast SVG (XML error", 1},
      {{"replay", svg, "-o", out, "--fps", "10"}, "--fps: " + svg, 2},
      {{"replay", svg, "-o", out, "--start", "60s"}, "--start 60000 ms", 1},
      {{"replay", svg, "-o", out, "--hold", "300"},
       "--hold: only with --loop (" + svg + " plays once",
       2},
      {{"replay", svg, "-o", out, "--no-loop", "--hold", "300"},
       "--hold: only with --loop (without it",
       2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.says);
    const CommandResult r = RunSvgcast(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code);
    EXPECT_TRUE(Contains(r.err, c.says));
    EXPECT_EQ(Count(r.err, "\n"), 1) << r.err;
    EXPECT_FALSE(FileExists(out));
  }
}

}  // namespace
}  // namespace svgcast::test
