// `svgcast profile`: the same capture twice, processing offloaded and
// inline, with both frame-timer summaries side by side; on replayed frames
// paced in real time (no screen needed) and on a live display.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/xvfb_server.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

void ExpectComparison(const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "offloaded (svgcast)"));
  EXPECT_TRUE(Contains(r.err, "inline (naive)"));
  for (const char* row :
       {"interval p99", "interval error p99", "late ticks", "skipped ticks",
        "dropped (cache full)", "peak cache", "latency p99"}) {
    EXPECT_TRUE(Contains(r.err, row));
  }
}

TEST(Profile, ReplaysFramesInRealTimeTwice) {
  TempDir keep;
  const CommandResult r = RunSvgcast(
      {"profile", "--replay", FixturePath("boxes"), "--keep", keep.path()});
  ExpectComparison(r);
  // Both runs left a complete SVG, a timer log and a plot.
  EXPECT_EQ(ListFolder(keep.path()),
            (std::vector<std::string>{"inline-timer.csv", "inline-timer.svg",
                                      "inline.svg", "offloaded-timer.csv",
                                      "offloaded-timer.svg", "offloaded.svg"}));
  for (const char* svg : {"inline.svg", "offloaded.svg"}) {
    // Every frame of the 2.2 s sequence was due in real time; a late one
    // may have been skipped, but the SVG is complete and decodes.
    EXPECT_TRUE(Contains(ReadFile(keep.File(svg)), "</svg>"));
    EXPECT_EQ(
        RunSvgcast({"extract", keep.File(svg), keep.File("x"), "-q"}).exit_code,
        0);
  }
  // 12 frames and a header line in each timer log, unless ticks were
  // skipped (then fewer frames, never more).
  const std::string csv = ReadFile(keep.File("offloaded-timer.csv"));
  const auto lines = std::count(csv.begin(), csv.end(), '\n');
  EXPECT_GE(lines, 2);
  EXPECT_LE(lines, 13);
}

// Both runs make their patches as `record` would with the same options:
// here WebP, on multiples of four pixels, scrolled lines repainted. (The
// scrolling terminal's default output is PNG, with moves, and places at
// two pixels: each check fails when profile leaves the options out.)
TEST(Profile, MakesPatchesWithTheOptionsGiven) {
  TempDir keep;
  const CommandResult r =
      RunSvgcast({"profile", "--replay", FixturePath("terminal-odd"), "--keep",
                  keep.path(), "--codec", "webp", "--align", "4", "--no-scroll",
                  "--effort", "fast"});
  ExpectComparison(r);
  for (const char* name : {"inline.svg", "offloaded.svg"}) {
    SCOPED_TRACE(name);
    const std::string svg = ReadFile(keep.File(name));
    EXPECT_TRUE(Contains(svg, "data:image/webp;base64,"));
    EXPECT_EQ(Unaligned(svg, 4), std::vector<std::string>{});
    EXPECT_EQ(Count(svg, "<g id="), 0);  // (no frame shown again, moved)
  }
}

TEST(Profile, RecordsALiveDisplayTwice) {
  std::unique_ptr<XvfbServer> server;
  ASSERT_TRUE(XvfbServer::Start({{160, 120}, 24, true}, &server).ok());
  const CommandResult r = RunSvgcast({"profile", "--display", server->display(),
                                      "--duration", "500ms", "--fps", "20"});
  ExpectComparison(r);
  EXPECT_TRUE(Contains(r.err, "50.0 ms"));  // the period, in both columns
}

// An error is the only line: "profiling ...: 1/2" comes once the run
// starts, not before its checks.
TEST(Profile, BadReplayFolderIsAnError) {
  const CommandResult r = RunSvgcast({"profile", "--replay", "/nonexistent"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "svgcast: /nonexistent: no such folder\n");
}

// With --replay, what only the screen has would be ignored: it is refused
// (exit 2, one line). --timer-log is record's: profile writes both runs'.
TEST(Profile, ScreenOptionsWithAReplayAreRefused) {
  const std::vector<std::vector<std::string>> cases = {
      {"--", "xterm"},      {"--region", "0,0,10x10"}, {"--window", "xterm"},
      {"--monitor", "0"},   {"--countdown", "3"},      {"--cursor"},
      {"--choose-monitor"}, {"--display", ":5"},       {"--size", "100x100"},
  };
  for (const std::vector<std::string>& args : cases) {
    SCOPED_TRACE(args.front());
    std::vector<std::string> command = {"profile", "--replay",
                                        FixturePath("boxes")};
    command.insert(command.end(), args.begin(), args.end());
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(
        r.err, "svgcast: " +
                   (args.front() == "--" ? std::string("a command after --")
                                         : args.front()) +
                   ": not with --replay"))
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const CommandResult r = RunSvgcast(
      {"profile", "--replay", FixturePath("boxes"), "--timer-log", "x.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "--timer-log")) << r.err;
}

// The summary says which scheduling the capture thread had, also when
// --no-realtime asked for none (the row was left out).
TEST(Profile, SaysTheSchedulingWithoutRealtimeToo) {
  const CommandResult r =
      RunSvgcast({"profile", "--replay", FixturePath("boxes"), "--duration",
                  "200ms", "--no-realtime"});
  ExpectComparison(r);
  EXPECT_TRUE(Contains(r.err, "normal (--no-realtime)")) << r.err;
}

// --duration ends each replay there (boxes runs 2.2 s; its frames at 0,
// 100 and 150 ms are due before 200 ms, the next at 200 ms is not).
TEST(Profile, DurationCutsAReplayShort) {
  TempDir keep;
  const CommandResult r =
      RunSvgcast({"profile", "--replay", FixturePath("boxes"), "--duration",
                  "200ms", "--keep", keep.path()});
  ExpectComparison(r);
  for (const char* csv : {"offloaded-timer.csv", "inline-timer.csv"}) {
    const std::string rows = ReadFile(keep.File(csv));
    EXPECT_LE(std::count(rows.begin(), rows.end(), '\n'), 4) << rows;
  }
}

}  // namespace
}  // namespace svgcast::test
