// What users see: svgcast's SVGs rendered by real browsers equal the
// recorded frames, pixel for pixel. Three engines (tests/tools/browser.h):
// Debian's headless Chromium (Blink; the Browser* suites), Firefox ESR
// (Gecko; the Firefox* suites) and WebKitGTK's MiniBrowser (WebKit, the
// engine of Safari; the WebKit* suites): the fixtures directly and in an
// <img>, scaled, looping and trimmed, and in WebP, in each; the first 100
// frames of the reference project's demo in Chromium and WebKit.
//
// Opened directly, the SVG is its own document: the test pauses every
// animation and seeks it to an exact time (Web Animations: currentTime),
// then takes a screenshot — inside every frame's display interval, and at
// the first and the last millisecond of some intervals.
//
// Inside an <img>, a browser runs the image's animations on a clock of its
// own (real time, out of reach of the page, of DevTools and of virtual
// time), so there the test cannot seek. It takes screenshots while the
// screencast plays and checks that each one is exactly one of the frames,
// never a mixture, in order, and that the last frame holds at the end.
//
// Skipped where the browser is not installed (.ci/run installs all three).
#include "tests/tools/browser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/clock.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "processing/png_encoder.h"
#include "svg/base64.h"
#include "svg/svg_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

struct Sequence {
  std::vector<cv::Mat> frames;   // BGRX
  std::vector<double> times_ms;  // from the first frame
};

