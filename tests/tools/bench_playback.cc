// bench_playback: how long a headless browser takes to show an svgcast SVG
// at moments spread over its length (a benchmark, not a test; used by
// scripts/bench-playback). Opens the SVG directly (drawn at SCALE times its
// size), and for each moment seeks every animation there (paused) and
// takes a screenshot; the time of seek + screenshot is what the browser
// spends to style, paint and raster that picture. Before that, it lets the
// SVG play in real time once loaded and times the document's animation
// frames (requestAnimationFrame to the next). Prints one line:
//   <samples> <median ms> <last ms> <open ms> <late ms> <play ms> <longest ms>
// where "last" is the median of three draws at the last change, "open" the
// time to open the SVG (load it: parse, decode its images, draw it; in a
// window already of its size), "late" how far the screencast's clock was
// at the first animation frame after the load (what played unseen; the
// browser starts the animations when it has styled the document, before it
// has drawn it), "play" the median time between animation frames from
// then on to the last change or 25 s (16.7 at 60 frames a second) and
// "longest" the longest (both 0 when the screencast was over unseen).
//
//   bench_playback SVG [SAMPLES [chromium|firefox|webkit [SCALE]]]
//   (SAMPLES: default 12; engine: chromium; SCALE: 1)
//
// With SVGCAST_BENCH_FRAMES=FILE, it also writes each animation frame
// while playing to FILE, "<screencast ms> <gap ms>" a line: where in the
// screencast the browser was slow.
//
// Threading: single-threaded (one Browser object).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "tests/test_util.h"
#include "tests/tools/browser.h"

