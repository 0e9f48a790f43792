// FrameTimer: the summary (nearest-rank percentiles, interval errors, late,
// skipped and dropped ticks, cache peaks, processing latency), its text
// forms, the CSV and the SVG plot, write errors, and recording from two
// threads at once.
#include "capture/frame_timer.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kPeriod = 10 * kMs;
constexpr int64_t kBase = 1'000'000 * kMs;  // 1000 s on the monotonic clock

void ExpectSummary(const TimerSummary& expected, const TimerSummary& actual) {
  EXPECT_EQ(actual.frames, expected.frames);
  EXPECT_EQ(actual.duration_s, expected.duration_s);
  EXPECT_EQ(actual.period_ms, expected.period_ms);
  EXPECT_EQ(actual.interval_p50_ms, expected.interval_p50_ms);
  EXPECT_EQ(actual.interval_p95_ms, expected.interval_p95_ms);
  EXPECT_EQ(actual.interval_p99_ms, expected.interval_p99_ms);
  EXPECT_EQ(actual.interval_max_ms, expected.interval_max_ms);
  EXPECT_EQ(actual.interval_error_p99_ms, expected.interval_error_p99_ms);
  EXPECT_EQ(actual.interval_error_max_ms, expected.interval_error_max_ms);
  EXPECT_EQ(actual.late_ticks, expected.late_ticks);
  EXPECT_EQ(actual.skipped_ticks, expected.skipped_ticks);
  EXPECT_EQ(actual.dropped_cache_full, expected.dropped_cache_full);
  EXPECT_EQ(actual.peak_cache_frames, expected.peak_cache_frames);
  EXPECT_EQ(actual.peak_cache_bytes, expected.peak_cache_bytes);
  EXPECT_EQ(actual.latency_p50_ms, expected.latency_p50_ms);
  EXPECT_EQ(actual.latency_p99_ms, expected.latency_p99_ms);
  EXPECT_EQ(actual.processed_frames, expected.processed_frames);
}

// Six paced frames with hand-computed results (see MixedRun below).
void RecordMixedRun(FrameTimer& timer) {
  // seq, deadline, capture start, capture end, cache frames and bytes.
  // Tick 4 was skipped (frame 4 is at deadline 5P).
  timer.OnCaptured({0, kBase, kBase, kBase + 1 * kMs, 1, 100, 0});
  timer.OnCaptured(
      {1, kBase + kPeriod, kBase + 12 * kMs, kBase + 13 * kMs, 3, 300, 0});
  timer.OnSkippedTicks(1);
  timer.OnCaptured({2, kBase + 2 * kPeriod, kBase + 22 * kMs + 1,
                    kBase + 23 * kMs + 1, 5, 400, 0});
  timer.OnDropped(DropReason::kCacheFull);
  timer.OnCaptured({3, kBase + 3 * kPeriod, kBase + 30'500'000,
                    kBase + 31'500'000, 2, 900, 0});
  timer.OnSkippedTicks(2);
  timer.OnCaptured(
      {4, kBase + 5 * kPeriod, kBase + 53 * kMs, kBase + 54 * kMs, 4, 600, 0});
  timer.OnDropped(DropReason::kCacheFull);
  timer.OnCaptured({5, kBase + 6 * kPeriod, kBase + 60'100'000,
                    kBase + 61'100'000, 1, 100, 0});
  // Processed out of order; 2 and 5 never are.
  timer.OnProcessed(4, kBase + 54 * kMs + 1 * kMs);    // latency 1 ms
  timer.OnProcessed(0, kBase + 1 * kMs + 4 * kMs);     // 4 ms
  timer.OnProcessed(3, kBase + 31'500'000 + 7 * kMs);  // 7 ms
  timer.OnProcessed(1, kBase + 13 * kMs + 20 * kMs);   // 20 ms
  timer.OnProcessed(17, kBase + 99 * kMs);             // not a frame: ignored
}

