// OpenFixtureSource: manifest and bare folders, order, timestamps, errors,
// and real-time replay (deadlines, skipping what a late caller missed).
#include "capture/fixture_source.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/clock.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

const int64_t kBoxesMs[] = {0,   100, 150,  200,  250,  400,
                            433, 500, 1000, 1200, 1700, 2200};

std::unique_ptr<FrameSource> OpenOk(const std::string& folder, double fps = 0) {
  std::unique_ptr<FrameSource> source;
  const Status s = OpenFixtureSource({folder, fps}, &source);
  EXPECT_TRUE(s.ok()) << s.message();
  return source;
}

// The error of a sequence that must not open.
std::string OpenError(const std::string& folder, double fps = 0) {
  std::unique_ptr<FrameSource> source;
  const Status s = OpenFixtureSource({folder, fps}, &source);
  EXPECT_FALSE(s.ok()) << folder << " opened";
  EXPECT_EQ(source, nullptr);
  return s.message();
}

cv::Mat ReadOk(const std::string& path) {
  cv::Mat image;
  const Status s = ReadPngFile(path, &image);
  EXPECT_TRUE(s.ok()) << s.message();
  return image;
}

struct Captured {
  cv::Mat pixels;
  int64_t timestamp_us = 0;
};

bool Next(FrameSource& source) {
  Tick tick;
  const bool more = source.WaitForNextFrame(&tick);
  EXPECT_EQ(tick.deadline_ns, 0) << "replay is not paced";
  EXPECT_EQ(tick.skipped, 0u);
  return more;
}

Status Grab(FrameSource& source, cv::Mat* pixels, int64_t* timestamp_us) {
  Frame frame;
  Status status = source.Capture(&frame);
  *pixels = frame.pixels;
  *timestamp_us = frame.timestamp_us;
  EXPECT_FALSE(frame.cursor.has_value());
  return status;
}

// Captures every remaining frame.
std::vector<Captured> CaptureAll(FrameSource& source) {
  std::vector<Captured> frames;
  while (Next(source)) {
    Captured frame;
    const Status s = Grab(source, &frame.pixels, &frame.timestamp_us);
    EXPECT_TRUE(s.ok()) << s.message();
    if (!s.ok()) break;
    frames.push_back(std::move(frame));
  }
  return frames;
}

// A copy of fixtures/boxes in a temporary folder, to break.
class FixtureSourceErrorTest : public ::testing::Test {
 protected:
  FixtureSourceErrorTest() { CopyFolder(FixturePath("boxes"), dir_.path()); }
  const std::string& folder() const { return dir_.path(); }
  std::string File(const std::string& name) const { return dir_.File(name); }

  TempDir dir_;
};

TEST(FixtureSourceTest, OpensBoxes) {
  const auto source = OpenOk(FixturePath("boxes"));
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->frame_size(), cv::Size(64, 48));
  ASSERT_TRUE(source->frame_count().has_value());
  EXPECT_EQ(*source->frame_count(), 12u);
}

TEST(FixtureSourceTest, CapturesTheFilesWithManifestTimestamps) {
  const auto source = OpenOk(FixturePath("boxes"));
  ASSERT_NE(source, nullptr);
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 12u);
  for (size_t i = 0; i < frames.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%03zu.png", i);
    SCOPED_TRACE(name);
    EXPECT_EQ(frames[i].timestamp_us, kBoxesMs[i] * 1000);
    ASSERT_EQ(frames[i].pixels.type(), CV_8UC4);
    EXPECT_TRUE(SamePixels(ReadOk(FixturePath(std::string("boxes/") + name)),
                           frames[i].pixels));
  }
  // Frames 1 and 2 differ (the box moves), so order matters above.
  EXPECT_FALSE(SamePixels(frames[1].pixels, frames[2].pixels));
  EXPECT_FALSE(Next(*source)) << "the stream has ended";
  EXPECT_FALSE(Next(*source));
}

