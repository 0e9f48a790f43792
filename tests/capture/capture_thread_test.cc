// CaptureThread with a scripted source: tickets, end, stop, failure, caps.
#include "capture/capture_thread.h"

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "capture/clock.h"
#include "capture/pacer.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

using End = CaptureResult::End;

const cv::Size kSize(4, 3);

// A deterministic source: frame i is a solid BGR (i, 7, 9) image at
// first_us + i * step_us. It can fail (or throw) when capturing one frame,
// and can hold the capture thread at one frame until the test lets it go.
CaptureOptions Interruptible(const std::atomic<bool>* interrupted) {
  CaptureOptions options;
  options.interrupted = interrupted;
  return options;
}

class ScriptedSource final : public FrameSource {
 public:
  struct Script {
    uint64_t frames = 5;
    bool endless = false;  // frames is then ignored
    int64_t first_us = 7'000'000;
    int64_t step_us = 40'000;
    std::optional<uint64_t> fail_at;   // Capture() returns an error
    std::optional<uint64_t> throw_at;  // Capture() throws
    std::optional<uint64_t> lost_at;   // Capture() says the source is lost
    std::optional<uint64_t> gate_at;   // WaitForNextFrame() holds here
    std::function<void(uint64_t skips)> on_skip;  // after each Skip()
  };

  explicit ScriptedSource(Script script) : script_(std::move(script)) {}

  cv::Size frame_size() const override { return kSize; }
  std::optional<uint64_t> frame_count() const override {
    if (script_.endless) return std::nullopt;
    return script_.frames;
  }

  bool WaitForNextFrame(Tick* tick) override {
    *tick = Tick{};
    ++wait_calls_;
    if (script_.gate_at && next_ == *script_.gate_at) {
      reached_.set_value();
      go_.get_future().wait();
    }
    return script_.endless || next_ < script_.frames;
  }

  Status Capture(Frame* frame) override {
    const uint64_t i = next_++;
    ++captures_;
    if (script_.fail_at == i) {
      return Status::Error("frame " + std::to_string(i) + ": scripted failure");
    }
    if (script_.lost_at == i) {
      return Status::SourceLost("frame " + std::to_string(i) + ": gone");
    }
    if (script_.throw_at == i) throw std::runtime_error("scripted exception");
    frame->pixels =
        SolidFrame(kSize, cv::Scalar(static_cast<double>(i % 256), 7, 9));
    frame->timestamp_us =
        script_.first_us + static_cast<int64_t>(i) * script_.step_us;
    return Status::Ok();
  }

  void Skip() override {
    skipped_.push_back(next_++);
    if (script_.on_skip) script_.on_skip(skipped_.size());
  }

  // Test thread: waits until the capture thread is held at gate_at.
  void WaitAtGate() { reached_.get_future().wait(); }
  // Test thread: lets it go on.
  void OpenGate() { go_.set_value(); }

  // Read after Join().
  uint64_t wait_calls() const { return wait_calls_; }
  uint64_t captures() const { return captures_; }
  const std::vector<uint64_t>& skipped() const { return skipped_; }

 private:
  const Script script_;
  uint64_t next_ = 0;
  uint64_t wait_calls_ = 0;
  uint64_t captures_ = 0;
  std::vector<uint64_t> skipped_;
  std::promise<void> reached_;
  std::promise<void> go_;
};

// Collects the posted tickets.
class Tickets {
 public:
  CaptureThread::PostFn Post() {
    return [this](const FrameTicket& ticket) {
      std::lock_guard lock(mutex_);
      tickets_.push_back(ticket);
      threads_.push_back(std::this_thread::get_id());
    };
  }
  std::vector<FrameTicket> Get() const {
    std::lock_guard lock(mutex_);
    return tickets_;
  }
  std::vector<std::thread::id> Threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<FrameTicket> tickets_;
  std::vector<std::thread::id> threads_;
};

// Checks the tickets are frames 0..timestamps.size()-1 with those
// timestamps, then one end marker.
::testing::AssertionResult FramesThenEnd(
    const std::vector<FrameTicket>& tickets,
    const std::vector<int64_t>& timestamps) {
  if (tickets.size() != timestamps.size() + 1) {
    return ::testing::AssertionFailure()
           << tickets.size() << " tickets, expected " << timestamps.size()
           << " frames and an end marker";
  }
  for (size_t i = 0; i < timestamps.size(); ++i) {
    if (tickets[i].kind != FrameTicket::Kind::kFrame || tickets[i].seq != i ||
        tickets[i].timestamp_us != timestamps[i]) {
      return ::testing::AssertionFailure()
             << "ticket " << i << " is "
             << (tickets[i].is_end() ? "end" : "frame") << " seq "
             << tickets[i].seq << " at " << tickets[i].timestamp_us
             << " us, expected frame seq " << i << " at " << timestamps[i];
    }
  }
  const FrameTicket& end = tickets.back();
  const int64_t last = timestamps.empty() ? 0 : timestamps.back();
  if (!end.is_end() || end.seq != timestamps.size() ||
      end.timestamp_us != last) {
    return ::testing::AssertionFailure()
           << "last ticket is " << (end.is_end() ? "end" : "frame") << " seq "
           << end.seq << " at " << end.timestamp_us
           << " us, expected the end marker seq " << timestamps.size() << " at "
           << last;
  }
  return ::testing::AssertionSuccess();
}