TimerSummary MixedRunSummary() {
  TimerSummary s;
  s.frames = 6;
  s.duration_s = 0.0601;
  s.period_ms = 10;
  // Intervals 12, 10.000001, 8.499999, 22.5, 7.1 ms; sorted 7.1, 8.499999,
  // 10.000001, 12, 22.5: p50 is rank 3, p95 and p99 rank 5.
  s.interval_p50_ms = 10.000001;
  s.interval_p95_ms = 22.5;
  s.interval_p99_ms = 22.5;
  s.interval_max_ms = 22.5;
  // Errors 2, 0.000001, 1.500001, 12.5, 2.9 ms.
  s.interval_error_p99_ms = 12.5;
  s.interval_error_max_ms = 12.5;
  // Late by 0, 2 (not more than the threshold), 2.000001, 0.5, 3, 0.1 ms.
  s.late_ticks = 2;
  s.skipped_ticks = 3;
  s.dropped_cache_full = 2;
  s.peak_cache_frames = 5;   // frame 2
  s.peak_cache_bytes = 900;  // frame 3
  // Latencies 1, 4, 7, 20 ms: p50 is rank 2, p99 rank 4.
  s.latency_p50_ms = 4;
  s.latency_p99_ms = 20;
  s.processed_frames = 4;
  return s;
}

TEST(FrameTimerTest, MixedRun) {
  FrameTimer timer(kPeriod);
  RecordMixedRun(timer);
  ExpectSummary(MixedRunSummary(), timer.Summarize());
  // Late by 0, 2, 2.000001, 0.5, 3, 0.1 ms: p99 is rank 6 of 6.
  EXPECT_EQ(timer.Summarize().lateness_p99_ms, 3);
  EXPECT_EQ(timer.Summarize().lateness_max_ms, 3);
  const std::vector<FrameTimes> rows = timer.rows();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[2].processed_ns, 0);
  EXPECT_EQ(rows[4].processed_ns, kBase + 55 * kMs);
}

TEST(FrameTimerTest, PercentilesAreNearestRank) {
  // 201 frames, 200 intervals of P + k us for k = 1..200 in a scrambled
  // order: sorted, rank r holds P + r us.
  FrameTimer timer(kPeriod);
  int64_t start = kBase;
  for (uint64_t seq = 0; seq <= 200; ++seq) {
    if (seq > 0)
      start += kPeriod + static_cast<int64_t>(seq * 7 % 200 + 1) * 1000;
    timer.OnCaptured({seq, 0, start, start + kMs, 0, 0, 0});
  }
  TimerSummary expected;
  expected.frames = 201;
  expected.duration_s =
      static_cast<double>(200 * kPeriod + 200 * 201 / 2 * 1000) / 1e9;
  expected.period_ms = 10;
  expected.interval_p50_ms = 10.1;    // rank 100
  expected.interval_p95_ms = 10.19;   // rank 190
  expected.interval_p99_ms = 10.198;  // rank 198
  expected.interval_max_ms = 10.2;
  expected.interval_error_p99_ms = 0.198;
  expected.interval_error_max_ms = 0.2;
  ExpectSummary(expected, timer.Summarize());
}

TEST(FrameTimerTest, PercentileRanksRoundUp) {
  // 12 intervals of 1..12 ms, scrambled: p95 is rank ceil(11.4) = 12 (a
  // rounded rank would be 11), p50 rank 6, p99 rank ceil(11.88) = 12.
  FrameTimer timer(0);
  int64_t start = kBase;
  timer.OnCaptured({0, 0, start, start, 0, 0, 0});
  for (uint64_t seq = 1; seq <= 12; ++seq) {
    start += static_cast<int64_t>(seq * 5 % 12 + 1) * kMs;
    timer.OnCaptured({seq, 0, start, start, 0, 0, 0});
  }
  TimerSummary expected;
  expected.frames = 13;
  expected.duration_s = 0.078;  // 1 + 2 + ... + 12 ms
  expected.interval_p50_ms = 6;
  expected.interval_p95_ms = 12;
  expected.interval_p99_ms = 12;
  expected.interval_max_ms = 12;
  ExpectSummary(expected, timer.Summarize());
}

