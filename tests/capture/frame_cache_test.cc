// FrameCache: publish, crop, release, caps, wait/drop policies and abort.
#include "capture/frame_cache.h"

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <stop_token>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

using Admission = FrameCache::Admission;

const cv::Size kSize(8, 6);
const size_t kBytes = FrameBytes(kSize);  // 192

// Frame `seq` whose pixel (x, y) is BGR (seq, x, y).
FramePtr MakeFrame(uint64_t seq, cv::Size size = kSize) {
  auto frame = std::make_shared<Frame>();
  frame->seq = seq;
  frame->timestamp_us = static_cast<int64_t>(seq) * 1000;
  frame->pixels = cv::Mat(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      frame->pixels.at<cv::Vec4b>(y, x) =
          cv::Vec4b(static_cast<uint8_t>(seq), static_cast<uint8_t>(x),
                    static_cast<uint8_t>(y), 255);
    }
  }
  return frame;
}

// Admits and publishes frames [from, to).
void AdmitAndPublish(FrameCache& cache, uint64_t from, uint64_t to) {
  for (uint64_t seq = from; seq < to; ++seq) {
    ASSERT_EQ(cache.Admit(kBytes), Admission::kReady) << "frame " << seq;
    cache.Publish(MakeFrame(seq));
  }
}

// Spins (yielding) until a capture thread is waiting in Admit().
void WaitUntilWaiting(const FrameCache& cache, uint64_t waited) {
  while (cache.Stats().waited < waited) std::this_thread::yield();
}

TEST(FrameCacheTest, HoldsFrames) {
  EXPECT_TRUE(FrameCache::Holds({0, 0}, kBytes, 3));
  EXPECT_FALSE(FrameCache::Holds({2, 0}, kBytes, 3));
  EXPECT_TRUE(FrameCache::Holds({3, 0}, kBytes, 3));
  EXPECT_TRUE(FrameCache::Holds({2, 0}, kBytes, 2));
  EXPECT_TRUE(FrameCache::Holds({0, 3 * kBytes}, kBytes, 3));
  EXPECT_FALSE(FrameCache::Holds({0, 3 * kBytes - 1}, kBytes, 3));
  EXPECT_FALSE(FrameCache::Holds({5, 2 * kBytes}, kBytes, 3));
  EXPECT_FALSE(FrameCache::Holds({1, 100 * kBytes}, kBytes, 3));
  EXPECT_TRUE(FrameCache::Holds({4, 4 * kBytes}, kBytes, 3));
}

TEST(FrameCacheTest, CropOfWholeFrameSharesThePixels) {
  FrameCache cache({}, WhenFull::kWait);
  const FramePtr frame = MakeFrame(0);
  ASSERT_EQ(cache.Admit(kBytes), Admission::kReady);
  cache.Publish(frame);

  const CropReply reply = cache.Crop({0, std::nullopt});
  EXPECT_EQ(reply.seq, 0u);
  EXPECT_EQ(reply.rect, cv::Rect(0, 0, kSize.width, kSize.height));
  EXPECT_EQ(reply.pixels.type(), CV_8UC4);
  EXPECT_EQ(reply.pixels.data, frame->pixels.data) << "a view, not a copy";
  EXPECT_TRUE(SamePixels(frame->pixels, reply.pixels));
}