// Blue value of frame `seq` in the cache: the source's frame index.
int CachedSourceIndex(const FrameCache& cache, uint64_t seq) {
  return cache.Crop({seq, cv::Rect(0, 0, 1, 1)}).pixels.at<cv::Vec4b>(0, 0)[0];
}

TEST(CaptureThreadTest, PostsFramesInOrderThenTheEndMarker) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.frames, 5u);
  EXPECT_EQ(result.skipped, 0u);
  EXPECT_EQ(result.last_timestamp_us, 160000);
  EXPECT_EQ(thread.frames_captured(), 5u);
  // Rebased: the first frame is at 0, the rest keep their spacing.
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000, 80000, 120000, 160000}));
  for (const std::thread::id id : tickets.Threads()) {
    EXPECT_NE(id, std::this_thread::get_id()) << "posted on the capture thread";
  }
  EXPECT_EQ(source.captures(), 5u);
  EXPECT_TRUE(source.skipped().empty());
}

TEST(CaptureThreadTest, PublishesEveryFrameIntoTheCache) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  thread.Join();

  const CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.published, 5u);
  EXPECT_EQ(stats.frames, 5u);
  EXPECT_EQ(stats.bytes, 5 * FrameBytes(kSize));
  for (uint64_t seq = 0; seq < 5; ++seq) {
    const CropReply reply = cache.Crop({seq, std::nullopt});
    EXPECT_TRUE(
        SamePixels(SolidFrame(kSize, cv::Scalar(seq, 7, 9)), reply.pixels))
        << "frame " << seq;
  }
}

TEST(CaptureThreadTest, FrameIsCroppableWhenItsTicketIsPosted) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  std::vector<int> seen;  // written on the capture thread, read after Join
  CaptureThread thread(source, cache, [&](const FrameTicket& ticket) {
    if (!ticket.is_end()) seen.push_back(CachedSourceIndex(cache, ticket.seq));
  });
  thread.Join();
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(CaptureThreadTest, JoinTwiceGivesTheSameResult) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult first = thread.Join();
  const CaptureResult second = thread.Join();
  EXPECT_EQ(first.end, second.end);
  EXPECT_EQ(first.frames, second.frames);
  EXPECT_EQ(tickets.Get().size(), 6u) << "one end marker only";
}

TEST(CaptureThreadTest, EmptySourcePostsOnlyTheEndMarker) {
  ScriptedSource::Script script;
  script.frames = 0;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_EQ(result.frames, 0u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {}));
  EXPECT_EQ(source.captures(), 0u);
}

TEST(CaptureThreadTest, OneFrameIsAtZero) {
  ScriptedSource::Script script;
  script.frames = 1;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_EQ(result.frames, 1u);
  EXPECT_EQ(result.last_timestamp_us, 0);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0}));
}

TEST(CaptureThreadTest, RequestStopEndsAfterTheCurrentFrame) {
  ScriptedSource::Script script;
  script.frames = 100;
  script.gate_at = 2;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  source.WaitAtGate();  // frames 0 and 1 are out; frame 2 is due
  EXPECT_EQ(thread.frames_captured(), 2u);
  thread.RequestStop();
  source.OpenGate();
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kStopped);
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.frames, 3u);
  EXPECT_EQ(result.last_timestamp_us, 80000);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000, 80000}));
  EXPECT_EQ(source.wait_calls(), 3u) << "no frame asked for after the stop";
}

TEST(CaptureThreadTest, InterruptedBeforeStartEndsAtOnce) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  const std::atomic<bool> interrupted{true};
  CaptureThread thread(source, cache, tickets.Post(),
                       Interruptible(&interrupted));
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kStopped);
  EXPECT_EQ(result.frames, 0u);
  EXPECT_EQ(result.last_timestamp_us, 0);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {}));
  EXPECT_EQ(tickets.Get().front().seq, 0u);
  EXPECT_EQ(source.wait_calls(), 0u);
  EXPECT_EQ(source.captures(), 0u);
  EXPECT_EQ(cache.Stats().published, 0u);
}