TEST(FrameTimerTest, EvenCountMedianIsTheLowerMiddle) {
  // Intervals 4, 1, 3, 2 ms: nearest rank 2 of 4 is 2 ms (no averaging).
  FrameTimer timer(0);
  const int64_t starts[] = {0, 4 * kMs, 5 * kMs, 8 * kMs, 10 * kMs};
  for (uint64_t i = 0; i < 5; ++i) {
    timer.OnCaptured(
        {i, 0, kBase + starts[i], kBase + starts[i] + 1, 0, 0,
         kBase + starts[i] + 1 + static_cast<int64_t>(i + 1) * kMs});
  }
  TimerSummary expected;
  expected.frames = 5;
  expected.duration_s = 0.01;
  expected.interval_p50_ms = 2;
  expected.interval_p95_ms = 4;
  expected.interval_p99_ms = 4;
  expected.interval_max_ms = 4;
  // Unpaced: no errors, nothing late. Latencies 1..5 ms: rank 3 and 5.
  expected.latency_p50_ms = 3;
  expected.latency_p99_ms = 5;
  expected.processed_frames = 5;
  ExpectSummary(expected, timer.Summarize());
}

TEST(FrameTimerTest, UnpacedRowsAreNeverLate) {
  // A paced timer whose source gave no deadline (0) for some frames.
  FrameTimer timer(kPeriod);
  timer.OnCaptured({0, 0, kBase, kBase, 0, 0, 0});
  timer.OnCaptured({1, 0, kBase + 100 * kMs, kBase + 100 * kMs, 0, 0, 0});
  timer.OnCaptured(
      {2, kBase + 100 * kMs, kBase + 103 * kMs, kBase + 103 * kMs, 0, 0, 0});
  const TimerSummary s = timer.Summarize();
  EXPECT_EQ(s.late_ticks, 1u);
  EXPECT_EQ(s.interval_error_max_ms, 90);
  EXPECT_EQ(s.interval_error_p99_ms, 90);
  EXPECT_EQ(s.processed_frames, 0u);
  EXPECT_EQ(s.latency_p50_ms, 0);
}

TEST(FrameTimerTest, EmptyAndSingleFrame) {
  FrameTimer empty(kPeriod);
  empty.OnSkippedTicks(3);
  empty.OnDropped(DropReason::kCacheFull);
  TimerSummary expected;
  expected.period_ms = 10;
  expected.skipped_ticks = 3;
  expected.dropped_cache_full = 1;
  ExpectSummary(expected, empty.Summarize());

  FrameTimer one(kPeriod);
  one.OnCaptured(
      {0, kBase, kBase + 5 * kMs, kBase + 6 * kMs, 1, 4096, kBase + 8 * kMs});
  expected = TimerSummary();
  expected.frames = 1;
  expected.period_ms = 10;
  expected.late_ticks = 1;
  expected.peak_cache_frames = 1;
  expected.peak_cache_bytes = 4096;
  expected.latency_p50_ms = 2;
  expected.latency_p99_ms = 2;
  expected.processed_frames = 1;
  ExpectSummary(expected, one.Summarize());
}