// --start/--end: the frame on screen at start first (shown from start),
// frames at or after end left out.
TEST(FixtureSourceTest, TrimStartsWithTheFrameOnScreenAndEndsBeforeEnd) {
  FixtureOptions options{FixturePath("boxes"), 0};
  options.start_us = 120'000;  // frame 1 (100 ms) is on screen then
  options.end_us = 1'000'000;  // frame 8 (1000 ms) and later are cut
  std::unique_ptr<FrameSource> source;
  ASSERT_TRUE(OpenFixtureSource(options, &source).ok());
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 7u);  // frames 1..7
  EXPECT_EQ(frames[0].timestamp_us, 120'000);
  EXPECT_TRUE(
      SamePixels(ReadOk(FixturePath("boxes/001.png")), frames[0].pixels));
  EXPECT_EQ(frames[1].timestamp_us, 150'000);
  EXPECT_EQ(frames.back().timestamp_us, 500'000);
  EXPECT_TRUE(
      SamePixels(ReadOk(FixturePath("boxes/007.png")), frames.back().pixels));
}

TEST(FixtureSourceTest, TrimAtAFrameTimeStartsWithThatFrame) {
  FixtureOptions options{FixturePath("boxes"), 0};
  options.start_us = 150'000;
  std::unique_ptr<FrameSource> source;
  ASSERT_TRUE(OpenFixtureSource(options, &source).ok());
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 10u);
  EXPECT_EQ(frames[0].timestamp_us, 150'000);
  EXPECT_TRUE(
      SamePixels(ReadOk(FixturePath("boxes/002.png")), frames[0].pixels));
}

TEST(FixtureSourceTest, StartAfterTheLastFrameIsAnError) {
  FixtureOptions options{FixturePath("boxes"), 0};
  options.start_us = 5'000'000;
  std::unique_ptr<FrameSource> source;
  const Status s = OpenFixtureSource(options, &source);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "--start 5000 ms: after the last frame"));
}

TEST(FixtureSourceTest, EachCaptureIsANewBuffer) {
  const auto source = OpenOk(FixturePath("boxes"));
  ASSERT_NE(source, nullptr);
  cv::Mat first;
  int64_t t = -1;
  ASSERT_TRUE(Next(*source));
  ASSERT_TRUE(Grab(*source, &first, &t).ok());
  const cv::Mat kept = first;  // as if published
  cv::Mat second = first;
  ASSERT_TRUE(Next(*source));
  ASSERT_TRUE(Grab(*source, &second, &t).ok());
  EXPECT_NE(second.data, kept.data);
  EXPECT_TRUE(SamePixels(ReadOk(FixturePath("boxes/000.png")), kept));
}

TEST(FixtureSourceTest, SkipPassesOverAFrame) {
  const auto source = OpenOk(FixturePath("boxes"));
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(Next(*source));
  source->Skip();  // 000.png
  ASSERT_TRUE(Next(*source));
  Captured frame;
  ASSERT_TRUE(Grab(*source, &frame.pixels, &frame.timestamp_us).ok());
  EXPECT_EQ(frame.timestamp_us, 100000);
  EXPECT_TRUE(SamePixels(ReadOk(FixturePath("boxes/001.png")), frame.pixels));

  for (int i = 0; i < 3; ++i) {  // 002, 003, 004
    ASSERT_TRUE(Next(*source));
    source->Skip();
  }
  const std::vector<Captured> rest = CaptureAll(*source);
  ASSERT_EQ(rest.size(), 7u);  // 005 .. 011
  EXPECT_EQ(rest[0].timestamp_us, 400000);
  EXPECT_TRUE(SamePixels(ReadOk(FixturePath("boxes/005.png")), rest[0].pixels));
  EXPECT_EQ(rest[6].timestamp_us, 2200000);
}

TEST(FixtureSourceTest, SkippingEveryFrameEndsTheStream) {
  const auto source = OpenOk(FixturePath("boxes"));
  ASSERT_NE(source, nullptr);
  int skipped = 0;
  while (Next(*source)) {
    source->Skip();
    ++skipped;
  }
  EXPECT_EQ(skipped, 12);
}