TEST(CaptureThreadTest, InterruptedMidStreamEndsAfterTheCurrentFrame) {
  ScriptedSource::Script script;
  script.frames = 100;
  script.gate_at = 3;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  std::atomic<bool> interrupted{false};
  CaptureThread thread(source, cache, tickets.Post(),
                       Interruptible(&interrupted));
  source.WaitAtGate();
  interrupted = true;  // as the SIGINT handler does
  source.OpenGate();
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kStopped);
  EXPECT_EQ(result.frames, 4u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000, 80000, 120000}));
}

// A live source paced at one frame an hour: its wait for frame 1 would
// take an hour unless the capture thread cuts it short. The test can
// wait until the capture thread is in that wait.
class HourlySource final : public FrameSource {
 public:
  cv::Size frame_size() const override { return kSize; }
  std::optional<uint64_t> frame_count() const override { return std::nullopt; }
  bool WaitForNextFrame(Tick* tick) override {
    if (++waits_ == 2) waiting_for_frame_1_.set_value();
    const std::optional<Tick> due = pacer_.WaitForNextTick(cut_short());
    if (due) *tick = *due;
    return due.has_value();
  }
  Status Capture(Frame* frame) override {
    frame->pixels = SolidFrame(kSize, cv::Scalar(1, 2, 3));
    frame->timestamp_us = MonotonicNowNs() / 1000;
    return Status::Ok();
  }
  void Skip() override {}

  // Test thread: returns once the capture thread waits for frame 1.
  void WaitUntilWaitingForFrame1() { waiting_for_frame_1_.get_future().wait(); }

 private:
  Pacer pacer_{3'600'000'000'000};
  int waits_ = 0;
  std::promise<void> waiting_for_frame_1_;
};

// Ctrl-C, a stop, or the end of --duration while the source waits for its
// next tick end the stream then, not at the tick (--fps 0.1: ten seconds
// later).
TEST(CaptureThreadTest, CtrlCCutsTheWaitForTheNextTickShort) {
  HourlySource source;
  FrameCache cache({}, WhenFull::kWait);
  std::atomic<bool> interrupted{false};
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post(),
                       Interruptible(&interrupted));
  source.WaitUntilWaitingForFrame1();
  interrupted = true;  // as the SIGINT handler does
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kStopped);
  EXPECT_EQ(result.frames, 1u);
}

TEST(CaptureThreadTest, DurationEndsTheWaitForAFrameDuePastIt) {
  HourlySource source;
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureOptions options;
  options.max_duration_us = 1000;
  CaptureThread thread(source, cache, tickets.Post(), options);
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kDurationReached);
  EXPECT_EQ(result.frames, 1u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0}));
}

TEST(CaptureThreadTest, CaptureFailureEndsWithItsStatus) {
  ScriptedSource::Script script;
  script.fail_at = 3;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kFailed);
  ASSERT_FALSE(result.status.ok());
  EXPECT_EQ(result.status.message(), "frame 3: scripted failure");
  EXPECT_EQ(result.frames, 3u);
  EXPECT_EQ(result.last_timestamp_us, 80000);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000, 80000}));
  EXPECT_EQ(cache.Stats().published, 3u);
  EXPECT_EQ(source.captures(), 4u) << "nothing after the failure";
}

TEST(CaptureThreadTest, FailureOnTheFirstFrame) {
  ScriptedSource::Script script;
  script.fail_at = 0;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kFailed);
  EXPECT_EQ(result.frames, 0u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {}));
}

TEST(CaptureThreadTest, ExceptionFromTheSourceIsAFailure) {
  ScriptedSource::Script script;
  script.throw_at = 2;
  ScriptedSource source(script);
  FrameCache cache({}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kFailed);
  ASSERT_FALSE(result.status.ok());
  EXPECT_NE(result.status.message().find("scripted exception"),
            std::string::npos)
      << result.status.message();
  EXPECT_EQ(result.frames, 2u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000}));
}