TEST(FrameTimerTest, FormatSummary) {
  FrameTimer timer(kPeriod);
  RecordMixedRun(timer);
  EXPECT_EQ(FormatTimerSummary(timer.Summarize()),
            "  frames    6 in 0.1 s (period 10.0 ms)\n"
            "  interval  p50 10.0  p95 22.5  p99 22.5  max 22.5 ms "
            "(error p99 12.5, max 12.5 ms)\n"
            "  ticks     2 late, 3 skipped; 2 frames dropped (cache full)\n"
            "  lateness  p99 3.0  max 3.0 ms after the deadline\n"
            "  cache     peak 5 frames / 0.0 MB\n"
            "  latency   p50 4.0  p99 20.0 ms (capture end to written, 4 of 6 "
            "frames)\n");

  TimerSummary s;
  s.frames = 300;
  s.duration_s = 10;
  s.period_ms = 100.0 / 3;
  s.interval_p50_ms = 33.3;
  s.interval_p95_ms = 33.4;
  s.interval_p99_ms = 33.6;
  s.interval_max_ms = 35.1;
  s.interval_error_p99_ms = 0.3;
  s.interval_error_max_ms = 1.8;
  s.late_ticks = 2;
  s.dropped_cache_full = 1;
  s.peak_cache_frames = 6;
  s.peak_cache_bytes = 22'100'000;
  s.latency_p50_ms = 12;
  s.latency_p99_ms = 40.3;
  s.processed_frames = 300;
  EXPECT_EQ(FormatTimerSummary(s),
            "  frames    300 in 10.0 s (period 33.3 ms)\n"
            "  interval  p50 33.3  p95 33.4  p99 33.6  max 35.1 ms "
            "(error p99 0.3, max 1.8 ms)\n"
            "  ticks     2 late, 0 skipped; 1 frame dropped (cache full)\n"
            "  cache     peak 6 frames / 22.1 MB\n"
            "  latency   p50 12.0  p99 40.3 ms (capture end to written)\n");

  s.capture_scheduling = "real-time (SCHED_FIFO 10)";
  EXPECT_NE(FormatTimerSummary(s).find(
                "  ticks     2 late, 0 skipped; 1 frame dropped (cache full)\n"
                "  thread    real-time (SCHED_FIFO 10)\n"
                "  cache     peak 6 frames / 22.1 MB\n"),
            std::string::npos)
      << FormatTimerSummary(s);

  TimerSummary unpaced;  // nothing captured, nothing processed
  EXPECT_EQ(FormatTimerSummary(unpaced),
            "  frames    0 in 0.0 s (not paced)\n"
            "  interval  - (fewer than 2 frames)\n"
            "  ticks     0 late, 0 skipped; 0 frames dropped (cache full)\n"
            "  cache     peak 0 frames / 0.0 MB\n"
            "  latency   - (no frame was processed)\n");
}

TEST(FrameTimerTest, FormatComparison) {
  FrameTimer timer(kPeriod);
  RecordMixedRun(timer);
  TimerSummary inline_run;
  inline_run.frames = 2;
  inline_run.duration_s = 1;
  inline_run.interval_p50_ms = inline_run.interval_p95_ms =
      inline_run.interval_p99_ms = inline_run.interval_max_ms = 1000;
  inline_run.late_ticks = 12345;
  const std::string text = FormatTimerComparison("offloaded", timer.Summarize(),
                                                 "inline", inline_run);
  EXPECT_EQ(text,
            "                         offloaded      inline\n"
            "  frames                         6           2\n"
            "  duration                   0.1 s       1.0 s\n"
            "  period                   10.0 ms   not paced\n"
            "  interval p50             10.0 ms   1000.0 ms\n"
            "  interval p95             22.5 ms   1000.0 ms\n"
            "  interval p99             22.5 ms   1000.0 ms\n"
            "  interval max             22.5 ms   1000.0 ms\n"
            "  interval error p99       12.5 ms           -\n"
            "  interval error max       12.5 ms           -\n"
            "  lateness p99              3.0 ms           -\n"
            "  lateness max              3.0 ms           -\n"
            "  late ticks                     2       12345\n"
            "  skipped ticks                  3           0\n"
            "  dropped (cache full)           2           0\n"
            "  peak cache              5 frames    0 frames\n"
            "  peak cache size           0.0 MB      0.0 MB\n"
            "  processed                      4           0\n"
            "  latency p50               4.0 ms           -\n"
            "  latency p99              20.0 ms           -\n");
}