TEST(FixtureSourceTest, FpsOverridesManifestTimestamps) {
  const auto source = OpenOk(FixturePath("boxes"), 10);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->frame_count(), 12u);
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 12u);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].timestamp_us, static_cast<int64_t>(i) * 100000);
  }
  EXPECT_TRUE(
      SamePixels(ReadOk(FixturePath("boxes/011.png")), frames[11].pixels));
}

TEST(FixtureSourceTest, BareFolderNeedsFps) {
  const std::string folder = FixturePath("bare");
  const std::string message = OpenError(folder);
  EXPECT_TRUE(Contains(message, folder));
  EXPECT_TRUE(Contains(message, "--fps"));
  EXPECT_TRUE(Contains(message, "frames.txt"));
  EXPECT_TRUE(Contains(message, "3 PNG files"));
}

TEST(FixtureSourceTest, BareFolderPlaysInNaturalOrderAtFps) {
  const auto source = OpenOk(FixturePath("bare"), 4);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->frame_size(), cv::Size(32, 24));
  EXPECT_EQ(*source->frame_count(), 3u);
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 3u);
  const char* const names[] = {"1.png", "2.png", "10.png"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(frames[i].timestamp_us, static_cast<int64_t>(i) * 250000);
    EXPECT_TRUE(SamePixels(ReadOk(FixturePath(std::string("bare/") + names[i])),
                           frames[i].pixels));
  }
}

TEST(FixtureSourceTest, FractionalFpsRoundsToMicroseconds) {
  const auto source = OpenOk(FixturePath("bare"), 3);
  ASSERT_NE(source, nullptr);
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].timestamp_us, 0);
  EXPECT_EQ(frames[1].timestamp_us, 333333);
  EXPECT_EQ(frames[2].timestamp_us, 666667);
}

TEST(FixtureSourceTest, NaturalOrderWithPrefixesAndZeros) {
  TempDir dir;
  const cv::Size size(4, 4);
  // Written out of order; the pixel's blue value is the expected position.
  const std::vector<std::string> in_order = {
      "frame1.png", "frame02.png", "frame3.PNG", "frame10.png", "frame100.png"};
  const std::vector<std::string> written = {
      "frame100.png", "frame3.PNG", "frame1.png", "frame10.png", "frame02.png"};
  for (const std::string& name : written) {
    const size_t position =
        std::find(in_order.begin(), in_order.end(), name) - in_order.begin();
    WritePngFile(
        dir.File(name),
        SolidFrame(size, cv::Scalar(static_cast<double>(position), 0, 0)));
  }
  WriteFile(dir.File("notes.txt"), "not a frame");
  std::filesystem::create_directory(dir.File("sub.png"));  // not a file

  const auto source = OpenOk(dir.path(), 25);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->frame_count(), in_order.size());
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), in_order.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].pixels.at<cv::Vec4b>(0, 0)[0], i) << in_order[i];
    EXPECT_EQ(frames[i].timestamp_us, static_cast<int64_t>(i) * 40000);
  }
}

TEST(FixtureSourceTest, MissingFolder) {
  TempDir dir;
  const std::string folder = dir.File("nowhere");
  const std::string message = OpenError(folder, 10);
  EXPECT_TRUE(Contains(message, folder));
  EXPECT_TRUE(Contains(message, "no such folder"));
}

TEST(FixtureSourceTest, FileInsteadOfFolder) {
  const std::string file = FixturePath("boxes/000.png");
  const std::string message = OpenError(file, 10);
  EXPECT_TRUE(Contains(message, file));
  EXPECT_TRUE(Contains(message, "not a folder"));
}

TEST(FixtureSourceTest, EmptyFolder) {
  TempDir dir;
  for (const double fps : {0.0, 10.0}) {
    const std::string message = OpenError(dir.path(), fps);
    EXPECT_TRUE(Contains(message, dir.path()));
    EXPECT_TRUE(Contains(message, "no frames"));
  }
}

TEST_F(FixtureSourceErrorTest, CopyOpens) {
  const auto source = OpenOk(folder());
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->frame_count(), 12u);
}

