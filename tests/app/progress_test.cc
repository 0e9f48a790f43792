#include "app/progress.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/standard_input.h"

namespace svgcast {
namespace {

TEST(ProgressEta, RoundedToWhatMatters) {
  EXPECT_EQ(FormatEta(0.4), "0 s");
  EXPECT_EQ(FormatEta(42.4), "42 s");
  EXPECT_EQ(FormatEta(185), "3:05 min");
  EXPECT_EQ(FormatEta(4800), "1:20 h");
}

TEST(ProgressText, CountsWhatWasDoneOfTheTotal) {
  EXPECT_EQ(ProgressText("replay", 200, 50, std::nullopt, 5.0),
            "svgcast: replay 50/200 frames (25%), 5.0 s, 10.0 frames/s, "
            "15 s left");
}

// While recording, the frames captured, and those not written yet: a
// processing side behind capture is not frames lost.
TEST(ProgressText, RecordingCountsCapturedFramesAndThoseWaiting) {
  EXPECT_EQ(ProgressText("recording", std::nullopt, 99, 195, 6.5),
            "svgcast: recording 195 frames, 6.5 s (96 waiting to be written)");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 195, 195, 6.5),
            "svgcast: recording 195 frames, 6.5 s");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 42, std::nullopt, 1.5),
            "svgcast: recording 42 frames, 1.5 s");
}

// Once a recording has stopped, the line says so: the frames still
// waiting are written, then the SVG is closed (it said "recording" for
// 18 s after --duration had ended it).
TEST(ProgressText, RecordingThatEndedSaysWhatIsLeft) {
  EXPECT_EQ(ProgressText("recording", std::nullopt, 71, 78, 22.0, std::nullopt,
                         /*capture_ended=*/true),
            "svgcast: recording ended at 78 frames, 22.0 s; writing the 7 "
            "still waiting");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 78, 78, 23.5,
                         EncoderWork{1'000'000, 2'300'000, 13.0},
                         /*capture_ended=*/true),
            "svgcast: recording ended at 78 frames, 23.5 s; closing the SVG, "
            "compressing 1.0/2.3 MB, 13 s left");
}

// Once every frame is written, the writer still closes the SVG (its last
// sheets; a minute with Zopfli): not a run stuck at 100%.
TEST(ProgressText, SaysTheSvgIsBeingClosedOnceEveryFrameIsWritten) {
  EXPECT_EQ(ProgressText("replay", 200, 200, std::nullopt, 61.25),
            "svgcast: replay 200/200 frames (100%), 61.2 s, closing the SVG");
}

// Closing the SVG with Zopfli or WebP at --effort max (a minute): how far
// the encoders are, and the time left once their rate is known; while
// recording, the same after the frames.
TEST(ProgressText, ShowsHowFarTheEncodersAre) {
  EXPECT_EQ(ProgressText("replay", 200, 200, std::nullopt, 61.25,
                         EncoderWork{1'000'000, 2'500'000, std::nullopt}),
            "svgcast: replay 200/200 frames, 61.2 s, closing the SVG: "
            "1.0/2.5 MB");
  EXPECT_EQ(ProgressText("replay", 200, 200, std::nullopt, 61.25,
                         EncoderWork{1'000'000, 2'500'000, 84.0}),
            "svgcast: replay 200/200 frames, 61.2 s, closing the SVG: "
            "1.0/2.5 MB, 1:24 min left");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 195, 195, 6.5,
                         EncoderWork{0, 4'200'000, std::nullopt}),
            "svgcast: recording 195 frames, 6.5 s, compressing 0.0/4.2 MB");
}

// What a ProgressLine draws, as its thread draws it, and a clock the test
// sets.
class DrawnLines {
 public:
  ProgressLine::Output Output(bool terminal) {
    ProgressLine::Output output;
    output.terminal = terminal;
    output.interval = std::chrono::milliseconds(1);
    output.clock = [this] { return seconds_.load(); };
    output.write = [this](const std::string& text) {
      std::lock_guard lock(mutex_);
      lines_.push_back(text);
      drawn_.notify_all();
    };
    return output;
  }
  void SetSeconds(double seconds) { seconds_.store(seconds); }

  // Waits until a line drawn is `text` (the test fails after 60 s).
  bool WaitFor(const std::string& text) {
    std::unique_lock lock(mutex_);
    return drawn_.wait_for(lock, std::chrono::seconds(60), [&] {
      for (const std::string& line : lines_) {
        if (line == text) return true;
      }
      return false;
    });
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::atomic<double> seconds_{0};
  std::mutex mutex_;
  std::condition_variable drawn_;
  std::vector<std::string> lines_;
};

// The writer may be busy with one frame for a minute: the line goes on
// (its time) without an Update().
TEST(ProgressLine, GoesOnWhileNoFrameIsWritten) {
  DrawnLines drawn;
  ProgressLine line("replay", 10, drawn.Output(false));
  line.Update(4);
  drawn.SetSeconds(2.0);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 4/10 frames (40%), 2.0 s, 2.0 frames/s, 3 s left\n"));
  drawn.SetSeconds(40.0);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 4/10 frames (40%), 40.0 s, 0.1 frames/s, 1:00 min "
      "left\n"));
  line.Update(10);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 10/10 frames (100%), 40.0 s, closing the SVG\n"));
  line.Finish();
  // (Not a terminal: no line to clear, every line ends with a newline.)
  for (const std::string& text : drawn.lines()) {
    EXPECT_EQ(text.back(), '\n') << text;
  }
}

