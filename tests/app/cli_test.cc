// The svgcast command line: help, version, usage errors, replay, extract.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// Exactly one line, ending in a newline, starting with "svgcast: ".
::testing::AssertionResult IsOneErrorLine(const std::string& err) {
  if (err.rfind("svgcast: ", 0) != 0 || err.empty() || err.back() != '\n' ||
      err.find('\n') != err.size() - 1) {
    return ::testing::AssertionFailure()
           << "not one \"svgcast: \" line: \"" << err << "\"";
  }
  return ::testing::AssertionSuccess();
}

cv::Mat ReadPngOrDie(const std::string& path) {
  cv::Mat pixels;
  const Status s = ReadPngFile(path, &pixels);
  EXPECT_TRUE(s.ok()) << s.message();
  return pixels;
}

struct Shown {
  std::string file;  // the fixture frame
  std::string time;  // as FormatMilliseconds writes it
};

// The frames of a fixture folder that differ from the frame before (and the
// first): what an extract of its SVG must give back, in order.
std::vector<Shown> ChangedFrames(const std::string& folder) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  const Status s = ParseManifest(ReadFile(manifest), manifest, &entries);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<Shown> changed;
  cv::Mat previous;
  for (const ManifestEntry& entry : entries) {
    const cv::Mat frame = ReadPngOrDie(folder + "/" + entry.file);
    if (previous.empty() || !SamePixels(previous, frame)) {
      changed.push_back(
          {entry.file, FormatMilliseconds(entry.timestamp_us -
                                          entries.front().timestamp_us)});
    }
    previous = frame;
  }
  return changed;
}

std::string FrameName(size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "%05zu.png", i);
  return name;
}

TEST(Cli, HelpListsTheCommands) {
  const CommandResult r = RunSvgcast({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "replay"));
  EXPECT_TRUE(Contains(r.out, "extract"));
  EXPECT_TRUE(Contains(r.out, "--version"));
  // The exit statuses the other tests check, each once.
  for (const char* status :
       {"Exit status: 0 done;", "; 1 an error", "; 2 a bad command line",
        "; 3 the source ended early", "; 130 stopped by Ctrl-C"}) {
    EXPECT_TRUE(Contains(r.out, status));
  }
}