TEST(FrameCacheTest, CropOfRectIsAViewWithTheRightPixels) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 3);
  const FramePtr expected = MakeFrame(2);

  const cv::Rect rect(3, 2, 4, 3);
  const CropReply reply = cache.Crop({2, rect});
  EXPECT_EQ(reply.seq, 2u);
  EXPECT_EQ(reply.rect, rect);
  ASSERT_EQ(reply.pixels.size(), cv::Size(4, 3));
  EXPECT_FALSE(reply.pixels.isContinuous()) << "a view into the frame";
  for (int y = 0; y < rect.height; ++y) {
    for (int x = 0; x < rect.width; ++x) {
      EXPECT_EQ(reply.pixels.at<cv::Vec4b>(y, x),
                cv::Vec4b(2, static_cast<uint8_t>(rect.x + x),
                          static_cast<uint8_t>(rect.y + y), 255));
    }
  }
  EXPECT_TRUE(SamePixels(expected->pixels(rect), reply.pixels));

  // Single pixels at the corners are inside.
  EXPECT_EQ(cache.Crop({1, cv::Rect(7, 5, 1, 1)}).pixels.at<cv::Vec4b>(0, 0),
            cv::Vec4b(1, 7, 5, 255));
  EXPECT_EQ(cache.Crop({0, cv::Rect(0, 0, 1, 1)}).pixels.at<cv::Vec4b>(0, 0),
            cv::Vec4b(0, 0, 0, 255));
}

TEST(FrameCacheTest, CropStaysValidAfterTheFrameIsReleased) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  const CropReply reply = cache.Crop({0, cv::Rect(1, 1, 2, 2)});
  cache.ReleaseBefore(2);
  EXPECT_EQ(cache.Stats().frames, 0u);
  EXPECT_EQ(reply.pixels.at<cv::Vec4b>(1, 1), cv::Vec4b(0, 2, 2, 255));
}

TEST(FrameCacheTest, CropOfUnknownOrReleasedFrameThrows) {
  FrameCache cache({}, WhenFull::kWait);
  EXPECT_THROW(cache.Crop({0, std::nullopt}), std::logic_error);
  AdmitAndPublish(cache, 0, 3);
  EXPECT_THROW(cache.Crop({3, std::nullopt}), std::logic_error);
  EXPECT_THROW(cache.Crop({100, std::nullopt}), std::logic_error);
  cache.ReleaseBefore(2);
  EXPECT_THROW(cache.Crop({0, std::nullopt}), std::logic_error);
  EXPECT_THROW(cache.Crop({1, cv::Rect(0, 0, 1, 1)}), std::logic_error);
  EXPECT_NO_THROW(cache.Crop({2, std::nullopt}));
}

TEST(FrameCacheTest, CropOutsideTheFrameThrows) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 1);
  for (const cv::Rect rect :
       {cv::Rect(-1, 0, 2, 2), cv::Rect(0, -1, 2, 2), cv::Rect(7, 0, 2, 1),
        cv::Rect(0, 5, 1, 2), cv::Rect(0, 0, 9, 6), cv::Rect(0, 0, 8, 7),
        cv::Rect(8, 6, 1, 1), cv::Rect(100, 100, 4, 4), cv::Rect(2, 2, 0, 1),
        cv::Rect(2, 2, 1, 0)}) {
    EXPECT_THROW(cache.Crop({0, rect}), std::logic_error)
        << rect.x << "," << rect.y << " " << rect.width << "x" << rect.height;
  }
  EXPECT_NO_THROW(cache.Crop({0, cv::Rect(0, 0, 8, 6)}));
}

TEST(FrameCacheTest, PublishWithWrongSeqThrows) {
  FrameCache cache({}, WhenFull::kWait);
  ASSERT_EQ(cache.Admit(kBytes), Admission::kReady);
  EXPECT_THROW(cache.Publish(MakeFrame(1)), std::logic_error);
  EXPECT_EQ(cache.Stats().published, 0u);
  EXPECT_EQ(cache.Stats().frames, 0u);
  cache.Publish(MakeFrame(0));
  EXPECT_THROW(cache.Publish(MakeFrame(0)), std::logic_error);
  EXPECT_THROW(cache.Publish(MakeFrame(2)), std::logic_error);
  cache.Publish(MakeFrame(1));
  EXPECT_EQ(cache.Stats().published, 2u);
  // Numbering goes on without gaps after a release.
  cache.ReleaseBefore(2);
  EXPECT_THROW(cache.Publish(MakeFrame(0)), std::logic_error);
  cache.Publish(MakeFrame(2));
  EXPECT_EQ(cache.Stats().published, 3u);
}