TEST_F(FixtureSourceErrorTest, ManifestListsAMissingFile) {
  std::filesystem::remove(File("007.png"));
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "007.png"));
  EXPECT_TRUE(Contains(message, "No such file"));
}

TEST_F(FixtureSourceErrorTest, NonPngFile) {
  WriteFile(File("003.png"), "this is a text file, not a picture\n");
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "003.png"));
  EXPECT_TRUE(Contains(message, "not a PNG"));
}

TEST_F(FixtureSourceErrorTest, EmptyPngFile) {
  WriteFile(File("011.png"), "");
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "011.png"));
  EXPECT_TRUE(Contains(message, "empty"));
}

TEST_F(FixtureSourceErrorTest, FramesOfDifferentSizes) {
  WritePngFile(File("005.png"), SolidFrame({32, 24}, cv::Scalar(1, 2, 3)));
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "005.png"));
  EXPECT_TRUE(Contains(message, "32x24"));
  EXPECT_TRUE(Contains(message, "64x48"));
  EXPECT_FALSE(Contains(message, "004.png"));
}

TEST_F(FixtureSourceErrorTest, MalformedManifestLine) {
  std::string manifest = ReadFile(File("frames.txt"));
  const size_t line3 = manifest.find("002.png 150\n");
  ASSERT_NE(line3, std::string::npos);
  manifest.replace(line3, 12, "002.png\n");
  WriteFile(File("frames.txt"), manifest);
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "frames.txt:3: "));
  EXPECT_TRUE(Contains(message, folder()));
}

TEST_F(FixtureSourceErrorTest, NonIncreasingManifestTimestamp) {
  std::string manifest = ReadFile(File("frames.txt"));
  const size_t at = manifest.find("009.png 1200\n");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 13, "009.png 999\n");
  WriteFile(File("frames.txt"), manifest);
  const std::string message = OpenError(folder());
  EXPECT_TRUE(Contains(message, "frames.txt:10: "));
}

TEST_F(FixtureSourceErrorTest, ManifestWithFewerFilesUsesOnlyThose) {
  WriteFile(File("frames.txt"), "# two frames\n010.png 5\n001.png 7.5\n");
  const auto source = OpenOk(folder());
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->frame_count(), 2u);
  const std::vector<Captured> frames = CaptureAll(*source);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].timestamp_us, 5000);
  EXPECT_EQ(frames[1].timestamp_us, 7500);
  EXPECT_TRUE(SamePixels(ReadOk(File("010.png")), frames[0].pixels));
  EXPECT_TRUE(SamePixels(ReadOk(File("001.png")), frames[1].pixels));
}

TEST_F(FixtureSourceErrorTest, CorruptPixelDataFailsAtCapture) {
  // The header is fine, so the sequence opens; the decode fails on the
  // capture thread and names the file.
  std::string png = ReadFile(File("002.png"));
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t i = idat + 4; i < idat + 24 && i < png.size(); ++i) {
    png[i] = static_cast<char>(png[i] ^ 0xFF);
  }
  WriteFile(File("002.png"), png);
  const auto source = OpenOk(folder());
  ASSERT_NE(source, nullptr);
  cv::Mat pixels;
  int64_t t = 0;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Next(*source));
    ASSERT_TRUE(Grab(*source, &pixels, &t).ok());
  }
  ASSERT_TRUE(Next(*source));
  const Status s = Grab(*source, &pixels, &t);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "002.png"));
  EXPECT_TRUE(Contains(s.message(), "corrupt"));
}

// ---- Real-time replay ----
//
// Lateness is arranged by sleeping past known deadlines with SleepUntilNs;
// the checks are relations that hold however late the scheduler wakes the
// test up.

constexpr int64_t kMs = 1'000'000;

// Six frames whose manifest starts at 5 ms, with fractional times.
const int64_t kRealtimeUs[] = {5000, 15000, 25500, 35000, 45000, 55250};
constexpr size_t kRealtimeFrames = std::size(kRealtimeUs);

// The clock just before and after a WaitForNextFrame call.
struct Waited {
  bool more = false;
  Tick tick;
  int64_t before_ns = 0;
  int64_t after_ns = 0;
};