::testing::AssertionResult LoadSequence(const std::string& folder,
                                        size_t max_frames, Sequence* out) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  if (Status s = ParseManifest(ReadFile(manifest), manifest, &entries);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  if (entries.size() > max_frames) entries.resize(max_frames);
  for (const ManifestEntry& e : entries) {
    cv::Mat frame;
    if (Status s = ReadPngFile(folder + "/" + e.file, &frame); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
    out->frames.push_back(frame);
    out->times_ms.push_back(
        static_cast<double>(e.timestamp_us - entries.front().timestamp_us) /
        1000.0);
  }
  return ::testing::AssertionSuccess();
}

std::unique_ptr<Browser> Start(Engine engine) {
  std::unique_ptr<Browser> browser;
  const Status s = StartBrowser(engine, &browser);
  EXPECT_TRUE(s.ok()) << EngineName(engine) << ": " << s.message();
  return browser;
}

// Seeks the open SVG document to `ms` and compares with `frame`.
::testing::AssertionResult ShowsAt(Browser& browser, double ms,
                                   const cv::Mat& frame, size_t index) {
  if (Status s = browser.SeekAnimations(ms); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  cv::Mat shot;
  if (Status s = browser.Screenshot(&shot); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  ::testing::AssertionResult same = SamePixels(frame, shot);
  if (!same) {
    return ::testing::AssertionFailure()
           << "at " << ms << " ms (frame " << index << "): " << same.message();
  }
  return ::testing::AssertionSuccess();
}

// Every frame at the middle of its interval (the last one 1 s after it
// began); the first and the last millisecond of the first intervals, one in
// the middle and the last but one.
::testing::AssertionResult ExactInDocument(Browser& browser,
                                           const std::string& svg,
                                           const Sequence& seq) {
  const cv::Size size = seq.frames.front().size();
  if (Status s = browser.Open("file://" + svg, size.width, size.height);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  const size_t n = seq.frames.size();
  for (size_t i = 0; i < n; ++i) {
    const double begin = seq.times_ms[i];
    const double end = i + 1 < n ? seq.times_ms[i + 1] : begin + 2000;
    auto result = ShowsAt(browser, (begin + end) / 2, seq.frames[i], i);
    if (!result) return result;
  }
  std::vector<size_t> edges = {0, 1, n / 2, n >= 2 ? n - 2 : 0};
  for (size_t i : edges) {
    if (i + 1 >= n) continue;
    const double begin = seq.times_ms[i];
    const double end = seq.times_ms[i + 1];
    if (end - begin < 2) continue;
    // (Blink treats times within 1 us of a boundary as the boundary, so
    // the last sample is 10 us before the next frame; Gecko places a
    // boundary within half a step of a 32-bit float of seconds: 0.2 us
    // late at 12733.32 ms.)
    const double first = begin + browser.TimeResolutionMs(begin);
    const double last = end - std::max(0.01, browser.TimeResolutionMs(end));
    for (double ms : {first, begin + 0.999, end - 1, last}) {
      auto result = ShowsAt(browser, ms, seq.frames[i], i);
      if (!result) return result;
    }
  }
  return ::testing::AssertionSuccess();
}

// A picture the SVG must show at a time.
struct Sample {
  double ms;
  size_t frame;
};

::testing::AssertionResult ShowsSamples(Browser& browser,
                                        const std::string& svg,
                                        const Sequence& seq,
                                        const std::vector<Sample>& samples) {
  const cv::Size size = seq.frames.front().size();
  if (Status s = browser.Open("file://" + svg, size.width, size.height);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  for (const Sample& sample : samples) {
    auto result =
        ShowsAt(browser, sample.ms, seq.frames[sample.frame], sample.frame);
    if (!result) return result;
  }
  return ::testing::AssertionSuccess();
}

// What the test expects of --start/--end/--idle-limit/--speed/--loop/--hold,
// worked out here from the frames themselves: the pictures (a frame that
// looks like the one before is no change) and when each appears.
struct Playback {
  double start_ms = 0, end_ms = -1, idle_limit_ms = 0, speed = 1;
  bool loop = false;
  double hold_ms = 2000;
};

struct Expected {
  std::vector<size_t> frames;  // one per change: the frame it shows
  std::vector<double> svg_ms;  // when it appears
  double end_ms = 0;           // the recording's end, in SVG time
  double period_ms = 0;        // with loop
};

Expected Expect(const Sequence& seq, const Playback& p) {
  // Trim: the frame on screen at start first (from start), none from end.
  std::vector<size_t> kept;
  std::vector<double> at_ms;
  for (size_t i = 0; i < seq.frames.size(); ++i) {
    const double t = seq.times_ms[i];
    if (p.end_ms >= 0 && t >= p.end_ms && !kept.empty()) break;
    if (i + 1 < seq.frames.size() && seq.times_ms[i + 1] <= p.start_ms) {
      continue;
    }
    kept.push_back(i);
    at_ms.push_back(std::max(t, p.start_ms) - p.start_ms);
  }
  Expected e;
  double last_change_recorded = 0, last_change_svg = 0;
  auto place = [&](double recorded) {
    double pause = recorded - last_change_recorded;
    if (p.idle_limit_ms > 0) pause = std::min(pause, p.idle_limit_ms);
    return last_change_svg + pause / p.speed;
  };
  for (size_t k = 0; k < kept.size(); ++k) {
    const size_t i = kept[k];
    if (k > 0 && SamePixels(seq.frames[i], seq.frames[e.frames.back()])) {
      continue;  // no change
    }
    const double svg_ms = k == 0 ? 0 : place(at_ms[k]);
    e.frames.push_back(i);
    e.svg_ms.push_back(svg_ms);
    last_change_recorded = at_ms[k];
    last_change_svg = svg_ms;
  }
  const double recorded_end =
      p.end_ms >= 0 ? p.end_ms - p.start_ms : at_ms.back();
  e.end_ms = place(std::max(recorded_end, at_ms.back()));
  e.period_ms = e.end_ms + p.hold_ms;
  return e;
}

// Every picture in the middle of its time, in the first `periods` periods
// (one without loop), and around each restart.
std::vector<Sample> SamplesFor(const Expected& e, bool loop, int periods) {
  std::vector<Sample> samples;
  const size_t n = e.frames.size();
  for (int k = 0; k < (loop ? periods : 1); ++k) {
    const double offset = k * e.period_ms;
    for (size_t j = 0; j < n; ++j) {
      const double begin = e.svg_ms[j];
      const double end =
          j + 1 < n ? e.svg_ms[j + 1] : (loop ? e.period_ms : begin + 2000);
      samples.push_back({offset + (begin + end) / 2, e.frames[j]});
    }
    if (loop) {
      samples.push_back({offset + e.period_ms - 0.01, e.frames.back()});
      samples.push_back({offset + e.period_ms, e.frames.front()});
      if (n > 1 && e.svg_ms[1] > 0.02) {
        samples.push_back(
            {offset + e.period_ms + e.svg_ms[1] - 0.01, e.frames.front()});
        // (At the exact instant an iteration ends and the next begins,
        // Blink shows the end of the ending one; 10 us in, the new one.)
        samples.push_back(
            {offset + e.period_ms + e.svg_ms[1] + 0.01, e.frames[1]});
      }
    }
  }
  return samples;
}

struct PlaybackCase {
  std::string fixture;
  std::vector<std::string> args;
  Playback playback;
};

void PrintTo(const PlaybackCase& c, std::ostream* os) {
  *os << c.fixture;
  for (const std::string& a : c.args) *os << " " << a;
}

void CheckPlayback(const PlaybackCase& c, Engine engine) {
  TempDir dir;
  const std::string folder = FixturePath(c.fixture);
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  const std::string svg = dir.File("out.svg");
  std::vector<std::string> args = {"replay", folder, "-o", svg, "-q"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  const CommandResult run = RunSvgcast(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Expected expected = Expect(seq, c.playback);
  ASSERT_GE(expected.frames.size(), 2u);

  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ShowsSamples(*browser, svg, seq,
                           SamplesFor(expected, c.playback.loop, 3)));
  // Our own decoder agrees on the first period.
  std::vector<std::pair<double, cv::Mat>> decoded;
  const Status s = DecodeScreencast(svg, [&](const DecodedFrame& f) {
    decoded.emplace_back(f.time_us / 1000.0, f.pixels.clone());
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(decoded.size(), expected.frames.size());
  for (size_t j = 0; j < decoded.size(); ++j) {
    EXPECT_NEAR(decoded[j].first, expected.svg_ms[j], 0.0015) << "change " << j;
    EXPECT_TRUE(SamePixels(seq.frames[expected.frames[j]], decoded[j].second))
        << "change " << j;
  }
}

class BrowserPlaybackTest : public ::testing::TestWithParam<PlaybackCase> {
 protected:
  void SetUp() override {
    if (!Installed(Engine::kChromium)) GTEST_SKIP() << "chromium not installed";
  }
};

TEST_P(BrowserPlaybackTest, EveryPictureAtItsTimeInEveryPeriod) {
  CheckPlayback(GetParam(), Engine::kChromium);
}

class FirefoxPlaybackTest : public ::testing::TestWithParam<PlaybackCase> {
 protected:
  void SetUp() override {
    if (!Installed(Engine::kFirefox)) GTEST_SKIP() << "firefox not installed";
  }
};

TEST_P(FirefoxPlaybackTest, EveryPictureAtItsTimeInEveryPeriod) {
  CheckPlayback(GetParam(), Engine::kFirefox);
}

class WebKitPlaybackTest : public ::testing::TestWithParam<PlaybackCase> {
 protected:
  void SetUp() override {
    if (!Installed(Engine::kWebKit)) GTEST_SKIP() << "webkit not installed";
  }
};

TEST_P(WebKitPlaybackTest, EveryPictureAtItsTimeInEveryPeriod) {
  CheckPlayback(GetParam(), Engine::kWebKit);
}

Playback Loop(double hold_ms) {
  Playback p;
  p.loop = true;
  p.hold_ms = hold_ms;
  return p;
}

Playback Faster(double speed, double idle_limit_ms) {
  Playback p;
  p.speed = speed;
  p.idle_limit_ms = idle_limit_ms;
  return p;
}

Playback Trimmed() {
  Playback p;
  p.start_ms = 120;
  p.end_ms = 1100;
  p.speed = 0.5;
  p.loop = true;
  p.hold_ms = 300;
  return p;
}

const auto kPlaybackCases = ::testing::Values(
    PlaybackCase{"boxes", {"--loop", "--hold", "500"}, Loop(500)},
    PlaybackCase{"boxes", {"--loop"}, Loop(2000)},
    PlaybackCase{"terminal", {"--loop", "--hold", "300"}, Loop(300)},
    PlaybackCase{
        "boxes", {"--speed", "2", "--idle-limit", "120"}, Faster(2, 120)},
    PlaybackCase{"boxes",
                 {"--start", "120", "--end", "1100", "--speed", "0.5", "--loop",
                  "--hold", "300"},
                 Trimmed()});

std::string PlaybackCaseName(
    const ::testing::TestParamInfo<PlaybackCase>& info) {
  return "case" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Options, BrowserPlaybackTest, kPlaybackCases,
                         PlaybackCaseName);
INSTANTIATE_TEST_SUITE_P(Options, FirefoxPlaybackTest, kPlaybackCases,
                         PlaybackCaseName);
INSTANTIATE_TEST_SUITE_P(Options, WebKitPlaybackTest, kPlaybackCases,
                         PlaybackCaseName);

// The SVG in an <img> on a page, playing in real time: every screenshot is
// exactly one of the frames, the frames come in order, and once the last
// frame's time has passed, the last frame is what stays.
::testing::AssertionResult ExactInImg(Browser& browser, const TempDir& dir,
                                      const std::string& svg,
                                      const Sequence& seq) {
  const cv::Size size = seq.frames.front().size();
  const std::string page = dir.File("page.html");
  WriteFile(page,
            "<!DOCTYPE html><html><body style=\"margin:0\">"
            "<img src=\"file://" +
                svg + "\" style=\"display:block\"></body></html>");
  // Frame contents -> the indexes of the frames that look like that.
  std::map<std::vector<uint8_t>, std::vector<size_t>> by_pixels;
  auto key = [](const cv::Mat& bgrx) {
    std::vector<uint8_t> bytes;
    bytes.reserve(bgrx.total() * 3);
    for (int y = 0; y < bgrx.rows; ++y) {
      const uint8_t* row = bgrx.ptr<uint8_t>(y);
      for (int x = 0; x < bgrx.cols; ++x) {
        bytes.insert(bytes.end(), row + 4 * x, row + 4 * x + 3);
      }
    }
    return bytes;
  };
  for (size_t i = 0; i < seq.frames.size(); ++i) {
    by_pixels[key(seq.frames[i])].push_back(i);
  }
  if (Status s = browser.Open("file://" + page, size.width, size.height);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  // (Once the image is decoded and drawn: WebKit may fire the page's load
  // event before it has drawn the image at all, and a screenshot then is
  // the empty page.)
  if (Status s = browser.Evaluate(
          "document.images[0].decode().then(() => new Promise(r => "
          "requestAnimationFrame(() => requestAnimationFrame(r))))");
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  const int64_t start_ns = MonotonicNowNs();
  const double last_ms = seq.times_ms.back();
  size_t shown = 0;  // lowest frame index the playback may be at
  size_t shots = 0, distinct = 0;
  for (;;) {
    const double elapsed_ms =
        static_cast<double>(MonotonicNowNs() - start_ns) / 1e6;
    cv::Mat shot;
    if (Status s = browser.Screenshot(&shot); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
    ++shots;
    if (shot.size() != size) {
      return ::testing::AssertionFailure() << "screenshot " << shot.size();
    }
    const auto found = by_pixels.find(key(shot));
    if (found == by_pixels.end()) {
      return ::testing::AssertionFailure()
             << "screenshot " << shots << " (" << elapsed_ms
             << " ms after load) is none of the frames";
    }
    const std::vector<size_t>& indexes = found->second;
    const auto at = std::lower_bound(indexes.begin(), indexes.end(), shown);
    if (at == indexes.end()) {
      return ::testing::AssertionFailure()
             << "screenshot " << shots << " shows frame " << indexes.front()
             << " after frame " << shown << " (out of order)";
    }
    if (*at != shown || shots == 1) ++distinct;
    shown = *at;
    // Past the end (with a margin for the image's clock starting late):
    // the last frame must be shown now and stays.
    if (elapsed_ms > last_ms + 1500) {
      const cv::Mat& last = seq.frames.back();
      ::testing::AssertionResult same = SamePixels(last, shot);
      if (!same) {
        return ::testing::AssertionFailure()
               << "after the end, not the last frame: " << same.message();
      }
      break;
    }
  }
  std::printf("  <img>: %zu screenshots, %zu distinct frames seen, all exact\n",
              shots, distinct);
  return ::testing::AssertionSuccess();
}

// A folder of frames replayed into an SVG, with its frames and a browser:
// what the browser test fixtures below share. The `patterns` fixture is
// replayed with its sheet written as a pattern whatever its copies: 11
// frames are too few copies for svgcast to make one (svg/svg_writer.cc,
// kPatternSheetUnits), and the point is to see pattern sprites in the browser.
class ReplayedInBrowser {
 protected:
  void ReplayAndStartBrowser(const std::string& folder, Engine engine) {
    ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq_));
    svg_ = dir_.File("out.svg");
    const bool patterns =
        std::filesystem::path(folder).filename() == "patterns";
    ASSERT_TRUE(Replay(folder, svg_, 0, patterns ? 0 : -1));
    if (patterns) {
      // (Its sheet a pattern, its sprites rects filled with their own.)
      const std::string svg = ReadFile(svg_);
      ASSERT_NE(svg.find("<defs><pattern id=\""), std::string::npos);
      ASSERT_NE(svg.find("fill=\"url(#"), std::string::npos);
      ASSERT_EQ(svg.find("<use href"), std::string::npos);
    }
    browser_ = Start(engine);
    ASSERT_NE(browser_, nullptr);
  }

  TempDir dir_;
  Sequence seq_;
  std::string svg_;
  std::unique_ptr<Browser> browser_;
};

// A fixture (the test's parameter) replayed into an SVG, with its frames
// and a browser (Chromium; Firefox for the Firefox* suites, WebKit for the
// WebKit* ones); skipped where that browser is not installed.
class BrowserFixtureTest : public ::testing::TestWithParam<std::string>,
                           protected ReplayedInBrowser {
 protected:
  virtual Engine engine() const { return Engine::kChromium; }
  void SetUp() override {
    if (!Installed(engine())) {
      GTEST_SKIP() << EngineName(engine()) << " not installed";
    }
    ReplayAndStartBrowser(FixturePath(GetParam()), engine());
  }
};

class FirefoxFixtureTest : public BrowserFixtureTest {
 protected:
  Engine engine() const override { return Engine::kFirefox; }
};

class WebKitFixtureTest : public BrowserFixtureTest {
 protected:
  Engine engine() const override { return Engine::kWebKit; }
};

const auto kBrowserFixtures = ::testing::Values(
    "boxes", "colortypes", "scroll", "terminal", "terminal-odd", "typing",
    "typing-long", "window", "recolour", "emoji", "patterns",
    "anchor-patches/chevron", "anchor-patches/diagonal", "anchor-patches/full",
    "anchor-patches/horizontal", "anchor-patches/letter",
    "anchor-patches/vertical");

using BrowserTest = BrowserFixtureTest;

TEST_P(BrowserTest, FramesAreExactDirectlyAndInAnImg) {
  EXPECT_TRUE(ExactInDocument(*browser_, svg_, seq_));
  EXPECT_TRUE(ExactInImg(*browser_, dir_, svg_, seq_));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BrowserTest, kBrowserFixtures,
                         FixtureTestName);

// The same in Gecko: "plays in any browser" checked in a second engine.
using FirefoxTest = FirefoxFixtureTest;

TEST_P(FirefoxTest, FramesAreExactDirectlyAndInAnImg) {
  EXPECT_TRUE(ExactInDocument(*browser_, svg_, seq_));
  EXPECT_TRUE(ExactInImg(*browser_, dir_, svg_, seq_));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FirefoxTest, kBrowserFixtures,
                         FixtureTestName);

// And in WebKit, Safari's engine (WebKitGTK).
using WebKitTest = WebKitFixtureTest;

TEST_P(WebKitTest, FramesAreExactDirectlyAndInAnImg) {
  EXPECT_TRUE(ExactInDocument(*browser_, svg_, seq_));
  EXPECT_TRUE(ExactInImg(*browser_, dir_, svg_, seq_));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, WebKitTest, kBrowserFixtures,
                         FixtureTestName);

// The first 100 frames of the reference project's demo (1200x744, kept in
// fixtures/anchor-electron-100 as changes, so that a clean clone has them),
// replayed into an SVG, and a browser (Chromium; WebKit for WebKitCorpus*);
// skipped where that browser is not installed.
class BrowserCorpusTest : public ::testing::Test, protected ReplayedInBrowser {
 protected:
  virtual Engine engine() const { return Engine::kChromium; }
  void SetUp() override {
    if (!Installed(engine())) {
      GTEST_SKIP() << EngineName(engine()) << " not installed";
    }
    const std::string folder = dir_.File("frames");
    ASSERT_NO_FATAL_FAILURE(
        RebuildFromChanges(FixturePath("anchor-electron-100"), folder));
    ReplayAndStartBrowser(folder, engine());
    ASSERT_EQ(seq_.frames.size(), 100u);
  }
};

TEST_F(BrowserCorpusTest, AnchorElectronFirst100Frames) {
  EXPECT_TRUE(ExactInDocument(*browser_, svg_, seq_));
  EXPECT_TRUE(ExactInImg(*browser_, dir_, svg_, seq_));
}

class WebKitCorpusTest : public BrowserCorpusTest {
 protected:
  Engine engine() const override { return Engine::kWebKit; }
};

TEST_F(WebKitCorpusTest, AnchorElectronFirst100Frames) {
  EXPECT_TRUE(ExactInDocument(*browser_, svg_, seq_));
  EXPECT_TRUE(ExactInImg(*browser_, dir_, svg_, seq_));
}

// With --codec webp: the sheets and large patches as lossless WebP.
void CheckWebp(const std::string& fixture, Engine engine) {
  if (!Installed(engine))
    GTEST_SKIP() << EngineName(engine) << " not installed";
  TempDir dir;
  std::string folder = FixturePath(fixture);
  if (fixture == "anchor-electron-100") {
    folder = dir.File("frames");
    ASSERT_NO_FATAL_FAILURE(RebuildFromChanges(FixturePath(fixture), folder));
  }
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  const std::string svg = dir.File("out.svg");
  const CommandResult r =
      RunSvgcast({"replay", folder, "-o", svg, "-q", "--codec", "webp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(ReadFile(svg).find("data:image/webp;base64,"), std::string::npos);
  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ExactInDocument(*browser, svg, seq));
  EXPECT_TRUE(ExactInImg(*browser, dir, svg, seq));
}

// The WebP fixtures (and anchor-electron's first 100 frames; not in
// Firefox, where they would add a minute).
const auto kWebpFixtures = ::testing::Values(
    "boxes", "colortypes", "scroll", "terminal", "terminal-odd", "typing",
    "typing-long", "window", "recolour", "anchor-electron-100");

class BrowserWebpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BrowserWebpTest, FramesAreExactDirectlyAndInAnImg) {
  CheckWebp(GetParam(), Engine::kChromium);
}

INSTANTIATE_TEST_SUITE_P(Webp, BrowserWebpTest, kWebpFixtures, FixtureTestName);

class FirefoxWebpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FirefoxWebpTest, FramesAreExactDirectlyAndInAnImg) {
  CheckWebp(GetParam(), Engine::kFirefox);
}

INSTANTIATE_TEST_SUITE_P(Webp, FirefoxWebpTest,
                         ::testing::Values("boxes", "colortypes", "scroll",
                                           "terminal", "terminal-odd", "typing",
                                           "typing-long", "window", "recolour"),
                         FixtureTestName);

class WebKitWebpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WebKitWebpTest, FramesAreExactDirectlyAndInAnImg) {
  CheckWebp(GetParam(), Engine::kWebKit);
}

INSTANTIATE_TEST_SUITE_P(Webp, WebKitWebpTest, kWebpFixtures, FixtureTestName);

// `svgcast convert` of a lossless video (FFV1, made by ffmpeg from a
// fixture at its frames.txt times): the same pipeline and format, so the
// browser shows the fixture's frames exactly, at their times.
TEST(BrowserConvertTest, ConvertedLosslessVideoIsExactDirectlyAndInAnImg) {
  if (!Installed(Engine::kChromium)) GTEST_SKIP() << "chromium not installed";
  if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  TempDir dir;
  const std::string folder = FixturePath("boxes");
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  const std::string video = dir.File("boxes.mkv");
  ASSERT_TRUE(MakeVideo(folder, VideoKind::kLosslessMkv, video));
  const std::string svg = dir.File("out.svg");
  const CommandResult r = RunSvgcast({"convert", video, "-o", svg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::unique_ptr<Browser> browser = Start(Engine::kChromium);
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ExactInDocument(*browser, svg, seq));
  EXPECT_TRUE(ExactInImg(*browser, dir, svg, seq));
}

// Shown at 50%, 150% and 200% (the SVG's width and height changed, its viewBox
// kept), a frame of the screencast looks like the frame's own PNG shown the
// same way by the same browser: no seams where patches meet. (svgcast keeps
// one pixel of unchanged context around every patch and aligns patches to
// even pixels for this: without them a patch edge is filtered against the
// patch's own edge pixels, and at 50% an odd-placed patch is averaged in
// other 2x2 blocks than the whole frame — dozens of levels off along every
// patch edge; and every patch is opaque: where an image's transparent
// pixels meet its opaque ones, the browser blends with the layer below by
// premultiplied alpha, which is not the arithmetic of filtering one image:
// 71 levels off on the recolour fixture.) Not pixel for pixel: a patch
// shown from a sprite sheet (a nested <svg> showing part of a bigger
// image) is sometimes filtered a little differently when enlarged (up to 13
// levels over a whole patch, seen on the scroll fixture at 150%; the bleed
// around sprites rules out their neighbours). (Firefox by default decodes
// an image drawn smaller at that smaller size, with a filter that sprites
// shown from a sheet do not get: up to 33 levels off on text at 50%, the
// filter's doing, not a seam. Its test profile turns that off, and then it
// measures as Chromium does: 0 levels at 50%, 16 at 150%.) And Chromium
// paints a pattern's tile into a bitmap and then scales that bitmap with
// plain bilinear interpolation (within 1 level of OpenCV's INTER_LINEAR),
// where it scales an <image> or a <use> of one with a smoother filter: up
// to 20 levels apart on text, and no image-rendering value changes either.
// So each pixel is compared with the nearer of two references: the frame
// as the browser scales an image, and the frame scaled bilinearly; both
// filter the whole frame, with every pixel's true neighbours, so a seam is
// far from both (SeamsFail below: 57 to 161 levels).
// Tolerance: no pixel more than 24 levels off in any channel, and at most
// 0.5% of the pixels off by more than 16 — a seam (a gap showing the
// picture below, a doubled or shifted edge) is a whole line of pixels 56 to
// 98 levels off, more than 1% of these small frames (24 pixels at least).
// Measured against the nearer reference: at most 16 levels (Firefox at
// 150% everywhere; Chromium's sprites of sheets shown as images, 12 to
// 16), on no pixel more; WebKit 1; at 50%, 0. (Against the browser's own
// scaling alone, Chromium's pattern sprites were 20 levels off on up to
// 0.54% of a 13 px log's pixels, over the 0.5% then allowed with 32.)
// Appends <image ATTRS href="data:image/png;base64,..."/> of `bgrx`.
Status AppendPngImage(const cv::Mat& bgrx, const std::string& attrs,
                      std::string* svg) {
  std::vector<uint8_t> png;
  if (Status s = EncodePng(bgrx, PngOptions{}, &png); !s.ok()) return s;
  *svg += "<image " + attrs + " href=\"data:image/png;base64,";
  AppendBase64(png.data(), png.size(), svg);
  *svg += "\"/>";
  return Status::Ok();
}

// `bgrx` scaled to `size` by bilinear interpolation, pixel centres on
// pixel centres and edges repeated (as OpenCV's INTER_LINEAR, and
// Chromium scaling a pattern's tile; within a level of both). By hand:
// cv::resize runs on OpenCV's own TBB threads, whose hand-offs
// ThreadSanitizer cannot see inside the uninstrumented libopencv_core.
cv::Mat Bilinear(const cv::Mat& bgrx, cv::Size size) {
  cv::Mat out(size, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  const double sx = static_cast<double>(bgrx.cols) / size.width;
  const double sy = static_cast<double>(bgrx.rows) / size.height;
  for (int y = 0; y < size.height; ++y) {
    const double fy = std::clamp((y + 0.5) * sy - 0.5, 0.0, bgrx.rows - 1.0);
    const int y0 = static_cast<int>(fy);
    const int y1 = std::min(y0 + 1, bgrx.rows - 1);
    const double wy = fy - y0;
    for (int x = 0; x < size.width; ++x) {
      const double fx = std::clamp((x + 0.5) * sx - 0.5, 0.0, bgrx.cols - 1.0);
      const int x0 = static_cast<int>(fx);
      const int x1 = std::min(x0 + 1, bgrx.cols - 1);
      const double wx = fx - x0;
      const cv::Vec4b& a = bgrx.at<cv::Vec4b>(y0, x0);
      const cv::Vec4b& b = bgrx.at<cv::Vec4b>(y0, x1);
      const cv::Vec4b& c = bgrx.at<cv::Vec4b>(y1, x0);
      const cv::Vec4b& d = bgrx.at<cv::Vec4b>(y1, x1);
      cv::Vec4b& o = out.at<cv::Vec4b>(y, x);
      for (int k = 0; k < 3; ++k) {
        const double top = a[k] + (b[k] - a[k]) * wx;
        const double bottom = c[k] + (d[k] - c[k]) * wx;
        o[k] = static_cast<uint8_t>(std::lround(top + (bottom - top) * wy));
      }
    }
  }
  return out;
}

constexpr size_t kScaleEveryFrameUpTo = 40;  // (typing-long: 37)
// The scales the tests check: half, one and a half, and a HiDPI screen's
// two (where Chromium's pattern sprites, against the browser's image
// alone, were 17 levels off on 1.1% of a 13 px log's pixels).
constexpr double kScales[] = {0.5, 1.5, 2.0};
::testing::AssertionResult ScaledLikeTheFrame(Browser& browser,
                                              const TempDir& dir,
                                              const std::string& svg,
                                              const Sequence& seq,
                                              double scale) {
  const cv::Size size = seq.frames.front().size();
  const int width = static_cast<int>(std::lround(size.width * scale));
  const int height = static_cast<int>(std::lround(size.height * scale));
  const std::string resize =
      "document.documentElement.setAttribute('width', " +
      std::to_string(width) + ");" +
      "document.documentElement.setAttribute('height', " +
      std::to_string(height) + ");";
  const size_t n = seq.frames.size();
  // Every frame of a short sequence (the fixtures); four of a long one,
  // or those SVGCAST_CHECK_SCALE_FRAMES lists ("330,374"; by hand).
  std::vector<size_t> frames = {0, n / 3, n / 2, n - 1};
  if (n <= kScaleEveryFrameUpTo) {
    frames.resize(n);
    std::iota(frames.begin(), frames.end(), size_t{0});
  }
  if (const char* list = std::getenv("SVGCAST_CHECK_SCALE_FRAMES")) {
    frames.clear();
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
      const size_t i = std::stoul(item);
      if (i < n) frames.push_back(i);
    }
  }
  // The screencast, opened once and sought to each frame in turn.
  if (Status s = browser.Open("file://" + svg, width, height); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  if (Status s = browser.Evaluate(resize); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  std::vector<cv::Mat> shots;
  for (size_t i : frames) {
    const double begin = seq.times_ms[i];
    const double end = i + 1 < n ? seq.times_ms[i + 1] : begin + 2000;
    if (Status s = browser.SeekAnimations((begin + end) / 2); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
    if (Status s = browser.Screenshot(&shots.emplace_back()); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
  }
  // The frames themselves, each as one image filling an SVG of the same
  // size: one document holding them all, each shown alone in turn.
  const std::string w = std::to_string(size.width);
  const std::string h = std::to_string(size.height);
  std::string frames_svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
      std::to_string(width) + "\" height=\"" + std::to_string(height) +
      "\" viewBox=\"0 0 " + w + " " + h + "\">";
  for (size_t k = 0; k < frames.size(); ++k) {
    if (Status s = AppendPngImage(seq.frames[frames[k]],
                                  "id=\"f" + std::to_string(k) +
                                      "\" display=\"none\" width=\"" + w +
                                      "\" height=\"" + h + "\"",
                                  &frames_svg);
        !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
  }
  WriteFile(dir.File("frames.svg"), frames_svg + "</svg>");
  if (Status s =
          browser.Open("file://" + dir.File("frames.svg"), width, height);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  for (size_t k = 0; k < frames.size(); ++k) {
    const size_t i = frames[k];
    const cv::Mat& shot = shots[k];
    cv::Mat reference;
    const std::string show =
        "for (const e of document.querySelectorAll('image')) "
        "e.setAttribute('display', e.id == 'f" +
        std::to_string(k) +
        "' ? 'inline' : 'none');"
        "new Promise(r => requestAnimationFrame(() => "
        "requestAnimationFrame(r)))";
    if (Status s = browser.Evaluate(show); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
    if (Status s = browser.Screenshot(&reference); !s.ok()) {
      return ::testing::AssertionFailure() << s.message();
    }
    if (shot.size() != reference.size()) {
      return ::testing::AssertionFailure() << "sizes differ";
    }
    // Each pixel against the nearer of two: the browser's own scaling of
    // the frame, and plain bilinear interpolation of it.
    const cv::Mat linear = Bilinear(seq.frames[i], shot.size());
    int worst = 0;
    size_t off = 0;
    int worst_image = 0;  // (against the browser's scaling alone)
    size_t off_image = 0;
    for (int y = 0; y < shot.rows; ++y) {
      for (int x = 0; x < shot.cols; ++x) {
        const cv::Vec4b a = shot.at<cv::Vec4b>(y, x);
        const cv::Vec4b b = reference.at<cv::Vec4b>(y, x);
        const cv::Vec4b l = linear.at<cv::Vec4b>(y, x);
        int d_image = 0;
        int d_linear = 0;
        for (int c = 0; c < 3; ++c) {
          d_image = std::max(d_image, std::abs(a[c] - b[c]));
          d_linear = std::max(d_linear, std::abs(a[c] - l[c]));
        }
        const int d = std::min(d_image, d_linear);
        worst = std::max(worst, d);
        off += d > 16 ? 1 : 0;
        worst_image = std::max(worst_image, d_image);
        off_image += d_image > 16 ? 1 : 0;
      }
    }
    if (const char* dump = std::getenv("SVGCAST_CHECK_DUMP")) {
      // (To look at: the screenshot and the reference, in this folder.)
      const std::string base = std::string(dump) + "/" + std::to_string(i) +
                               "-" + std::to_string(int(scale * 10));
      WritePngFile(base + "-shot.png", shot);
      WritePngFile(base + "-ref.png", reference);
    }
    std::printf(
        "  scale %g, frame %zu: max difference %d, %zu of %d "
        "pixels off by more than 16 (from the image alone: %d, %zu)\n",
        scale, i, worst, off, shot.rows * shot.cols, worst_image, off_image);
    if (worst > 24 || off > static_cast<size_t>(shot.total()) / 200) {
      return ::testing::AssertionFailure()
             << "scale " << scale << ", frame " << i << ": max difference "
             << worst << ", " << off << " pixels off by more than 16";
    }
  }
  return ::testing::AssertionSuccess();
}

using BrowserScaleTest = BrowserFixtureTest;

TEST_P(BrowserScaleTest, NoSeamsAtHalfOneAndAHalfAndDouble) {
  for (double scale : kScales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

const auto kScaleFixtures = ::testing::Values(
    "boxes", "scroll", "terminal", "terminal-odd", "typing", "typing-long",
    "window", "recolour", "emoji", "patterns", "anchor-patches/letter");

INSTANTIATE_TEST_SUITE_P(Fixtures, BrowserScaleTest, kScaleFixtures,
                         FixtureTestName);

using FirefoxScaleTest = FirefoxFixtureTest;

TEST_P(FirefoxScaleTest, NoSeamsAtHalfOneAndAHalfAndDouble) {
  for (double scale : kScales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FirefoxScaleTest, kScaleFixtures,
                         FixtureTestName);

using WebKitScaleTest = WebKitFixtureTest;

TEST_P(WebKitScaleTest, NoSeamsAtHalfOneAndAHalfAndDouble) {
  for (double scale : kScales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, WebKitScaleTest, kScaleFixtures,
                         FixtureTestName);

// --align 4: clean at 125% too, where four pixels are five screen pixels
// (at the default 2, pieces land half a screen pixel off there:
// terminal-odd 84, 90 and 103 levels off in Chromium, Firefox and WebKit),
// and still at 150%. On frames whose sides are multiples of 4: one that is
// not (typing-long is 46 pixels high) is centred in its box a fraction of
// a screen pixel off, and Firefox then draws its pieces up to 87 levels
// off at 125%.
class Align4ScaleTest : public BrowserFixtureTest {
 protected:
  void SetUp() override {
    if (!Installed(engine())) {
      GTEST_SKIP() << EngineName(engine()) << " not installed";
    }
    const std::string folder = FixturePath(GetParam());
    ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq_));
    svg_ = dir_.File("out.svg");
    const CommandResult r =
        RunSvgcast({"replay", folder, "-o", svg_, "-q", "--align", "4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    browser_ = Start(engine());
    ASSERT_NE(browser_, nullptr);
  }
};

TEST_P(Align4ScaleTest, NoSeamsAtOneAndAQuarter) {
  for (double scale : {1.25, 1.5}) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

class FirefoxAlign4ScaleTest : public Align4ScaleTest {
 protected:
  Engine engine() const override { return Engine::kFirefox; }
};

TEST_P(FirefoxAlign4ScaleTest, NoSeamsAtOneAndAQuarter) {
  for (double scale : {1.25, 1.5}) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

class WebKitAlign4ScaleTest : public Align4ScaleTest {
 protected:
  Engine engine() const override { return Engine::kWebKit; }
};

TEST_P(WebKitAlign4ScaleTest, NoSeamsAtOneAndAQuarter) {
  for (double scale : {1.25, 1.5}) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

// Moves, sprites with their context, a big patch in tiles, grey parts.
const auto kAlign4Fixtures =
    ::testing::Values("typing", "terminal-odd", "window", "emoji");
INSTANTIATE_TEST_SUITE_P(Fixtures, Align4ScaleTest, kAlign4Fixtures,
                         FixtureTestName);
INSTANTIATE_TEST_SUITE_P(Fixtures, FirefoxAlign4ScaleTest, kAlign4Fixtures,
                         FixtureTestName);
INSTANTIATE_TEST_SUITE_P(Fixtures, WebKitAlign4ScaleTest, kAlign4Fixtures,
                         FixtureTestName);

// The same on the first 100 frames of the reference project's demo, where
// the shared corpus is next to the checkout: real text, patches beside
// glyphs (without their context, sprites were 36 levels off at 150%).
TEST_F(BrowserCorpusTest, AnchorElectronFirst100FramesScaleWithoutSeams) {
  for (double scale : kScales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

TEST_F(WebKitCorpusTest, AnchorElectronFirst100FramesScaleWithoutSeams) {
  for (double scale : kScales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser_, dir_, svg_, seq_, scale));
  }
}

// The check can fail: a screencast of other frames does not pass.
void CheckOtherFramesFail(Engine engine) {
  if (!Installed(engine))
    GTEST_SKIP() << EngineName(engine) << " not installed";
  TempDir dir;
  Sequence seq;
  ASSERT_TRUE(
      LoadSequence(FixturePath("anchor-patches/vertical"), SIZE_MAX, &seq));
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(FixturePath("anchor-patches/diagonal"), svg));
  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  // (Failing on what the screenshots show, not on the browser.)
  const ::testing::AssertionResult document =
      ExactInDocument(*browser, svg, seq);
  EXPECT_FALSE(document);
  EXPECT_NE(std::string(document.message()).find("): pixel ("),
            std::string::npos)
      << document.message();
  const ::testing::AssertionResult img = ExactInImg(*browser, dir, svg, seq);
  EXPECT_FALSE(img);
  EXPECT_NE(std::string(img.message()).find("is none of the frames"),
            std::string::npos)
      << img.message();
  const ::testing::AssertionResult scaled =
      ScaledLikeTheFrame(*browser, dir, svg, seq, 1.5);
  EXPECT_FALSE(scaled);
  EXPECT_NE(std::string(scaled.message()).find("scale 1.5, frame 1: max"),
            std::string::npos)
      << scaled.message();
}

TEST(BrowserCheckTest, OtherFramesFail) {
  CheckOtherFramesFail(Engine::kChromium);
}

TEST(FirefoxCheckTest, OtherFramesFail) {
  CheckOtherFramesFail(Engine::kFirefox);
}

TEST(WebKitCheckTest, OtherFramesFail) {
  CheckOtherFramesFail(Engine::kWebKit);
}

// The scale check finds a seam: a frame of text drawn as two images that
// meet at an odd column, each without the other's pixels (what a patch
// without its context at an odd place would be), is not the frame scaled.
void CheckSeamsFail(Engine engine) {
  if (!Installed(engine))
    GTEST_SKIP() << EngineName(engine) << " not installed";
  TempDir dir;
  Sequence all;
  ASSERT_TRUE(LoadSequence(FixturePath("terminal"), SIZE_MAX, &all));
  Sequence seq;
  seq.frames = {all.frames.back()};
  seq.times_ms = {0};
  const cv::Mat& frame = seq.frames.front();
  const int cut = frame.cols / 2 | 1;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(frame.cols) + "\" height=\"" +
                    std::to_string(frame.rows) + "\" viewBox=\"0 0 " +
                    std::to_string(frame.cols) + " " +
                    std::to_string(frame.rows) + "\">";
  for (const cv::Rect part : {cv::Rect(0, 0, cut, frame.rows),
                              cv::Rect(cut, 0, frame.cols - cut, frame.rows)}) {
    ASSERT_TRUE(AppendPngImage(frame(part).clone(),
                               "x=\"" + std::to_string(part.x) + "\" width=\"" +
                                   std::to_string(part.width) + "\" height=\"" +
                                   std::to_string(part.height) + "\"",
                               &svg)
                    .ok());
  }
  WriteFile(dir.File("cut.svg"), svg + "</svg>");
  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  // Whole at 100%: the cut shows only when scaled.
  EXPECT_TRUE(ExactInDocument(*browser, dir.File("cut.svg"), seq));
  for (double scale : {0.5, 1.5}) {
    const ::testing::AssertionResult scaled =
        ScaledLikeTheFrame(*browser, dir, dir.File("cut.svg"), seq, scale);
    EXPECT_FALSE(scaled) << "scale " << scale;
  }
}

TEST(BrowserCheckTest, SeamsFail) { CheckSeamsFail(Engine::kChromium); }

TEST(FirefoxCheckTest, SeamsFail) { CheckSeamsFail(Engine::kFirefox); }

TEST(WebKitCheckTest, SeamsFail) { CheckSeamsFail(Engine::kWebKit); }

// What a script gives back comes back whole, whatever its type (the
// benchmark reads an array of animation frame times).
void CheckScriptValues(Engine engine) {
  if (!Installed(engine))
    GTEST_SKIP() << EngineName(engine) << " not installed";
  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  ASSERT_TRUE(browser->Open("about:blank", 64, 64).ok());
  const nlohmann::json want = {{"a", {1, 2.5, "three"}}, {"b", nullptr}};
  for (const auto& [script, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{
           {"({a: [1, 2.5, 'three'], b: null})", want},
           {"Promise.resolve([4, 5])", {4, 5}},
           {"6 * 7", 42},
           {"'text'", "text"},
           {"undefined", nullptr}}) {
    nlohmann::json got = "unset";
    ASSERT_TRUE(browser->Evaluate(script, &got).ok()) << script;
    EXPECT_EQ(got, value) << script;
  }
}

TEST(BrowserCheckTest, ScriptValuesComeBackWhole) {
  CheckScriptValues(Engine::kChromium);
}

TEST(FirefoxCheckTest, ScriptValuesComeBackWhole) {
  CheckScriptValues(Engine::kFirefox);
}

TEST(WebKitCheckTest, ScriptValuesComeBackWhole) {
  CheckScriptValues(Engine::kWebKit);
}

}  // namespace
}  // namespace svgcast::test

namespace svgcast::test {
namespace {

// A recording checked by hand: SVGCAST_CHECK_SVG (an SVG) against
// SVGCAST_CHECK_FRAMES (its frames folder, with frames.txt), exact in the
// document and scaled (SVGCAST_CHECK_DUMP: a folder to write the scaled
// screenshots and references to; SVGCAST_CHECK_SCALE_FRAMES: which frames
// to scale, "330,374"; SVGCAST_CHECK_SCALES: at which scales, "2,1.25",
// instead of 0.5 and 1.5; SVGCAST_CHECK_BROWSER=firefox or webkit: in that
// engine); skipped unless both are set.
TEST(BrowserRecordingCheck, SvgOfTheFramesGivenInTheEnvironment) {
  const char* svg = std::getenv("SVGCAST_CHECK_SVG");
  const char* folder = std::getenv("SVGCAST_CHECK_FRAMES");
  if (svg == nullptr || folder == nullptr) {
    GTEST_SKIP() << "set SVGCAST_CHECK_SVG and SVGCAST_CHECK_FRAMES";
  }
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  const char* which = std::getenv("SVGCAST_CHECK_BROWSER");
  Engine engine = Engine::kChromium;
  ASSERT_TRUE(which == nullptr || EngineNamed(which, &engine))
      << "SVGCAST_CHECK_BROWSER: no engine " << which;
  std::unique_ptr<Browser> browser = Start(engine);
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ExactInDocument(*browser, svg, seq));
  TempDir dir;
  std::vector<double> scales = {0.5, 1.5};
  if (const char* list = std::getenv("SVGCAST_CHECK_SCALES")) {
    scales.clear();
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
      scales.push_back(std::stod(item));
    }
  }
  for (double scale : scales) {
    EXPECT_TRUE(ScaledLikeTheFrame(*browser, dir, svg, seq, scale));
  }
}

}  // namespace
}  // namespace svgcast::test
