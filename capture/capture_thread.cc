#include "capture/capture_thread.h"

#include <pthread.h>
#include <sched.h>

#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "capture/clock.h"

namespace svgcast {

CaptureThread::CaptureThread(FrameSource& source, FrameCache& cache,
                             PostFn post, CaptureOptions options)
    : source_(source),
      cache_(cache),
      post_(std::move(post)),
      options_(std::move(options)),
      thread_([this](std::stop_token stop) { Run(stop); }) {}

CaptureThread::~CaptureThread() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void CaptureThread::RequestStop() { thread_.request_stop(); }

CaptureResult CaptureThread::Join() {
  if (thread_.joinable()) thread_.join();
  return result_;
}

void CaptureThread::Run(std::stop_token stop) {
  using End = CaptureResult::End;
  CaptureResult result;
  FrameTimer* const timer = options_.timer;
  const size_t frame_bytes = FrameBytes(source_.frame_size());
  bool have_origin = false;
  int64_t origin_us = 0;
  if (options_.realtime_priority > 0) {
    sched_param param{};
    param.sched_priority = options_.realtime_priority;
    result.realtime =
        ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param) == 0;
  }
  // When the duration ends on the monotonic clock: a source paced in real
  // time stops waiting then (its next frame would be past the end).
  int64_t duration_end_ns = 0;
  // Why the stream ends before the next frame, if it does.
  const auto why_end = [&](bool waiting) -> std::optional<End> {
    if (stop.stop_requested() ||
        (options_.interrupted != nullptr && options_.interrupted->load())) {
      return End::kStopped;
    }
    // Never before the first frame: a recording always has one.
    if (options_.should_stop && result.frames > 0 && options_.should_stop()) {
      return End::kStopCondition;
    }
    if (waiting && duration_end_ns != 0 &&
        MonotonicNowNs() >= duration_end_ns) {
      return End::kDurationReached;
    }
    return std::nullopt;
  };
  source_.SetCutShort([&] { return why_end(/*waiting=*/true).has_value(); });
  try {
    for (;;) {
      if (const std::optional<End> end = why_end(/*waiting=*/false)) {
        result.end = *end;
        break;
      }
      Tick tick;
      if (!source_.WaitForNextFrame(&tick)) {
        result.end = why_end(/*waiting=*/true).value_or(End::kSourceEnded);
        break;
      }
      if (tick.skipped != 0) {
        result.skipped_ticks += tick.skipped;
        if (timer != nullptr) timer->OnSkippedTicks(tick.skipped);
      }
      const FrameCache::Admission admission = cache_.Admit(frame_bytes, stop);
      if (admission == FrameCache::Admission::kStopped) {
        result.end = End::kStopped;
        break;
      }
      if (admission == FrameCache::Admission::kAborted) {
        result.end = End::kCacheAborted;
        break;
      }
      if (admission == FrameCache::Admission::kDropped) {
        source_.Skip();
        ++result.skipped;
        if (timer != nullptr) timer->OnDropped(DropReason::kCacheFull);
        continue;
      }
      auto frame = std::make_shared<Frame>();
      const int64_t start_ns = MonotonicNowNs();
      Status status = source_.Capture(frame.get());
      const int64_t end_ns = MonotonicNowNs();
      if (!status.ok()) {
        result.end = status.source_lost() ? End::kSourceLost : End::kFailed;
        result.status = std::move(status);
        break;
      }
      if (!have_origin) {
        origin_us = frame->timestamp_us;
        have_origin = true;
        if (options_.max_duration_us > 0) {
          duration_end_ns = start_ns + options_.max_duration_us * 1000;
        }
      }
      const int64_t timestamp_us = frame->timestamp_us - origin_us;
      if (options_.max_duration_us > 0 &&
          timestamp_us >= options_.max_duration_us) {
        result.end = End::kDurationReached;
        break;
      }
      frame->seq = result.frames;
      frame->timestamp_us = timestamp_us;
      const FrameTicket ticket{FrameTicket::Kind::kFrame, frame->seq,
                               frame->timestamp_us};
      cache_.Publish(std::move(frame));  // immutable from here on
      if (timer != nullptr) {
        const CacheStats cache = cache_.Stats();
        timer->OnCaptured({ticket.seq, tick.deadline_ns, start_ns, end_ns,
                           cache.frames, cache.bytes, 0});
      }
      post_(ticket);
      result.last_timestamp_us = ticket.timestamp_us;
      ++result.frames;
      frames_captured_.store(result.frames, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    result.end = End::kFailed;
    result.status = Status::Error(std::string("capture failed: ") + e.what());
  }
  source_.SetCutShort(nullptr);  // (it refers to this function's locals)
  // End of stream: processing drains everything cached, then says done.
  post_(FrameTicket{FrameTicket::Kind::kEnd, result.frames,
                    result.last_timestamp_us});
  result_ = std::move(result);
}

}  // namespace svgcast