TEST(FrameCacheTest, ReleaseBeforeReleasesAndUpdatesStats) {
  FrameCache cache({}, WhenFull::kWait);
  CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.frames, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_EQ(stats.peak_frames, 0u);

  AdmitAndPublish(cache, 0, 4);
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 4u);
  EXPECT_EQ(stats.bytes, 4 * kBytes);
  EXPECT_EQ(stats.published, 4u);
  EXPECT_EQ(stats.released, 0u);
  EXPECT_EQ(stats.peak_frames, 4u);
  EXPECT_EQ(stats.peak_bytes, 4 * kBytes);

  cache.ReleaseBefore(3);
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 1u);
  EXPECT_EQ(stats.bytes, kBytes);
  EXPECT_EQ(stats.released, 3u);
  EXPECT_EQ(stats.published, 4u);
  EXPECT_EQ(stats.peak_frames, 4u) << "peaks are kept";
  EXPECT_EQ(stats.peak_bytes, 4 * kBytes);

  // Releasing what is already released changes nothing.
  cache.ReleaseBefore(1);
  cache.ReleaseBefore(3);
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 1u);
  EXPECT_EQ(stats.released, 3u);

  AdmitAndPublish(cache, 4, 6);
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 3u);
  EXPECT_EQ(stats.bytes, 3 * kBytes);
  EXPECT_EQ(stats.peak_frames, 4u);

  // Past the last frame: everything goes.
  cache.ReleaseBefore(1000);
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_EQ(stats.released, 6u);
  EXPECT_EQ(stats.published, 6u);
  EXPECT_EQ(stats.waited, 0u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.wait_us, 0);
}

TEST(FrameCacheTest, PinnedFrameOutlivesReleaseUntilUnpinned) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 5);
  cache.Pin(1);
  cache.Pin(3);
  cache.ReleaseBefore(4);
  CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.frames, 3u) << "1 and 3 pinned, 4 not passed";
  EXPECT_EQ(stats.bytes, 3 * kBytes);
  EXPECT_EQ(stats.released, 2u);
  EXPECT_TRUE(
      SamePixels(cache.Crop({1, std::nullopt}).pixels, MakeFrame(1)->pixels));
  EXPECT_THROW(cache.Crop({2, std::nullopt}), std::logic_error);

  cache.Unpin(3);  // passed: released now
  stats = cache.Stats();
  EXPECT_EQ(stats.frames, 2u);
  EXPECT_EQ(stats.released, 3u);
  EXPECT_THROW(cache.Crop({3, std::nullopt}), std::logic_error);

  cache.Pin(4);  // not passed yet: unpinning keeps it
  cache.Unpin(4);
  EXPECT_NO_THROW(cache.Crop({4, std::nullopt}));
  cache.ReleaseBefore(5);
  EXPECT_THROW(cache.Crop({4, std::nullopt}), std::logic_error);
  EXPECT_NO_THROW(cache.Crop({1, std::nullopt}));

  cache.Unpin(1);
  EXPECT_EQ(cache.Stats().frames, 0u);
  EXPECT_EQ(cache.Stats().released, 5u);
}

TEST(FrameCacheTest, PinCountsAgainstTheCapAndUnpinMakesRoom) {
  FrameCache cache({2, 0}, WhenFull::kDrop);
  AdmitAndPublish(cache, 0, 2);
  cache.Pin(0);
  cache.ReleaseBefore(2);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kReady) << "only 0 is left";
  cache.Publish(MakeFrame(2));
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped) << "0 (pinned) and 2";
  cache.Unpin(0);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kReady);
}

TEST(FrameCacheTest, PinOfUncachedOrPinnedFrameAndStrayUnpinThrow) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  EXPECT_THROW(cache.Pin(5), std::logic_error);
  cache.Pin(1);
  EXPECT_THROW(cache.Pin(1), std::logic_error);
  EXPECT_THROW(cache.Unpin(0), std::logic_error);
  cache.Unpin(1);
  EXPECT_THROW(cache.Unpin(1), std::logic_error);
  cache.ReleaseBefore(2);
  EXPECT_THROW(cache.Pin(0), std::logic_error) << "released";
}

