// `svgcast profile`: the same capture twice, processing offloaded and
// inline, with both frame-timer summaries side by side; on replayed frames
// paced in real time (no screen needed) and on a live display.
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

TEST(Profile, BadReplayFolderIsAnError) {
  const CommandResult r = RunSvgcast({"profile", "--replay", "/nonexistent"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "/nonexistent"));
}

}  // namespace
}  // namespace svgcast::test