TEST(FrameTimerTest, CsvRows) {
  FrameTimer timer(kPeriod);
  // Origin is the first capture start, kBase + 0.25 ms.
  timer.OnCaptured({0, kBase, kBase + 250'000, kBase + 1'250'400, 1, 1'234'567,
                    kBase + 9 * kMs});
  timer.OnCaptured({1, kBase + kPeriod, kBase + 10'000'500, kBase + 11'000'500,
                    2, 2'469'134, 0});
  timer.OnCaptured({2, kBase + 2 * kPeriod, kBase + 23'456'789,
                    kBase + 24 * kMs, 1, 1'234'567, kBase + 30 * kMs});
  timer.OnCaptured({3, 0, kBase + 40 * kMs, kBase + 41 * kMs, 0, 0, 0});
  TempDir dir;
  const std::string path = dir.File("timer.csv");
  const Status s = timer.WriteCsv(path);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(ReadFile(path),
            "seq,deadline_ms,capture_start_ms,capture_end_ms,interval_ms,"
            "late_ms,cache_frames,cache_mb,processed_ms,latency_ms\n"
            "0,-0.250,0.000,1.000,,0.250,1,1.235,8.750,7.750\n"
            "1,9.750,9.751,10.751,9.751,0.001,2,2.469,,\n"
            "2,19.750,23.207,23.750,13.456,3.457,1,1.235,29.750,6.000\n"
            "3,,39.750,40.750,16.543,,0,0.000,,\n");
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"timer.csv"})
      << "no temporary file is left behind";
}

TEST(FrameTimerTest, CsvOfNoFramesIsTheHeader) {
  FrameTimer timer(0);
  TempDir dir;
  ASSERT_TRUE(timer.WriteCsv(dir.File("empty.csv")).ok());
  EXPECT_EQ(ReadFile(dir.File("empty.csv")),
            "seq,deadline_ms,capture_start_ms,capture_end_ms,interval_ms,"
            "late_ms,cache_frames,cache_mb,processed_ms,latency_ms\n");
}

TEST(FrameTimerTest, WriteReplacesAnExistingFile) {
  FrameTimer timer(0);
  timer.OnCaptured({0, 0, kBase, kBase, 0, 0, 0});
  TempDir dir;
  WriteFile(dir.File("t.csv"),
            "old contents that are longer than the new\n"
            "and span lines\nand lines\nand lines\n");
  ASSERT_TRUE(timer.WriteCsv(dir.File("t.csv")).ok());
  EXPECT_EQ(ReadFile(dir.File("t.csv")),
            "seq,deadline_ms,capture_start_ms,capture_end_ms,interval_ms,"
            "late_ms,cache_frames,cache_mb,processed_ms,latency_ms\n"
            "0,,0.000,0.000,,,0,0.000,,\n");
}

TEST(FrameTimerTest, WriteErrorsNameTheFile) {
  FrameTimer timer(kPeriod);
  RecordMixedRun(timer);
  TempDir dir;
  const std::string missing_folder = dir.File("no/such/folder/timer.csv");
  for (const bool plot : {false, true}) {
    SCOPED_TRACE(plot ? "plot" : "csv");
    Status s =
        plot ? timer.WritePlot(missing_folder) : timer.WriteCsv(missing_folder);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), missing_folder + ": cannot write: "));
    EXPECT_TRUE(Contains(s.message(), "No such file or directory"));

    s = plot ? timer.WritePlot(dir.path()) : timer.WriteCsv(dir.path());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), dir.path() + ": cannot write: is a folder");

    s = plot ? timer.WritePlot("") : timer.WriteCsv("");
    EXPECT_FALSE(s.ok());
  }
  EXPECT_TRUE(ListFolder(dir.path()).empty());
}

// ---- The plot ----

struct Point {
  double x, y;
};

