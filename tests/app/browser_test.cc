// What users see: svgcast's SVGs rendered by a real browser (Debian's
// headless Chromium) equal the recorded frames, pixel for pixel.
//
// Opened directly, the SVG is its own document: the test pauses every
// animation and seeks it to an exact time (Web Animations: currentTime),
// then takes a screenshot — inside every frame's display interval, and at
// the first and the last millisecond of some intervals.
//
// Inside an <img>, Chromium runs the image's animations on a clock of its
// own (real time, out of reach of the page, of DevTools and of virtual
// time), so there the test cannot seek. It takes screenshots while the
// screencast plays and checks that each one is exactly one of the frames,
// never a mixture, in order, and that the last frame holds at the end.
//
// Skipped where Chromium is not installed (.ci/run installs it).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <sys/stat.h>

#include "capture/clock.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "tests/test_util.h"
#include "tests/tools/chromium.h"

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

// A folder with the first `count` frames of `folder` (files linked).
void FirstFrames(const std::string& folder, size_t count,
                 const std::string& to) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  ASSERT_TRUE(ParseManifest(ReadFile(manifest), manifest, &entries).ok());
  std::string lines;
  for (size_t i = 0; i < std::min(count, entries.size()); ++i) {
    const ManifestEntry& e = entries[i];
    WriteFile(to + "/" + e.file, ReadFile(folder + "/" + e.file));
    lines += e.file + " " + FormatMilliseconds(e.timestamp_us) + "\n";
  }
  WriteFile(to + "/frames.txt", lines);
}

std::unique_ptr<Chromium> StartBrowser() {
  std::unique_ptr<Chromium> browser;
  const Status s = Chromium::Start(&browser);
  EXPECT_TRUE(s.ok()) << s.message();
  return browser;
}

// Seeks the open SVG document to `ms` and compares with `frame`.
::testing::AssertionResult ShowsAt(Chromium& browser, double ms,
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
::testing::AssertionResult ExactInDocument(Chromium& browser,
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
    // the last sample is 10 us before the next frame.)
    for (double ms : {begin, begin + 0.999, end - 1, end - 0.01}) {
      auto result = ShowsAt(browser, ms, seq.frames[i], i);
      if (!result) return result;
    }
  }
  return ::testing::AssertionSuccess();
}

// The SVG in an <img> on a page, playing in real time: every screenshot is
// exactly one of the frames, the frames come in order, and once the last
// frame's time has passed, the last frame is what stays.
::testing::AssertionResult ExactInImg(Chromium& browser, const TempDir& dir,
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

class BrowserTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (Chromium::Binary().empty()) GTEST_SKIP() << "chromium not installed";
  }
};

TEST_P(BrowserTest, FramesAreExactDirectlyAndInAnImg) {
  TempDir dir;
  const std::string folder = FixturePath(GetParam());
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(folder, svg));
  std::unique_ptr<Chromium> browser = StartBrowser();
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ExactInDocument(*browser, svg, seq));
  EXPECT_TRUE(ExactInImg(*browser, dir, svg, seq));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BrowserTest,
    ::testing::Values("boxes", "colortypes", "scroll", "anchor-patches/chevron",
                      "anchor-patches/diagonal", "anchor-patches/full",
                      "anchor-patches/horizontal", "anchor-patches/letter",
                      "anchor-patches/vertical"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name = info.param;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// The first 100 frames of the reference project's demo (1200x744), where
// the shared corpus is next to the checkout.
TEST(BrowserCorpusTest, AnchorElectronFirst100Frames) {
  if (Chromium::Binary().empty()) GTEST_SKIP() << "chromium not installed";
  const std::string corpus = CorpusPath("anchor-electron");
  if (corpus.empty()) GTEST_SKIP() << "../shared/corpus/anchor-electron absent";
  TempDir dir;
  const std::string folder = dir.File("frames");
  ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
  FirstFrames(corpus, 100, folder);
  Sequence seq;
  ASSERT_TRUE(LoadSequence(folder, SIZE_MAX, &seq));
  ASSERT_EQ(seq.frames.size(), 100u);
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(folder, svg));
  std::unique_ptr<Chromium> browser = StartBrowser();
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(ExactInDocument(*browser, svg, seq));
  EXPECT_TRUE(ExactInImg(*browser, dir, svg, seq));
}

// The check can fail: a screencast of other frames does not pass.
TEST(BrowserCheckTest, OtherFramesFail) {
  if (Chromium::Binary().empty()) GTEST_SKIP() << "chromium not installed";
  TempDir dir;
  Sequence seq;
  ASSERT_TRUE(
      LoadSequence(FixturePath("anchor-patches/vertical"), SIZE_MAX, &seq));
  const std::string svg = dir.File("out.svg");
  ASSERT_TRUE(Replay(FixturePath("anchor-patches/diagonal"), svg));
  std::unique_ptr<Chromium> browser = StartBrowser();
  ASSERT_NE(browser, nullptr);
  EXPECT_FALSE(ExactInDocument(*browser, svg, seq));
  EXPECT_FALSE(ExactInImg(*browser, dir, svg, seq));
}

}  // namespace
}  // namespace svgcast::test
