// `-` as the input of convert, replay and extract (app/standard_input.h),
// through the binary with its standard input a pipe: the same output as
// from the file, errors that name `-`, and nothing left in $TMPDIR.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class StandardInputTest : public ::testing::Test {
 protected:
  // svgcast `args` with `file` piped into its standard input (a pipe, not
  // the file: `cat file | svgcast ...`), $TMPDIR in tmp_.
  CommandResult Piped(const std::string& file,
                      const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env",
                                     "TMPDIR=" + tmp_.path(),
                                     "sh",
                                     "-c",
                                     "f=$1; shift; cat \"$f\" | \"$@\"",
                                     "sh",
                                     file,
                                     SVGCAST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv);
  }

  TempDir in_;
  TempDir out_;
  TempDir tmp_;
};

TEST_F(StandardInputTest, ConvertReadsAVideoFromAPipe) {
  if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  const std::string video = in_.File("boxes.mkv");
  ASSERT_TRUE(MakeVideo(FixturePath("boxes"), VideoKind::kLosslessMkv, video));
  const std::string direct = out_.File("direct.svg");
  ASSERT_EQ(RunSvgcast({"convert", video, "-o", direct, "-q"}).exit_code, 0);

  const std::string piped = out_.File("piped.svg");
  const CommandResult r = Piped(video, {"convert", "-", "-o", piped, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(ReadFile(piped), ReadFile(direct));
  EXPECT_TRUE(DecodesToFrames(piped, FixturePath("boxes")));
  // (--colors reads the video twice more.)
  const CommandResult twice =
      Piped(video, {"convert", "-", "-o", piped, "-q", "--colors", "16"});
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(ListFolder(tmp_.path()), std::vector<std::string>{});
}

// A file redirected in (`< file`) is read where it is: with $TMPDIR a
// folder that does not exist, it still works, and a pipe cannot be copied.
TEST_F(StandardInputTest, AFileRedirectedInIsNotCopied) {
  const std::string svg = in_.File("boxes.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg, "-q"}).exit_code,
      0);
  const std::string again = out_.File("again.svg");
  const std::string missing = tmp_.File("missing");
  const CommandResult redirected = RunProgram(
      {"env", "TMPDIR=" + missing, "sh", "-c", "f=$1; shift; \"$@\" < \"$f\"",
       "sh", svg, SVGCAST_BINARY, "replay", "-", "-o", again, "-q"});
  ASSERT_EQ(redirected.exit_code, 0) << redirected.err;
  EXPECT_EQ(ReadFile(again), ReadFile(svg));

  const CommandResult piped =
      RunProgram({"env", "TMPDIR=" + missing, "sh", "-c",
                  "f=$1; shift; cat \"$f\" | \"$@\"", "sh", svg, SVGCAST_BINARY,
                  "replay", "-", "-o", out_.File("x.svg")});
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_EQ(piped.err, "svgcast: -: cannot copy standard input into " +
                           missing + ": No such file or directory\n");
}

TEST_F(StandardInputTest, ReplayAndExtractReadAnSvgFromAPipe) {
  const std::string svg = in_.File("boxes.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg, "-q"}).exit_code,
      0);
  const std::string again = out_.File("again.svg");
  const CommandResult replayed = Piped(svg, {"replay", "-", "-o", again, "-q"});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_EQ(ReadFile(again), ReadFile(svg));  // the same settings: same bytes

  const std::string direct = out_.File("direct");
  ASSERT_EQ(RunSvgcast({"extract", svg, direct, "-q"}).exit_code, 0);
  const std::string piped = out_.File("piped");
  const CommandResult extracted = Piped(svg, {"extract", "-", piped});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  EXPECT_EQ(extracted.err, "svgcast: extracted " +
                               std::to_string(ListFolder(direct).size() - 1) +
                               " frames from - into " + piped + "\n");
  EXPECT_EQ(ListFolder(piped), ListFolder(direct));
  for (const std::string& name : ListFolder(direct)) {
    EXPECT_EQ(ReadFile(piped + "/" + name), ReadFile(direct + "/" + name))
        << name;
  }
  EXPECT_EQ(ListFolder(tmp_.path()), std::vector<std::string>{});
}

// A pipe named on the command line (bash's `<(...)`) is read as standard
// input is: copied, then read as often as needed (--colors: twice).
TEST_F(StandardInputTest, APipeByNameIsReadAsStandardInputIs) {
  const std::string svg = in_.File("boxes.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg, "-q"}).exit_code,
      0);
  const auto by_name = [&](const std::string& file, const std::string& command,
                           const std::string& out,
                           const std::string& more = "") {
    return RunProgram({"env", "TMPDIR=" + tmp_.path(), "bash", "-c",
                       "\"$0\" " + command + " <(cat \"$1\") " +
                           (command == "extract" ? "" : "-o ") + "\"$2\" -q " +
                           more,
                       SVGCAST_BINARY, file, out});
  };
  const std::string again = out_.File("again.svg");
  const CommandResult replayed = by_name(svg, "replay", again);
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_EQ(ReadFile(again), ReadFile(svg));
  const CommandResult fewer =
      by_name(svg, "replay", out_.File("16.svg"), "--colors 16");
  ASSERT_EQ(fewer.exit_code, 0) << fewer.err;
  const CommandResult extracted = by_name(svg, "extract", out_.File("frames"));
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  EXPECT_TRUE(DecodesToFrames(svg, out_.File("frames")));
  if (HaveFfmpeg()) {
    const std::string video = in_.File("boxes.mkv");
    ASSERT_TRUE(
        MakeVideo(FixturePath("boxes"), VideoKind::kLosslessMkv, video));
    const std::string converted = out_.File("converted.svg");
    const CommandResult r = by_name(video, "convert", converted);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(DecodesToFrames(converted, FixturePath("boxes")));
  }
  EXPECT_EQ(ListFolder(tmp_.path()), std::vector<std::string>{});
}

// Each error is one line naming `-`, and writes nothing.
TEST_F(StandardInputTest, ErrorsNameIt) {
  const std::string empty = in_.File("empty");
  WriteFile(empty, "");
  const std::string text = in_.File("notes.txt");
  WriteFile(text, "these are not the frames you are looking for\n");
  const std::string out = out_.File("out.svg");
  struct Case {
    std::string input;
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<Case> cases = {
      {empty,
       {"replay", "-", "-o", out},
       "svgcast: -: nothing on standard input\n"},
      {empty,
       {"extract", "-", out_.File("frames")},
       "svgcast: -: nothing on standard input\n"},
      {text,
       {"replay", "-", "-o", out},
       "svgcast: -: not an svgcast SVG (text outside the root element)\n"},
      {text,
       {"extract", "-", out_.File("frames")},
       "svgcast: -: not an svgcast SVG (text outside the root element)\n"},
  };
  if (HaveFfmpeg()) {
    cases.push_back({empty,
                     {"convert", "-", "-o", out},
                     "svgcast: -: nothing on standard input\n"});
    cases.push_back({text,
                     {"convert", "-", "-o", out},
                     "svgcast: -: not a video FFmpeg can read (Invalid data "
                     "found when processing input)\n"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.front() + " < " + c.input);
    const CommandResult r = Piped(c.input, c.args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, c.error);
    EXPECT_EQ(ListFolder(out_.path()), std::vector<std::string>{});
  }
  EXPECT_EQ(ListFolder(tmp_.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace svgcast::test