std::vector<Point> ParsePoints(const char* text) {
  std::vector<Point> points;
  std::istringstream in(text);
  std::string pair;
  while (in >> pair) {
    const size_t comma = pair.find(',');
    EXPECT_NE(comma, std::string::npos) << pair;
    if (comma == std::string::npos) break;
    char* end = nullptr;
    const double x = std::strtod(pair.c_str(), &end);
    EXPECT_EQ(end, pair.c_str() + comma) << pair;
    const double y = std::strtod(pair.c_str() + comma + 1, &end);
    EXPECT_EQ(*end, '\0') << pair;
    points.push_back({x, y});
  }
  return points;
}

class FrameTimerPlotTest : public ::testing::Test {
 protected:
  // Writes and parses the plot of `timer`; fails the test when the file is
  // not well-formed XML with an <svg> root.
  void Plot(const FrameTimer& timer) {
    const std::string path = dir_.File("timer.svg");
    const Status s = timer.WritePlot(path);
    ASSERT_TRUE(s.ok()) << s.message();
    text_ = ReadFile(path);
    const pugi::xml_parse_result parsed = doc_.load_string(text_.c_str());
    ASSERT_TRUE(parsed) << parsed.description() << " at offset "
                        << parsed.offset;
    svg_ = doc_.child("svg");
    ASSERT_FALSE(svg_.empty());
    EXPECT_STREQ(svg_.attribute("xmlns").value(), "http://www.w3.org/2000/svg");
    width_ = svg_.attribute("width").as_double();
    height_ = svg_.attribute("height").as_double();
    EXPECT_GT(width_, 0);
    EXPECT_GT(height_, 0);
    EXPECT_TRUE(doc_.select_nodes("//script").empty());
    EXPECT_EQ(text_.find("href"), std::string::npos) << "self-contained";
  }

  // The elements <name class="css_class">.
  std::vector<pugi::xml_node> Elements(const char* name,
                                       const char* css_class) const {
    std::vector<pugi::xml_node> nodes;
    const std::string query =
        std::string("//") + name + "[@class='" + css_class + "']";
    for (const pugi::xpath_node& node : doc_.select_nodes(query.c_str())) {
      nodes.push_back(node.node());
    }
    return nodes;
  }

  // The points of the one polyline of class `css_class`, all checked to be
  // inside the canvas.
  std::vector<Point> Series(const char* css_class) const {
    const std::vector<pugi::xml_node> lines = Elements("polyline", css_class);
    EXPECT_EQ(lines.size(), 1u) << css_class;
    if (lines.size() != 1) return {};
    std::vector<Point> points =
        ParsePoints(lines[0].attribute("points").value());
    for (const Point& p : points) {
      EXPECT_TRUE(std::isfinite(p.x) && std::isfinite(p.y));
      EXPECT_GE(p.x, 0);
      EXPECT_LE(p.x, width_);
      EXPECT_GE(p.y, 0);
      EXPECT_LE(p.y, height_);
    }
    return points;
  }

  std::string AllText() const {
    std::string text;
    for (const pugi::xpath_node& node : doc_.select_nodes("//text")) {
      text += node.node().child_value();
      text += '\n';
    }
    return text;
  }

  TempDir dir_;
  std::string text_;
  pugi::xml_document doc_;
  pugi::xml_node svg_;
  double width_ = 0, height_ = 0;
};