TEST(FrameCacheTest, BytesCountTheFrameSize) {
  FrameCache cache({}, WhenFull::kWait);
  ASSERT_EQ(cache.Admit(FrameBytes({3, 2})), Admission::kReady);
  cache.Publish(MakeFrame(0, {3, 2}));
  ASSERT_EQ(cache.Admit(FrameBytes({5, 4})), Admission::kReady);
  cache.Publish(MakeFrame(1, {5, 4}));
  EXPECT_EQ(cache.Stats().bytes, 24u + 80u);
  cache.ReleaseBefore(1);
  EXPECT_EQ(cache.Stats().bytes, 80u);
  EXPECT_EQ(cache.Stats().peak_bytes, 104u);
}

TEST(FrameCacheTest, FrameCapWithDropPolicy) {
  FrameCache cache({2, 0}, WhenFull::kDrop);
  AdmitAndPublish(cache, 0, 2);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped);
  EXPECT_EQ(cache.Admit(1), Admission::kDropped) << "the count is the cap";
  CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.dropped, 3u);
  EXPECT_EQ(stats.frames, 2u);
  EXPECT_EQ(stats.published, 2u);
  EXPECT_EQ(stats.waited, 0u);

  cache.ReleaseBefore(1);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kReady);
  cache.Publish(MakeFrame(2));
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped);
  stats = cache.Stats();
  EXPECT_EQ(stats.dropped, 4u);
  EXPECT_EQ(stats.published, 3u);
  EXPECT_EQ(stats.peak_frames, 2u);
}

TEST(FrameCacheTest, ByteCapWithDropPolicy) {
  FrameCache cache({0, 2 * kBytes + 10}, WhenFull::kDrop);
  AdmitAndPublish(cache, 0, 2);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped);
  EXPECT_EQ(cache.Admit(10), Admission::kReady) << "a small frame still fits";
  EXPECT_EQ(cache.Admit(11), Admission::kDropped);
  EXPECT_EQ(cache.Stats().dropped, 2u);
  cache.ReleaseBefore(1);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kReady);
  EXPECT_EQ(cache.Admit(kBytes + 11), Admission::kDropped);
  EXPECT_EQ(cache.Stats().dropped, 3u);
}

TEST(FrameCacheTest, BothCapsApply) {
  FrameCache cache({3, 2 * kBytes}, WhenFull::kDrop);
  AdmitAndPublish(cache, 0, 2);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kDropped);  // bytes
  FrameCache by_count({2, 100 * kBytes}, WhenFull::kDrop);
  AdmitAndPublish(by_count, 0, 2);
  EXPECT_EQ(by_count.Admit(kBytes), Admission::kDropped);  // count
}

TEST(FrameCacheTest, NoCapsNeverFull) {
  FrameCache cache({}, WhenFull::kDrop);
  AdmitAndPublish(cache, 0, 50);
  EXPECT_EQ(cache.Stats().frames, 50u);
  EXPECT_EQ(cache.Stats().dropped, 0u);
}

TEST(FrameCacheTest, WaitPolicyBlocksUntilARelease) {
  FrameCache cache({2, 0}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);

  std::atomic<bool> returned{false};
  std::promise<Admission> admitted;
  std::future<Admission> result = admitted.get_future();
  std::thread capture([&] {
    const Admission admission = cache.Admit(kBytes);
    returned = true;
    admitted.set_value(admission);
  });
  WaitUntilWaiting(cache, 1);
  // The thread is inside Admit, waiting for room; nothing has released a
  // frame, so it cannot have returned.
  EXPECT_FALSE(returned.load());
  EXPECT_EQ(cache.Stats().frames, 2u);

  cache.ReleaseBefore(1);
  capture.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(result.get(), Admission::kReady);
  const CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.waited, 1u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_GE(stats.wait_us, 0);
  EXPECT_EQ(stats.frames, 1u);
  cache.Publish(MakeFrame(2));
  EXPECT_EQ(cache.Stats().frames, 2u);
}

