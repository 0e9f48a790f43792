// RunSession ended by Ctrl-C: the SVG of the frames so far is written
// (the default), or, without write_if_interrupted (`replay x.svg -o x.svg`),
// the output is left as it was.
//
// The source sends the process SIGINT itself while capturing one frame and
// waits there until the session's handler has seen it, so the stream is
// interrupted at that frame every time (no timing involved).
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "app/capture_session.h"
#include "app/interrupt.h"
#include "svg/svg_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

const cv::Size kSize(16, 8);

// Frame i: solid (20 i, 0, 0), 100 ms apart; Ctrl-C while capturing
// frame `interrupt_at`.
class InterruptingSource final : public FrameSource {
 public:
  InterruptingSource(uint64_t frames, uint64_t interrupt_at)
      : frames_(frames), interrupt_at_(interrupt_at) {}

  cv::Size frame_size() const override { return kSize; }
  std::optional<uint64_t> frame_count() const override { return frames_; }
  bool WaitForNextFrame(Tick* tick) override {
    *tick = Tick{};
    return next_ < frames_;
  }
  Status Capture(Frame* frame) override {
    if (next_ == interrupt_at_) {
      ::kill(::getpid(), SIGINT);
      // (The handler's thread sets the flag; the capture loop reads it
      // before the next frame.)
      while (!InterruptHandler::interrupted()) std::this_thread::yield();
    }
    frame->pixels =
        SolidFrame(kSize, cv::Scalar(20.0 * static_cast<double>(next_), 0, 0));
    frame->timestamp_us = static_cast<int64_t>(next_) * 100'000;
    ++next_;
    return Status::Ok();
  }
  void Skip() override { ++next_; }

 private:
  const uint64_t frames_;
  const uint64_t interrupt_at_;
  uint64_t next_ = 0;
};

TEST(SessionInterrupt, WritesTheFramesSoFarOrLeavesTheOutputAsItWas) {
  for (const bool write : {true, false}) {
    SCOPED_TRACE(write ? "written" : "left as it was");
    TempDir dir;
    const std::string output = dir.File("out.svg");
    WriteFile(output, "the recording before");
    InterruptingSource source(/*frames=*/8, /*interrupt_at=*/3);
    SessionOptions options;
    options.output = output;
    options.quiet = true;
    options.write_if_interrupted = write;
    SessionReport report;
    const Status s = RunSession(source, options, &report);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(report.interrupted);
    EXPECT_EQ(report.written, write);
    EXPECT_EQ(report.capture.frames, 4u);  // 0 to 3
    // No temporary file left either way.
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});
    if (!write) {
      EXPECT_EQ(ReadFile(output), "the recording before");
      continue;
    }
    // Frames 0 to 3 at their times, and nothing after.
    std::vector<int64_t> times;
    const Status decoded =
        DecodeScreencast(output, [&](const DecodedFrame& frame) {
          const double blue = 20.0 * static_cast<double>(times.size());
          times.push_back(frame.time_us);
          EXPECT_TRUE(SamePixels(frame.pixels,
                                 SolidFrame(kSize, cv::Scalar(blue, 0, 0))))
              << "at " << frame.time_us << " us";
          return Status::Ok();
        });
    ASSERT_TRUE(decoded.ok()) << decoded.message();
    EXPECT_EQ(times, (std::vector<int64_t>{0, 100'000, 200'000, 300'000}));
  }
}

// One process's second signal soon after its first is the same request
// (`timeout -s INT` signals the process, then its process group): it does
// not abort. With an hour as "soon", whatever the machine's speed; a
// second signal that does abort exits the process, so this test would die.
TEST(InterruptHandlerTest, OneProcessSignallingTwiceIsOneRequest) {
  InterruptHandler handler("finishing the SVG", std::nullopt,
                           /*same_request_ms=*/3'600'000);
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  while (InterruptHandler::signals_taken() < 1) std::this_thread::yield();
  EXPECT_TRUE(InterruptHandler::interrupted());
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);  // taken on its own, after
  while (InterruptHandler::signals_taken() < 2) std::this_thread::yield();
  EXPECT_TRUE(InterruptHandler::interrupted());
}

}  // namespace
}  // namespace svgcast::test