namespace {

using svgcast::Status;
using svgcast::test::Browser;
using svgcast::test::Engine;

int Fail(const std::string& why) {
  std::fprintf(stderr, "bench_playback: %s\n", why.c_str());
  return 1;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    return Fail(
        "usage: bench_playback SVG [SAMPLES [chromium|firefox|webkit "
        "[SCALE]]]");
  }
  const std::string path = std::filesystem::absolute(argv[1]).string();
  const int samples = argc >= 3 ? std::atoi(argv[2]) : 12;
  if (samples < 2) return Fail("SAMPLES must be 2 or more");
  const std::string engine_name = argc >= 4 ? argv[3] : "chromium";
  Engine engine;
  if (!svgcast::test::EngineNamed(engine_name, &engine)) {
    return Fail("engine must be chromium, firefox or webkit, not " +
                engine_name);
  }
  const double scale = argc >= 5 ? std::atof(argv[4]) : 1.0;
  if (!(scale > 0 && scale <= 4)) return Fail("SCALE must be in (0, 4]");
  const std::string svg = svgcast::test::ReadFile(path);
  // The size, and the last change's time (the largest --d).
  std::smatch size;
  if (!std::regex_search(svg.begin(),
                         svg.begin() + std::min<size_t>(svg.size(), 300), size,
                         std::regex("width=\"(\\d+)\" height=\"(\\d+)\""))) {
    return Fail(path + ": no width and height");
  }
  const int width = static_cast<int>(std::lround(std::stoi(size[1]) * scale));
  const int height = static_cast<int>(std::lround(std::stoi(size[2]) * scale));
  double last_ms = 0;
  const std::regex delay("--d:([0-9.]+)ms");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), delay);
       it != std::sregex_iterator(); ++it) {
    last_ms = std::max(last_ms, std::stod((*it)[1]));
  }

  std::unique_ptr<Browser> browser;
  if (Status s = svgcast::test::StartBrowser(engine, &browser); !s.ok()) {
    return Fail(s.message());
  }
  // (An empty page first, so that "open" is the SVG's alone, not the
  // window's sizing: a second in headless Firefox.)
  if (Status s = browser->Open("about:blank", width, height); !s.ok()) {
    return Fail(s.message());
  }
  const auto open_start = std::chrono::steady_clock::now();
  if (Status s = browser->Open("file://" + path, width, height); !s.ok()) {
    return Fail(s.message());
  }
  const double open_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - open_start)
                             .count();
  if (scale != 1.0) {
    const std::string resize =
        "document.documentElement.setAttribute('width', " +
        std::to_string(width) + ");" +
        "document.documentElement.setAttribute('height', " +
        std::to_string(height) + ");";
    if (Status s = browser->Evaluate(resize); !s.ok()) {
      return Fail(s.message());
    }
  }
  // Playing in real time once loaded, to the last change (at most 25 s:
  // Marionette gives a script 30). The screencast's clock is its
  // animations' common start time (the browser starts them when it has
  // styled the document, which may be long before it draws it): "late" is
  // how far that clock is at the first animation frame after the load,
  // i.e. how much of the screencast played before it could be seen; then
  // the time between animation frames (each styles and paints what
  // changed) while changes are still to come.
  nlohmann::json stamps;
  if (Status s = browser->Evaluate(
          "new Promise(r => requestAnimationFrame(() => {"
          "  const start = document.getAnimations()"
          "      .reduce((m, a) => Math.max(m, a.startTime || 0), 0);"
          "  const t = [];"
          "  const f = now => {"
          "    const at = document.timeline.currentTime - start;"
          "    t.push([now, at]);"
          "    if (at < " +
              std::to_string(last_ms + 100) +
              " && now - t[0][0] < 25000) requestAnimationFrame(f);"
              "    else r(t); };"
              "  requestAnimationFrame(f); }))",
          &stamps);
      !s.ok() || !stamps.is_array() || stamps.empty()) {
    return Fail("no animation frames while playing: " + s.message());
  }
  const double late_ms = stamps[0][1].get<double>();
  std::vector<double> gaps_ms;
  for (size_t i = 1; i < stamps.size(); ++i) {
    gaps_ms.push_back(stamps[i][0].get<double>() -
                      stamps[i - 1][0].get<double>());
  }
  if (const char* dump = std::getenv("SVGCAST_BENCH_FRAMES")) {
    // (Each animation frame: the screencast's clock, and the gap before.)
    std::FILE* out = std::fopen(dump, "w");
    for (size_t i = 1; out && i < stamps.size(); ++i) {
      std::fprintf(out, "%.1f %.1f\n", stamps[i][1].get<double>(),
                   gaps_ms[i - 1]);
    }
    if (out) std::fclose(out);
  }
  if (gaps_ms.empty()) gaps_ms.push_back(0);  // (over unseen)
  const double longest_gap_ms =
      *std::max_element(gaps_ms.begin(), gaps_ms.end());
  auto draw_ms = [&](double at_ms, double* ms) -> Status {
    const auto start = std::chrono::steady_clock::now();
    if (Status s = browser->SeekAnimations(at_ms); !s.ok()) return s;
    cv::Mat shot;
    if (Status s = browser->Screenshot(&shot); !s.ok()) return s;
    *ms = std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start)
              .count();
    return Status::Ok();
  };
  std::vector<double> all, last;
  for (int i = 0; i < samples; ++i) {
    double ms = 0;
    if (Status s = draw_ms(last_ms * i / (samples - 1) + 0.5, &ms); !s.ok()) {
      return Fail(s.message());
    }
    all.push_back(ms);
  }
  for (int i = 0; i < 3; ++i) {
    // Away and back, so each draw at the end is a new picture.
    double ms = 0;
    if (Status s = draw_ms(0, &ms); !s.ok()) return Fail(s.message());
    if (Status s = draw_ms(last_ms + 0.5, &ms); !s.ok()) {
      return Fail(s.message());
    }
    last.push_back(ms);
  }
  std::printf("%d %.1f %.1f %.1f %.1f %.1f %.1f\n", samples, Median(all),
              Median(last), open_ms, late_ms, Median(gaps_ms), longest_gap_ms);
  return 0;
}