TEST_F(FrameTimerPlotTest, ManyFrames) {
  // A sawtooth: the cache fills to 8 frames, then drains, three times.
  FrameTimer timer(kPeriod);
  const size_t n = 100;
  for (uint64_t seq = 0; seq < n; ++seq) {
    const int64_t deadline = kBase + static_cast<int64_t>(seq) * kPeriod;
    const int64_t start = deadline + (seq % 10 == 9 ? 6 : 0) * kMs;
    const size_t depth = seq % 33 < 8 ? seq % 33 + 1 : 1;
    timer.OnCaptured(
        {seq, deadline, start, start + 2 * kMs, depth, depth * 1000, 0});
  }
  ASSERT_NO_FATAL_FAILURE(Plot(timer));

  const std::vector<Point> interval = Series("interval");
  ASSERT_EQ(interval.size(), n - 1);
  const std::vector<Point> cache = Series("cache");
  ASSERT_EQ(cache.size(), 2 * n - 1);
  for (size_t i = 1; i < interval.size(); ++i) {
    EXPECT_GT(interval[i].x, interval[i - 1].x) << "time goes right";
  }
  // Step line: each capture is a vertical edge (same x) after a horizontal
  // one (same y).
  for (size_t i = 1; i + 1 < cache.size(); i += 2) {
    EXPECT_EQ(cache[i].y, cache[i - 1].y) << i;
    EXPECT_EQ(cache[i].x, cache[i + 1].x) << i;
    EXPECT_GT(cache[i].x, cache[i - 1].x) << i;
  }
  // Deeper is higher (smaller y): frame 7 has 8 cached, frame 8 has 1.
  EXPECT_LT(cache[2 * 7].y, cache[2 * 6].y);
  EXPECT_GT(cache[2 * 8].y, cache[2 * 7].y);
  // The late intervals (16 ms into frame 9, 4 ms into frame 10) stand out.
  EXPECT_LT(interval[8].y, interval[7].y);
  EXPECT_GT(interval[9].y, interval[7].y);

  // The nominal period: one dashed horizontal line, between the normal
  // interval (10 ms) and the ones above and below it.
  const std::vector<pugi::xml_node> period = Elements("line", "period");
  ASSERT_EQ(period.size(), 1u);
  EXPECT_STRNE(period[0].attribute("stroke-dasharray").value(), "");
  const double period_y = period[0].attribute("y1").as_double();
  EXPECT_EQ(period_y, period[0].attribute("y2").as_double());
  EXPECT_NEAR(period_y, interval[0].y, 0.05);

  const std::string text = AllText();
  EXPECT_TRUE(Contains(text, "100 frames"));
  EXPECT_TRUE(Contains(text, "period 10.0 ms"));
  EXPECT_TRUE(Contains(text, "capture interval"));
  EXPECT_TRUE(Contains(text, "time (s)"));
  EXPECT_TRUE(Contains(text, "cache (frames)"));
  EXPECT_FALSE(doc_.select_node("//title").node().empty());
}

TEST_F(FrameTimerPlotTest, UnpacedHasNoPeriodLine) {
  FrameTimer timer(0);
  for (uint64_t seq = 0; seq < 5; ++seq) {
    const int64_t start = kBase + static_cast<int64_t>(seq * seq) * kMs;
    timer.OnCaptured({seq, 0, start, start + kMs, 1, 10, 0});
  }
  ASSERT_NO_FATAL_FAILURE(Plot(timer));
  EXPECT_EQ(Series("interval").size(), 4u);
  EXPECT_EQ(Series("cache").size(), 9u);
  EXPECT_TRUE(Elements("line", "period").empty());
  EXPECT_TRUE(Contains(AllText(), "not paced"));
}

TEST_F(FrameTimerPlotTest, NoFrames) {
  FrameTimer timer(kPeriod);
  ASSERT_NO_FATAL_FAILURE(Plot(timer));
  EXPECT_TRUE(Elements("polyline", "interval").empty());
  EXPECT_TRUE(Elements("polyline", "cache").empty());
  EXPECT_TRUE(Contains(AllText(), "no frames recorded"));
}

TEST_F(FrameTimerPlotTest, OneFrame) {
  FrameTimer timer(kPeriod);
  timer.OnCaptured({0, kBase, kBase, kBase + kMs, 1, 1000, kBase + 3 * kMs});
  ASSERT_NO_FATAL_FAILURE(Plot(timer));
  EXPECT_TRUE(Elements("polyline", "interval").empty());
  EXPECT_EQ(Series("cache").size(), 1u);
  EXPECT_EQ(Elements("circle", "cache").size(), 1u) << "a lone point shows";
}