Waited Wait(FrameSource& source) {
  Waited w;
  w.before_ns = MonotonicNowNs();
  w.more = source.WaitForNextFrame(&w.tick);
  w.after_ns = MonotonicNowNs();
  return w;
}

class FixtureSourceRealtimeTest : public ::testing::Test {
 protected:
  FixtureSourceRealtimeTest() {
    std::string manifest;
    for (size_t i = 0; i < kRealtimeFrames; ++i) {
      const std::string name = "f" + std::to_string(i) + ".png";
      WritePngFile(dir_.File(name), Pixels(i));
      manifest += name + " " + FormatMilliseconds(kRealtimeUs[i]) + "\n";
    }
    WriteFile(dir_.File("frames.txt"), manifest);
  }

  static cv::Mat Pixels(size_t i) {
    return SolidFrame({8, 6}, cv::Scalar(40.0 * static_cast<double>(i), 7,
                                         250 - 40.0 * static_cast<double>(i)));
  }

  std::unique_ptr<FrameSource> Open() const {
    FixtureOptions options;
    options.folder = dir_.path();
    options.realtime = true;
    std::unique_ptr<FrameSource> source;
    const Status s = OpenFixtureSource(options, &source);
    EXPECT_TRUE(s.ok()) << s.message();
    return source;
  }

  // When frame i is due, from when frame 0 is.
  static int64_t OffsetNs(size_t i) {
    return (kRealtimeUs[i] - kRealtimeUs[0]) * 1000;
  }

  // Captures the due frame and checks it is frame `index`.
  static void ExpectCaptures(FrameSource& source, size_t index) {
    Frame frame;
    const Status s = source.Capture(&frame);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(frame.timestamp_us, kRealtimeUs[index]) << "manifest time";
    EXPECT_TRUE(SamePixels(Pixels(index), frame.pixels)) << "frame " << index;
  }

  // What holds for the frame a wait returned, `index`, when frame 0 was due
  // at `start`: its deadline is its manifest offset from start, it has
  // passed when the wait returns, and its successor had not come due when
  // the wait began (else it would have been skipped).
  static void ExpectDue(int64_t start, size_t index, const Waited& w) {
    ASSERT_TRUE(w.more);
    ASSERT_LT(index, kRealtimeFrames);
    EXPECT_EQ(w.tick.deadline_ns, start + OffsetNs(index));
    EXPECT_LE(w.tick.deadline_ns, w.after_ns) << "returned before due";
    if (index + 1 < kRealtimeFrames) {
      EXPECT_GT(start + OffsetNs(index + 1), w.before_ns)
          << "frame " << index << " was returned after its successor was due";
    }
  }

  // The first wait: frame 0, due when the wait began (start), never skipped.
  static int64_t Start(FrameSource& source) {
    const Waited w = Wait(source);
    EXPECT_TRUE(w.more);
    EXPECT_EQ(w.tick.skipped, 0u);
    EXPECT_GE(w.tick.deadline_ns, w.before_ns);
    EXPECT_LE(w.tick.deadline_ns, w.after_ns);
    return w.tick.deadline_ns;
  }

  TempDir dir_;
};

TEST_F(FixtureSourceRealtimeTest, DeadlinesAreStartPlusManifestOffsets) {
  const auto source = Open();
  ASSERT_NE(source, nullptr);
  const int64_t start = Start(*source);
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, 0));
  size_t index = 0;
  uint64_t captured = 1, skipped = 0;
  for (;;) {
    const Waited w = Wait(*source);
    if (!w.more) break;
    index += 1 + w.tick.skipped;  // a slow test machine may skip some
    skipped += w.tick.skipped;
    ASSERT_NO_FATAL_FAILURE(ExpectDue(start, index, w));
    ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, index));
    ++captured;
  }
  EXPECT_EQ(index, kRealtimeFrames - 1) << "the last frame is never skipped";
  EXPECT_EQ(captured + skipped, kRealtimeFrames);
  EXPECT_FALSE(Wait(*source).more);
}

