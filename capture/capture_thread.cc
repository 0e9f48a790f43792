#include "capture/capture_thread.h"

#include <exception>
#include <memory>
#include <utility>

namespace svgcast {

CaptureThread::CaptureThread(FrameSource& source, FrameCache& cache,
                             PostFn post, const std::atomic<bool>* interrupted)
    : source_(source),
      cache_(cache),
      post_(std::move(post)),
      interrupted_(interrupted),
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
  const size_t frame_bytes = FrameBytes(source_.frame_size());
  bool have_origin = false;
  int64_t origin_us = 0;
  try {
    for (;;) {
      if (stop.stop_requested() ||
          (interrupted_ != nullptr && interrupted_->load())) {
        result.end = End::kStopped;
        break;
      }
      if (!source_.WaitForNextFrame()) {
        result.end = End::kSourceEnded;
        break;
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
        continue;
      }
      auto frame = std::make_shared<Frame>();
      int64_t source_us = 0;
      Status status = source_.Capture(&frame->pixels, &source_us);
      if (!status.ok()) {
        result.end = End::kFailed;
        result.status = std::move(status);
        break;
      }
      if (!have_origin) {
        origin_us = source_us;
        have_origin = true;
      }
      frame->seq = result.frames;
      frame->timestamp_us = source_us - origin_us;
      const FrameTicket ticket{FrameTicket::Kind::kFrame, frame->seq,
                               frame->timestamp_us};
      cache_.Publish(std::move(frame));  // immutable from here on
      post_(ticket);
      result.last_timestamp_us = ticket.timestamp_us;
      ++result.frames;
      frames_captured_.store(result.frames, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    result.end = End::kFailed;
    result.status = Status::Error(std::string("capture failed: ") + e.what());
  }
  // End of stream: processing drains everything cached, then says done.
  post_(FrameTicket{FrameTicket::Kind::kEnd, result.frames,
                    result.last_timestamp_us});
  result_ = std::move(result);
}

}  // namespace svgcast