TEST(FrameCacheTest, WaitPolicyWithByteCap) {
  FrameCache cache({0, 2 * kBytes}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  std::promise<Admission> admitted;
  std::future<Admission> result = admitted.get_future();
  std::thread capture([&] { admitted.set_value(cache.Admit(kBytes)); });
  WaitUntilWaiting(cache, 1);
  cache.ReleaseBefore(1);
  capture.join();
  EXPECT_EQ(result.get(), Admission::kReady);
  EXPECT_EQ(cache.Stats().waited, 1u);
}

TEST(FrameCacheTest, AbortWakesAWaitingAdmit) {
  FrameCache cache({2, 0}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  std::promise<Admission> admitted;
  std::future<Admission> result = admitted.get_future();
  std::thread capture([&] { admitted.set_value(cache.Admit(kBytes)); });
  WaitUntilWaiting(cache, 1);
  cache.Abort();
  capture.join();
  EXPECT_EQ(result.get(), Admission::kAborted);

  // Every later Admit is refused, even with room.
  EXPECT_EQ(cache.Admit(kBytes), Admission::kAborted);
  cache.ReleaseBefore(2);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kAborted);
  EXPECT_EQ(cache.Admit(0), Admission::kAborted);
  // An aborted kDrop cache refuses too, and does not count a drop.
  FrameCache other({}, WhenFull::kDrop);
  other.Abort();
  EXPECT_EQ(other.Admit(kBytes), Admission::kAborted);
  EXPECT_EQ(other.Stats().dropped, 0u);
}

TEST(FrameCacheTest, StopRequestWakesAWaitingAdmit) {
  FrameCache cache({2, 0}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  std::stop_source stop;
  std::promise<Admission> admitted;
  std::future<Admission> result = admitted.get_future();
  std::thread capture(
      [&] { admitted.set_value(cache.Admit(kBytes, stop.get_token())); });
  WaitUntilWaiting(cache, 1);
  stop.request_stop();
  capture.join();
  EXPECT_EQ(result.get(), Admission::kStopped);
  // The cache itself is not aborted: with room, Admit goes on as before.
  cache.ReleaseBefore(1);
  EXPECT_EQ(cache.Admit(kBytes), Admission::kReady);
}

TEST(FrameCacheTest, AbortKeepsCachedFramesCroppable) {
  FrameCache cache({}, WhenFull::kWait);
  AdmitAndPublish(cache, 0, 2);
  cache.Abort();
  EXPECT_NO_THROW(cache.Crop({1, std::nullopt}));
  cache.ReleaseBefore(2);
  EXPECT_EQ(cache.Stats().frames, 0u);
}

TEST(FrameCacheTest, ReleasesFromAnotherThreadFreeRoomOneAtATime) {
  // A capture thread under kWait with a 2-frame cap publishes 10 frames while
  // this thread releases them one by one: nothing is lost or reordered.
  FrameCache cache({2, 0}, WhenFull::kWait);
  std::thread capture([&] {
    for (uint64_t seq = 0; seq < 10; ++seq) {
      ASSERT_EQ(cache.Admit(kBytes), Admission::kReady);
      cache.Publish(MakeFrame(seq));
    }
  });
  for (uint64_t seq = 0; seq < 10; ++seq) {
    while (cache.Stats().published <= seq) std::this_thread::yield();
    const CropReply reply = cache.Crop({seq, cv::Rect(0, 0, 1, 1)});
    EXPECT_EQ(reply.pixels.at<cv::Vec4b>(0, 0)[0], seq);
    cache.ReleaseBefore(seq + 1);
  }
  capture.join();
  const CacheStats stats = cache.Stats();
  EXPECT_EQ(stats.published, 10u);
  EXPECT_EQ(stats.released, 10u);
  EXPECT_LE(stats.peak_frames, 2u);
  EXPECT_EQ(stats.dropped, 0u);
}

}  // namespace
}  // namespace svgcast::test