TEST_F(FrameTimerPlotTest, TwoFrames) {
  FrameTimer timer(kPeriod);
  timer.OnCaptured({0, kBase, kBase, kBase + kMs, 1, 1000, 0});
  timer.OnCaptured(
      {1, kBase + kPeriod, kBase + kPeriod, kBase + kPeriod + kMs, 2, 2000, 0});
  ASSERT_NO_FATAL_FAILURE(Plot(timer));
  EXPECT_EQ(Series("interval").size(), 1u);
  EXPECT_EQ(Elements("circle", "interval").size(), 1u);
  EXPECT_EQ(Series("cache").size(), 3u);
  EXPECT_TRUE(Elements("circle", "cache").empty());
}

// ---- Two threads ----

TEST(FrameTimerTest, CaptureAndWriterThreadsAtOnce) {
  // The capture thread records frame after frame; the writer thread marks
  // each one processed as soon as it has been recorded (it waits on an
  // atomic the capture thread bumps, as the real graph waits for tickets).
  constexpr uint64_t kFrames = 2000;
  FrameTimer timer(kPeriod);
  std::atomic<uint64_t> captured{0};
  std::thread writer([&] {
    for (uint64_t seq = 0; seq < kFrames; ++seq) {
      uint64_t seen = captured.load(std::memory_order_acquire);
      while (seen <= seq) {
        captured.wait(seen, std::memory_order_acquire);
        seen = captured.load(std::memory_order_acquire);
      }
      const int64_t end = kBase + static_cast<int64_t>(seq) * kPeriod + kMs;
      timer.OnProcessed(seq, end + static_cast<int64_t>(seq % 7 + 1) * kMs);
    }
  });
  for (uint64_t seq = 0; seq < kFrames; ++seq) {
    const int64_t start = kBase + static_cast<int64_t>(seq) * kPeriod;
    timer.OnCaptured({seq, start, start, start + kMs, seq % 5, 0, 0});
    if (seq % 100 == 0) timer.OnSkippedTicks(1);
    if (seq % 250 == 0) timer.OnDropped(DropReason::kCacheFull);
    captured.store(seq + 1, std::memory_order_release);
    captured.notify_one();
    // Reading mid-run is allowed too (a partial snapshot).
    if (seq % 500 == 0) {
      EXPECT_EQ(timer.Summarize().frames, seq + 1);
    }
  }
  writer.join();

  const std::vector<FrameTimes> rows = timer.rows();
  ASSERT_EQ(rows.size(), kFrames);
  for (uint64_t seq = 0; seq < kFrames; ++seq) {
    ASSERT_EQ(rows[seq].seq, seq);
    ASSERT_EQ(rows[seq].processed_ns - rows[seq].capture_end_ns,
              static_cast<int64_t>(seq % 7 + 1) * kMs)
        << seq;
  }
  const TimerSummary s = timer.Summarize();
  EXPECT_EQ(s.frames, kFrames);
  EXPECT_EQ(s.processed_frames, kFrames);
  EXPECT_EQ(s.skipped_ticks, 20u);
  EXPECT_EQ(s.dropped_cache_full, 8u);
  EXPECT_EQ(s.peak_cache_frames, 4u);
  EXPECT_EQ(s.interval_max_ms, 10);
  EXPECT_EQ(s.interval_error_max_ms, 0);
  EXPECT_EQ(s.latency_p50_ms, 4);  // 1..7 ms, evenly: rank 1000 of 2000
  EXPECT_EQ(s.latency_p99_ms, 7);
}

TEST(FrameTimerTest, ComparisonShowsHowTheCaptureThreadWasScheduled) {
  TimerSummary offloaded, inline_run;
  offloaded.capture_scheduling = "real-time (SCHED_FIFO 10)";
  inline_run.capture_scheduling = "normal";
  const std::string text =
      FormatTimerComparison("offloaded", offloaded, "inline", inline_run);
  EXPECT_NE(text.find("  capture thread         real-time (SCHED_FIFO 10)"
                      "      normal\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace svgcast::test