TEST(Cli, SubcommandHelp) {
  const CommandResult r = RunSvgcast({"replay", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* option : {"--output", "--fps", "--threads", "--cache-mb"}) {
    EXPECT_TRUE(Contains(r.out, option));
  }
  // (A replay reads frames as fast as processing takes them: dropping at
  // the cache's cap kept the first frames and dropped all the rest.)
  EXPECT_FALSE(Contains(r.out, "--when-full"));
}

TEST(Cli, Version) {
  const CommandResult r = RunSvgcast({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("svgcast ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
}

TEST(Cli, NoSubcommandIsAnError) {
  const CommandResult r = RunSvgcast({});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(r.err));
  EXPECT_TRUE(Contains(r.err, "subcommand"));
  EXPECT_EQ(r.out, "");
}

TEST(Cli, UnknownOptionIsAnError) {
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const CommandResult r =
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg, "--bogus"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(r.err));
  EXPECT_TRUE(Contains(r.err, "--bogus"));
  EXPECT_FALSE(FileExists(svg));

  const CommandResult top = RunSvgcast({"--bogus"});
  EXPECT_NE(top.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(top.err));
}

TEST(Cli, MissingRequiredOptionIsAnError) {
  const CommandResult r = RunSvgcast({"replay", FixturePath("boxes")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(r.err));
  EXPECT_TRUE(Contains(r.err, "--output"));
}

TEST(Cli, BadOptionValueIsAnError) {
  TempDir dir;
  const CommandResult r = RunSvgcast({"replay", FixturePath("boxes"), "-o",
                                      dir.File("out.svg"), "--threads", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(r.err));
  EXPECT_TRUE(Contains(r.err, "--threads"));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

// Not-a-number and infinity where a fraction is taken (CLI11's range check
// lets NaN through; --speed nan overflowed the times): one line naming the
// option, no file.
TEST(Cli, NumbersThatAreNotNumbersAreErrors) {
  const std::string video = FixturePath("boxes/000.png");  // (not read)
  const std::vector<std::vector<std::string>> cases = {
      {"replay", FixturePath("boxes"), "--speed", "nan"},
      {"replay", FixturePath("boxes"), "--fps", "nan"},
      {"replay", FixturePath("boxes"), "--fps", "inf"},
      {"convert", video, "--scale", "nan"},
      {"convert", video, "--max-fps", "-nan"},
      {"record", "--fps", "nan"},
      {"record", "--speed", "infinity"},
      {"replay", FixturePath("boxes"), "--speed", "0x10"},  // (was 16)
  };
  for (const std::vector<std::string>& args : cases) {
    TempDir dir;
    std::vector<std::string> command = args;
    command.insert(command.end(), {"-o", dir.File("out.svg")});
    const CommandResult r = RunSvgcast(command);
    EXPECT_NE(r.exit_code, 0) << args[2];
    EXPECT_TRUE(IsOneErrorLine(r.err)) << r.err;
    EXPECT_TRUE(Contains(r.err, args[args.size() - 2] + ": '" + args.back() +
                                    "' is not a number from "));
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

// A count below 0 (CLI11 read "-3" as 2^64 - 3: no cap), too large, not
// whole or not a number: one line naming the option and the range, no
// file.
TEST(Cli, CountsOutOfRangeOrNotWholeAreErrors) {
  const std::string video = FixturePath("boxes/000.png");  // (not read)
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"replay", FixturePath("boxes"), "--cache-mb", "-3"},
       "from 0 to 1000000000"},
      {{"replay", FixturePath("boxes"), "--cache-mb", "20000000000000"},
       "from 0 to 1000000000"},
      {{"replay", FixturePath("boxes"), "--cache-frames", "-1"}, "(0 or more)"},
      {{"replay", FixturePath("boxes"), "--threads", "abc"}, "from 1 to 256"},
      {{"convert", video, "--cache-mb", "1.5"}, "from 0 to 1000000000"},
      {{"convert", video, "--tolerance", "256"}, "from 0 to 255"},
      {{"record", "--cache-frames", "-2"}, "(0 or more)"},
      {{"record", "--countdown", "1s"}, "from 0 to 60"},
  };
  for (const auto& [args, range] : cases) {
    TempDir dir;
    std::vector<std::string> command = args;
    command.insert(command.end(), {"-o", dir.File("out.svg")});
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, 2) << args[args.size() - 2];
    EXPECT_TRUE(IsOneErrorLine(r.err)) << r.err;
    EXPECT_TRUE(Contains(r.err, args[args.size() - 2] + ": '" + args.back() +
                                    "' is not a whole number " + range))
        << r.err;
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

// An option that takes a name lists the names in the help, takes them in
// any case, and refuses anything else (numbers too) with the list.
TEST(Cli, NamedValuesListedTakenAndRefused) {
  const CommandResult help = RunSvgcast({"replay", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* shown :
       {"--codec {png,webp}=png", "--effort {fast,default,max}=default"}) {
    EXPECT_TRUE(Contains(help.out, shown)) << shown;
  }
  const std::string record_help = RunSvgcast({"record", "--help"}).out;
  EXPECT_TRUE(
      Contains(record_help, "--processing {offloaded,inline}=offloaded"));
  EXPECT_TRUE(Contains(record_help, "--when-full {wait,drop}=drop"));
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const CommandResult upper = RunSvgcast(
      {"replay", FixturePath("typing"), "-o", svg, "-q", "--codec", "WebP"});
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
  EXPECT_TRUE(Contains(ReadFile(svg), "svgcast 2 --codec webp"));
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--codec", "gif"}, "--codec: 'gif' is not one of png, webp"},
      {{"--codec", "2"}, "--codec: '2' is not one of png, webp"},
      {{"--effort", "9"}, "--effort: '9' is not one of fast, default, max"},
  };
  for (const auto& [args, says] : cases) {
    SCOPED_TRACE(says);
    std::vector<std::string> command = {"replay", FixturePath("typing"), "-o",
                                        dir.File("bad.svg")};
    command.insert(command.end(), args.begin(), args.end());
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(IsOneErrorLine(r.err));
    EXPECT_TRUE(Contains(r.err, says)) << r.err;
    EXPECT_FALSE(FileExists(dir.File("bad.svg")));
  }
}

// The playback options' own errors: one line naming the option, no file;
// exit status 2 for the command line itself, 1 for a trim past the input.
TEST(Cli, BadPlaybackOptionsAreErrors) {
  const struct {
    std::vector<std::string> args;
    std::string error;
    int exit_code;
  } cases[] = {
      {{"--hold", "500"}, "--hold: only with --loop", 2},
      {{"--loop", "--hold", "soon"}, "--hold: 'soon' is not a duration", 2},
      {{"--idle-limit", "0"}, "--idle-limit: '0': must be more than 0", 2},
      {{"--idle-limit", "0.0004"},
       "--idle-limit: '0.0004': must be at least a microsecond",
       2},
      // (An empty value was taken for no option at all.)
      {{"--start", ""}, "--start: '' is not a duration", 2},
      {{"--loop", "--hold", ""}, "--hold: '' is not a duration", 2},
      {{"--speed", "0"}, "--speed", 2},
      {{"--start", "500", "--end", "400"}, "--end 400: not after --start", 2},
      {{"--start", "9s"}, "--start 9000 ms: after the last frame", 1},
      // (A duration, but past the longest: said so, not "not a duration".)
      {{"--loop", "--hold", "1000000001s"},
       "--hold: '1000000001s' is more than 1000000000000 ms (31 years)",
       2},
  };
  for (const auto& [args, error, exit_code] : cases) {
    TempDir dir;
    std::vector<std::string> command = {"replay", FixturePath("boxes"), "-o",
                                        dir.File("out.svg")};
    command.insert(command.end(), args.begin(), args.end());
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, exit_code) << error;
    EXPECT_TRUE(IsOneErrorLine(r.err)) << r.err;
    EXPECT_TRUE(Contains(r.err, error));
    // A command-line error points to --help, as CLI11's own errors do.
    EXPECT_EQ(Contains(r.err, " (see svgcast replay --help)\n"), exit_code == 2)
        << r.err;
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

// record's own option errors come before anything is recorded (with
// --colors too, whose timing is applied by a replay after recording):
// one line, exit status 2, no file, no virtual display started.
TEST(Cli, RecordChecksItsOptionsBeforeRecording) {
  const struct {
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {{"--hold", "500"}, "--hold: only with --loop"},
      {{"--colors", "8", "--hold", "500"}, "--hold: only with --loop"},
      {{"--colors", "8", "--idle-limit", "0"},
       "--idle-limit: '0': must be more than 0"},
      {{"--region", "abc"}, "--region: 'abc' is not a region"},
      {{"--duration", "soon"}, "--duration: 'soon' is not a duration"},
      {{"--display", ":5"}, "--display: not with a command"},
      {{"--when-full", "1"}, "--when-full: '1' is not one of wait, drop"},
      // (An empty value was taken for no option at all: the whole screen.)
      {{"--window", ""}, "--window: '' is empty"},
      {{"--monitor", ""}, "--monitor: '' is empty"},
      {{"--region", ""}, "--region: '' is empty"},
      {{"--display", ""}, "--display: '' is empty"},
      {{"--timer-log", ""}, "--timer-log: '' is empty"},
      {{"--timer-plot", ""}, "--timer-plot: '' is empty"},
  };
  for (const auto& [args, error] : cases) {
    SCOPED_TRACE(error);
    TempDir dir;
    std::vector<std::string> command = {"record", "-o", dir.File("out.svg")};
    command.insert(command.end(), args.begin(), args.end());
    command.insert(command.end(), {"--", "true"});
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(IsOneErrorLine(r.err)) << r.err;
    EXPECT_TRUE(Contains(r.err, "svgcast: " + error));
    EXPECT_TRUE(Contains(r.err, " (see svgcast record --help)\n")) << r.err;
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

// --size sizes the virtual display of a command: with an existing display
// it would be silently ignored, so it is refused (before anything opens
// the display, which here does not exist).
TEST(Cli, SizeIsOnlyForACommand) {
  for (const char* command : {"record", "profile"}) {
    SCOPED_TRACE(command);
    TempDir dir;
    std::vector<std::string> args = {command, "--display", ":99999", "--size",
                                     "640x480"};
    if (command == std::string("record")) {
      args.insert(args.end(), {"-o", dir.File("out.svg")});
    }
    const CommandResult r = RunSvgcast(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(IsOneErrorLine(r.err));
    EXPECT_TRUE(Contains(r.err, "svgcast: --size: only with a command"));
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

// The largest times svgcast takes (31 years, capture/frame.h), slowed down
// as far as --speed goes and held as long as --hold goes: exact times in
// the SVG, no overflow (the sanitizer builds would stop at one). An SVG
// that runs past 31 years is not read back: one line, no file.
TEST(Cli, LatestTimesSlowedDownAndHeld) {
  TempDir in;
  TempDir out;
  CopyFolder(FixturePath("boxes"), in.path());
  WriteFile(in.File("frames.txt"), "000.png 0\n001.png 1000000000000\n");
  const std::string svg = out.File("slow.svg");
  const CommandResult r =
      RunSvgcast({"replay", in.path(), "-o", svg, "-q", "--speed", "0.01",
                  "--loop", "--hold", "1000000000s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = ReadFile(svg);
  EXPECT_TRUE(Contains(text, "--d:100000000000000ms"));
  EXPECT_TRUE(Contains(text, "animation-duration:101000000000000ms"));
  const std::string again = out.File("again.svg");
  const CommandResult back = RunSvgcast({"replay", svg, "-o", again});
  EXPECT_NE(back.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(back.err)) << back.err;
  EXPECT_TRUE(Contains(back.err, svg + ": its loop lasts 101000000000000 ms, "
                                       "past 1000000000000 ms (31 years)"))
      << back.err;
  EXPECT_FALSE(FileExists(again));
}

TEST(Cli, ReplayThenExtract) {
  TempDir dir;
  const std::string folder = FixturePath("boxes");
  const std::string svg = dir.File("out.svg");
  const CommandResult r = RunSvgcast({"replay", folder, "-o", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const std::vector<Shown> changed = ChangedFrames(folder);
  ASSERT_LT(changed.size(), 12u) << "boxes has a repeated frame";
  EXPECT_TRUE(Contains(r.err, "svgcast: wrote " + svg + ": "));
  EXPECT_TRUE(Contains(
      r.err, "frames   12 (" + std::to_string(changed.size()) + " changed, " +
                 std::to_string(12 - changed.size()) + " identical)"));
  // The frames later ones cover (boxes repaints the whole frame twice).
  const std::string written = ReadFile(svg);
  int ends = 0;
  for (size_t at = written.find(";--e:"); at != std::string::npos;
       at = written.find(";--e:", at + 1)) {
    ++ends;
  }
  EXPECT_GT(ends, 0);
  EXPECT_TRUE(Contains(r.err, "identical); " + std::to_string(ends) +
                                  " hidden once later ones cover them\n"));
  ASSERT_TRUE(FileExists(svg));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});

  const std::string frames = dir.File("frames");
  const CommandResult x = RunSvgcast({"extract", svg, frames});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_TRUE(Contains(
      x.err, "extracted " + std::to_string(changed.size()) + " frames"));
  std::vector<std::string> expected_files;
  std::string expected_manifest;
  for (size_t i = 0; i < changed.size(); ++i) {
    expected_files.push_back(FrameName(i));
    expected_manifest += FrameName(i) + " " + changed[i].time + "\n";
  }
  expected_files.push_back("frames.txt");
  EXPECT_EQ(ListFolder(frames), expected_files);
  EXPECT_EQ(ReadFile(frames + "/frames.txt"), expected_manifest);
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_TRUE(SamePixels(ReadPngOrDie(folder + "/" + changed[i].file),
                           ReadPngOrDie(frames + "/" + FrameName(i))))
        << FrameName(i) << " vs " << changed[i].file;
  }
  // What extract wrote is itself a fixture that replays to the same frames.
  EXPECT_TRUE(DecodesToFrames(svg, frames));
}

// Extract again into the same folder, from an SVG with fewer frames: the
// folder then holds the new extract and nothing of the old one, but for
// the files extract did not write, which stay.
TEST(Cli, ExtractAgainReplacesTheEarlierFrames) {
  TempDir dir;
  const std::string boxes = dir.File("boxes.svg");
  const std::string scroll = dir.File("scroll.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", boxes, "-q"}).exit_code,
      0);
  ASSERT_EQ(RunSvgcast({"replay", FixturePath("scroll"), "-o", scroll, "-q"})
                .exit_code,
            0);
  const std::string fresh = dir.File("fresh");
  ASSERT_EQ(RunSvgcast({"extract", scroll, fresh, "-q"}).exit_code, 0);
  const std::string again = dir.File("again");
  ASSERT_EQ(RunSvgcast({"extract", boxes, again, "-q"}).exit_code, 0);
  WriteFile(again + "/notes.txt", "mine");
  WriteFile(again + "/99999.png", "not in frames.txt");
  ASSERT_GT(ListFolder(again).size(), ListFolder(fresh).size() + 2);

  const CommandResult r = RunSvgcast({"extract", scroll, again, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected = ListFolder(fresh);
  expected.push_back("99999.png");
  expected.push_back("notes.txt");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ListFolder(again), expected);
  for (const std::string& name : ListFolder(fresh)) {
    EXPECT_EQ(ReadFile(again + "/" + name), ReadFile(fresh + "/" + name))
        << name;
  }
  EXPECT_EQ(ReadFile(again + "/notes.txt"), "mine");
}

// A folder whose frames.txt is not an extract's (a recording: its times
// would be lost) is left alone: one line, exit 1, nothing written there.
TEST(Cli, ExtractLeavesAFolderWithAnotherFramesTxtAlone) {
  TempDir dir;
  const std::string svg = dir.File("boxes.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg, "-q"}).exit_code,
      0);
  const std::string recording = dir.File("recording");
  ASSERT_TRUE(std::filesystem::create_directory(recording));
  CopyFolder(FixturePath("boxes"), recording);
  const std::vector<std::string> before = ListFolder(recording);
  const std::string manifest = ReadFile(recording + "/frames.txt");
  const CommandResult r = RunSvgcast({"extract", svg, recording, "-q"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(IsOneErrorLine(r.err));
  EXPECT_TRUE(Contains(r.err, recording + "/frames.txt: not an earlier "
                                          "extract's"))
      << r.err;
  EXPECT_EQ(ListFolder(recording), before);
  EXPECT_EQ(ReadFile(recording + "/frames.txt"), manifest);
}

TEST(Cli, QuietReplayPrintsNothing) {
  TempDir dir;
  const CommandResult r = RunSvgcast(
      {"replay", FixturePath("boxes"), "-o", dir.File("out.svg"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, DashWritesTheSvgToStdout) {
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const CommandResult to_file =
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svg});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  const CommandResult to_stdout =
      RunSvgcast({"replay", FixturePath("boxes"), "-o", "-"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_TRUE(Contains(to_stdout.err, "svgcast: wrote stdout: "));
  ASSERT_FALSE(to_stdout.out.empty());
  EXPECT_TRUE(to_stdout.out == ReadFile(svg))
      << "stdout differs from the file (" << to_stdout.out.size() << " vs "
      << ReadFile(svg).size() << " bytes)";
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});
}

// The default cache cap (256 MB) grows to hold the four frames the
// pipeline needs at once: frames of 4100x4000 (65.6 MB) were refused
// unless --cache-mb was raised. A cap given on the command line holds.
TEST(Cli, LargeFramesGrowTheDefaultCacheNotAGivenOne) {
  TempDir dir;
  const std::string folder = dir.File("large");
  std::filesystem::create_directory(folder);
  cv::Mat second = SolidFrame({4100, 4000}, cv::Scalar(255, 255, 255));
  cv::rectangle(second, cv::Rect(100, 200, 40, 30), cv::Scalar(0, 0, 255, 255),
                cv::FILLED);
  WritePngFile(folder + "/0.png", SolidFrame({4100, 4000}, {255, 255, 255}));
  WritePngFile(folder + "/1.png", second);
  WriteFile(folder + "/frames.txt", "0.png 0\n1.png 100\n");
  const std::string svg = dir.File("out.svg");
  const CommandResult r = RunSvgcast({"replay", folder, "-o", svg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(DecodesToFrames(svg, folder));
  const CommandResult capped = RunSvgcast(
      {"replay", folder, "-o", dir.File("capped.svg"), "--cache-mb", "256"});
  EXPECT_EQ(capped.exit_code, 1);
  EXPECT_EQ(capped.err,
            "svgcast: --cache-frames/--cache-mb: the cache must hold 4 frames "
            "of 4100x4000 (263 MB)\n");
}

TEST(Cli, FpsPlaysAFolderWithoutFramesTxtInNaturalOrder) {
  TempDir dir;
  const std::string folder = FixturePath("bare");
  ASSERT_FALSE(FileExists(folder + "/frames.txt"));
  const std::string svg = dir.File("out.svg");

  const CommandResult without = RunSvgcast({"replay", folder, "-o", svg});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_TRUE(IsOneErrorLine(without.err));
  EXPECT_TRUE(Contains(without.err, folder));
  EXPECT_TRUE(Contains(without.err, "--fps"));
  EXPECT_FALSE(FileExists(svg));

  const CommandResult r =
      RunSvgcast({"replay", folder, "--fps", "4", "-o", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "frames   3 (3 changed, 0 identical)"));
  const std::string frames = dir.File("frames");
  const CommandResult x = RunSvgcast({"extract", svg, frames, "-q"});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(x.err, "");
  // 1.png, 2.png, 10.png (not 1, 10, 2), 250 ms apart.
  EXPECT_EQ(ReadFile(frames + "/frames.txt"),
            "00000.png 0\n00001.png 250\n00002.png 500\n");
  const char* order[] = {"1.png", "2.png", "10.png"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(SamePixels(ReadPngOrDie(folder + "/" + order[i]),
                           ReadPngOrDie(frames + "/" + FrameName(i))))
        << order[i];
  }
}

// A looping SVG's frames: frames.txt says how to loop them again (in a
// comment, which replay skips) and so does stderr; replayed that way, the
// folder gives the same bytes as the SVG.
TEST(Cli, ExtractOfALoopSaysHowToLoopIt) {
  TempDir dir;
  const std::string svg = dir.File("loop.svg");
  ASSERT_EQ(RunSvgcast({"replay", FixturePath("typing"), "-o", svg, "-q",
                        "--loop", "--hold", "700"})
                .exit_code,
            0);
  const std::string frames = dir.File("frames");
  const CommandResult x = RunSvgcast({"extract", svg, frames});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_TRUE(Contains(x.err, svg + " loops, which frames.txt cannot say: "
                                    "replay the folder with --loop --hold "
                                    "700ms\n"));
  EXPECT_EQ(ReadFile(frames + "/frames.txt")
                .rfind("# " + svg +
                           " loops: replay with --loop --hold 700ms\n"
                           "00000.png 0\n",
                       0),
            0u);
  const std::string again = dir.File("again.svg");
  ASSERT_EQ(RunSvgcast({"replay", frames, "-o", again, "-q", "--loop", "--hold",
                        "700ms"})
                .exit_code,
            0);
  EXPECT_TRUE(ReadFile(again) == ReadFile(svg));
}

TEST(Cli, FpsOverridesFramesTxtTimes) {
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const CommandResult r = RunSvgcast(
      {"replay", FixturePath("scroll"), "--fps", "8", "-o", svg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string frames = dir.File("frames");
  ASSERT_EQ(RunSvgcast({"extract", svg, frames, "-q"}).exit_code, 0);
  std::vector<ManifestEntry> entries;
  ASSERT_TRUE(
      ParseManifest(ReadFile(frames + "/frames.txt"), "frames.txt", &entries)
          .ok());
  ASSERT_FALSE(entries.empty());
  for (const ManifestEntry& entry : entries) {
    EXPECT_EQ(entry.timestamp_us % 125000, 0) << entry.timestamp_us;
  }
}

// With --fps the times of frames.txt are not used, so times that do not
// increase are no error (without --fps they are).
TEST(Cli, FpsTakesAFramesTxtWhoseTimesDoNotIncrease) {
  TempDir in, out;
  CopyFolder(FixturePath("boxes"), in.path());
  WriteFile(in.File("frames.txt"), "000.png 0\n001.png 0\n002.png 0\n");
  const CommandResult refused =
      RunSvgcast({"replay", in.path(), "-o", out.File("a.svg"), "-q"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(Contains(refused.err, "is not after the previous frame's"));
  const CommandResult r = RunSvgcast(
      {"replay", in.path(), "--fps", "10", "-o", out.File("b.svg"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  WriteFile(in.File("frames.txt"), "000.png 0\n001.png 100\n002.png 200\n");
  EXPECT_TRUE(DecodesToFrames(out.File("b.svg"), in.path()));
}

}  // namespace
}  // namespace svgcast::test