TEST(CaptureThreadTest, DropPolicySkipsFramesWhenTheCacheIsFull) {
  ScriptedSource source({});  // 5 frames
  FrameCache cache({2, 0}, WhenFull::kDrop);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();  // nobody releases

  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_EQ(result.frames, 2u);
  EXPECT_EQ(result.skipped, 3u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000}));
  const CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.dropped, 3u);
  EXPECT_EQ(stats.published, 2u);
  EXPECT_EQ(stats.waited, 0u);
  EXPECT_EQ(source.skipped(), (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(source.captures(), 2u) << "a dropped frame is never captured";
}

TEST(CaptureThreadTest, FramesAfterADropKeepTheirOwnTimestamps) {
  // Frames 2 and 3 are dropped; at the second drop processing catches up
  // and releases frames 0 and 1, so source frames 4 and 5 become seq 2 and
  // 3; source frame 6 is dropped again.
  FrameCache cache({2, 0}, WhenFull::kDrop);
  ScriptedSource::Script script;
  script.frames = 7;
  script.on_skip = [&cache](uint64_t skips) {
    if (skips == 2) cache.ReleaseBefore(2);
  };
  ScriptedSource source(script);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_EQ(result.frames, 4u);
  EXPECT_EQ(result.skipped, 3u);
  EXPECT_EQ(result.last_timestamp_us, 200000);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000, 160000, 200000}));
  EXPECT_EQ(source.skipped(), (std::vector<uint64_t>{2, 3, 6}));
  EXPECT_EQ(CachedSourceIndex(cache, 2), 4);
  EXPECT_EQ(CachedSourceIndex(cache, 3), 5);
  EXPECT_EQ(cache.Stats().dropped, 3u);
}

TEST(CaptureThreadTest, WaitPolicyLosesNothingWhenProcessingReleases) {
  ScriptedSource::Script script;
  script.frames = 20;
  ScriptedSource source(script);
  FrameCache cache({2, 0}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  for (uint64_t seq = 0; seq < 20; ++seq) {  // the processing side
    while (cache.Stats().published <= seq) std::this_thread::yield();
    EXPECT_EQ(CachedSourceIndex(cache, seq), static_cast<int>(seq));
    cache.ReleaseBefore(seq + 1);
  }
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kSourceEnded);
  EXPECT_EQ(result.frames, 20u);
  EXPECT_EQ(result.skipped, 0u);
  EXPECT_EQ(cache.Stats().dropped, 0u);
  EXPECT_LE(cache.Stats().peak_frames, 2u);
  std::vector<int64_t> times;
  for (int64_t i = 0; i < 20; ++i) times.push_back(i * 40000);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), times));
}

TEST(CaptureThreadTest, CacheAbortWhileWaitingEndsTheStream) {
  ScriptedSource source({});  // 5 frames
  FrameCache cache({2, 0}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  // Frames 0 and 1 fill the cache; the thread then waits for room.
  while (cache.Stats().waited < 1) std::this_thread::yield();
  EXPECT_EQ(cache.Stats().published, 2u);
  cache.Abort();
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kCacheAborted);
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.frames, 2u);
  EXPECT_EQ(result.skipped, 0u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000}));
  EXPECT_EQ(source.captures(), 2u);
}

// A stop request must not leave the thread stuck waiting for room that
// processing will never make (the destructor relies on it).
TEST(CaptureThreadTest, RequestStopWhileWaitingForRoomEndsTheStream) {
  ScriptedSource source({});  // 5 frames
  FrameCache cache({2, 0}, WhenFull::kWait);
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  while (cache.Stats().waited < 1) std::this_thread::yield();
  thread.RequestStop();
  const CaptureResult result = thread.Join();

  EXPECT_EQ(result.end, End::kStopped);
  EXPECT_EQ(result.frames, 2u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {0, 40000}));
}

TEST(CaptureThreadTest, CacheAbortedBeforeStart) {
  ScriptedSource source({});
  FrameCache cache({}, WhenFull::kWait);
  cache.Abort();
  Tickets tickets;
  CaptureThread thread(source, cache, tickets.Post());
  const CaptureResult result = thread.Join();
  EXPECT_EQ(result.end, End::kCacheAborted);
  EXPECT_EQ(result.frames, 0u);
  EXPECT_TRUE(FramesThenEnd(tickets.Get(), {}));
  EXPECT_EQ(source.captures(), 0u);
}

TEST(CaptureThreadTest, DestructorStopsAnEndlessSource) {
  ScriptedSource::Script script;
  script.endless = true;
  ScriptedSource source(script);
  FrameCache cache({2, 0}, WhenFull::kDrop);  // the excess is dropped
  Tickets tickets;
  {
    CaptureThread thread(source, cache, tickets.Post());
  }  // requests a stop and joins
  const std::vector<FrameTicket> posted = tickets.Get();
  ASSERT_FALSE(posted.empty());
  ASSERT_TRUE(posted.back().is_end());
  const uint64_t frames = posted.size() - 1;
  EXPECT_LE(frames, 2u);
  EXPECT_EQ(posted.back().seq, frames);
  for (uint64_t i = 0; i < frames; ++i) {
    EXPECT_FALSE(posted[i].is_end());
    EXPECT_EQ(posted[i].seq, i);
  }
  EXPECT_EQ(cache.Stats().published, frames);
}

}  // namespace
}  // namespace svgcast::test