// Once every frame is written, the encoders' work is read on the line's
// thread; the time left is at their rate from when the work was first seen
// to their last report, counted down from that report.
TEST(ProgressLine, ShowsTheEncodersWorkWhileTheSvgIsClosed) {
  DrawnLines drawn;
  WorkMeter encoders;
  ProgressLine line("replay", 10, drawn.Output(false), {}, &encoders);
  line.Update(10);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 10/10 frames (100%), 0.0 s, closing the SVG\n"));
  drawn.SetSeconds(10.0);
  encoders.Plan(3'000'000);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 10/10 frames, 10.0 s, closing the SVG: 0.0/3.0 MB\n"));
  drawn.SetSeconds(20.0);
  encoders.Done(1'000'000);
  ASSERT_TRUE(
      drawn.WaitFor("svgcast: replay 10/10 frames, 20.0 s, closing the SVG: "
                    "1.0/3.0 MB, 20 s left\n"));
  drawn.SetSeconds(25.0);
  ASSERT_TRUE(
      drawn.WaitFor("svgcast: replay 10/10 frames, 25.0 s, closing the SVG: "
                    "1.0/3.0 MB, 15 s left\n"));
  // Run out before the work has (slower than its rate so far): no estimate.
  drawn.SetSeconds(45.0);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 10/10 frames, 45.0 s, closing the SVG: 1.0/3.0 MB\n"));
  encoders.Done(2'000'000);
  ASSERT_TRUE(drawn.WaitFor(
      "svgcast: replay 10/10 frames (100%), 45.0 s, closing the SVG\n"));
  line.Finish();
}

// On a terminal narrower than the line, the line is cut short of the last
// column (read at each draw: the terminal may be resized); in a log it is
// whole.
TEST(ProgressLine, CutToTheTerminalsWidth) {
  DrawnLines drawn;
  std::atomic<int> columns{40};
  ProgressLine::Output output = drawn.Output(true);
  output.columns = [&columns] { return columns.load(); };
  ProgressLine line("replay", 200, std::move(output));
  line.Update(50);
  drawn.SetSeconds(5.0);
  // (Whole: "svgcast: replay 50/200 frames (25%), 5.0 s, 10.0 frames/s,
  // 15 s left".)
  ASSERT_TRUE(drawn.WaitFor("\rsvgcast: replay 50/200 frames (25%), 5.\033[K"));
  columns.store(0);  // (unknown: whole)
  ASSERT_TRUE(drawn.WaitFor(
      "\rsvgcast: replay 50/200 frames (25%), 5.0 s, 10.0 frames/s, 15 s "
      "left\033[K"));
  line.Finish();
}

// While recording, the frames captured are read on the line's thread:
// they go on while processing is behind and writes nothing.
TEST(ProgressLine, CountsFramesCapturedWhileNoneIsWritten) {
  DrawnLines drawn;
  std::atomic<uint64_t> captured{0};
  ProgressLine line("recording", std::nullopt, drawn.Output(true),
                    [&captured] { return captured.load(); });
  line.Update(3);
  captured.store(3);
  drawn.SetSeconds(1.0);
  ASSERT_TRUE(drawn.WaitFor("\rsvgcast: recording 3 frames, 1.0 s\033[K"));
  captured.store(50);
  drawn.SetSeconds(2.5);
  ASSERT_TRUE(
      drawn.WaitFor("\rsvgcast: recording 50 frames, 2.5 s (47 waiting to be "
                    "written)\033[K"));
  line.Finish();
  // On a terminal the line is redrawn in place, only when it changed, and
  // cleared at the end so the summary starts on a clean line.
  const std::vector<std::string> lines = drawn.lines();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.back(), "\r\033[K");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NE(lines[i], lines[i - 1]);
  }
}

// Other work than frames (standard input copied): the line of the text
// given, on the same schedule, redrawn in place and cleared at the end on a
// terminal.
TEST(ProgressLine, DrawsOtherWorkThanFrames) {
  DrawnLines drawn;
  std::atomic<uint64_t> bytes{0};
  ProgressLine line(
      [&bytes](double seconds) {
        return StandardInput::ProgressText(bytes.load(), seconds);
      },
      drawn.Output(true));
  drawn.SetSeconds(1.0);
  ASSERT_TRUE(
      drawn.WaitFor("\rsvgcast: reading standard input: 0.0 MB, 1.0 s\033[K"));
  bytes.store(12345678);
  drawn.SetSeconds(4.0);
  ASSERT_TRUE(
      drawn.WaitFor("\rsvgcast: reading standard input: 12.3 MB, 4.0 s\033[K"));
  line.Finish();
  EXPECT_EQ(drawn.lines().back(), "\r\033[K");
}

}  // namespace
}  // namespace svgcast