TEST_F(FixtureSourceRealtimeTest, LateCallerSkipsFramesWhoseSuccessorIsDue) {
  const auto source = Open();
  ASSERT_NE(source, nullptr);
  const int64_t start = Start(*source);
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, 0));
  // At 25 ms frames 1 (10 ms) and 2 (20.5 ms) are due, so frame 1 is gone;
  // frame 3 is due at 30 ms.
  SleepUntilNs(start + 25 * kMs);
  const Waited w = Wait(*source);
  EXPECT_GE(w.tick.skipped, 1u);
  const size_t index = 1 + w.tick.skipped;
  ASSERT_NO_FATAL_FAILURE(ExpectDue(start, index, w));
  if (w.after_ns < start + OffsetNs(3)) {  // woken before frame 3 was due
    EXPECT_EQ(w.tick.skipped, 1u);
    EXPECT_EQ(index, 2u);
  }
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, index));
  // The rest still plays on the same clock.
  size_t at = index;
  for (;;) {
    const Waited next = Wait(*source);
    if (!next.more) break;
    at += 1 + next.tick.skipped;
    ASSERT_NO_FATAL_FAILURE(ExpectDue(start, at, next));
    ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, at));
  }
  EXPECT_EQ(at, kRealtimeFrames - 1);
}

TEST_F(FixtureSourceRealtimeTest, CallerPastTheEndGetsTheLastFrame) {
  const auto source = Open();
  ASSERT_NE(source, nullptr);
  const int64_t start = Start(*source);
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, 0));
  SleepUntilNs(start + 60 * kMs);  // every frame is due
  const Waited w = Wait(*source);
  ASSERT_TRUE(w.more);
  EXPECT_EQ(w.tick.skipped, 4u);  // 1 .. 4; the last one stays on screen
  EXPECT_EQ(w.tick.deadline_ns, start + 50'250'000);
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, 5));
  EXPECT_FALSE(Wait(*source).more);
}

TEST_F(FixtureSourceRealtimeTest, DroppedFrameKeepsTheClock) {
  // Skip() (the cache is full) passes over the due frame without moving
  // the clock: the next frame is still due at its own offset.
  const auto source = Open();
  ASSERT_NE(source, nullptr);
  const int64_t start = Start(*source);
  source->Skip();  // frame 0
  const Waited w = Wait(*source);
  const size_t index = 1 + w.tick.skipped;
  ASSERT_NO_FATAL_FAILURE(ExpectDue(start, index, w));
  ASSERT_NO_FATAL_FAILURE(ExpectCaptures(*source, index));
}

TEST(FixtureSourceTest, RealtimeAtFps) {
  // fixtures/bare at 250 fps: due at 0, 4 and 8 ms.
  FixtureOptions options;
  options.folder = FixturePath("bare");
  options.fps = 250;
  options.realtime = true;
  std::unique_ptr<FrameSource> source;
  ASSERT_TRUE(OpenFixtureSource(options, &source).ok());
  const char* const names[] = {"1.png", "2.png", "10.png"};
  int64_t start = 0;
  size_t index = 0;
  for (bool first = true;; first = false) {
    const Waited w = Wait(*source);
    if (!w.more) break;
    if (first) {
      EXPECT_EQ(w.tick.skipped, 0u);
      start = w.tick.deadline_ns;
      EXPECT_GE(start, w.before_ns);
    } else {
      index += 1 + w.tick.skipped;
    }
    ASSERT_LT(index, 3u);
    EXPECT_EQ(w.tick.deadline_ns,
              start + static_cast<int64_t>(index) * 4 * kMs);
    EXPECT_LE(w.tick.deadline_ns, w.after_ns);
    cv::Mat pixels;
    int64_t t = -1;
    ASSERT_TRUE(Grab(*source, &pixels, &t).ok());
    EXPECT_EQ(t, static_cast<int64_t>(index) * 4000);
    EXPECT_TRUE(SamePixels(
        ReadOk(FixturePath(std::string("bare/") + names[index])), pixels));
  }
  EXPECT_EQ(index, 2u);
}

}  // namespace
}  // namespace svgcast::test
