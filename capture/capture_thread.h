// CaptureThread: the capture side's one thread. It waits for each frame to
// be due, admits it into the FrameCache (which applies the cap policy),
// captures and publishes it, and posts its FrameTicket into the processing
// side. When the source ends, a stop is requested, the duration is reached,
// the cache is aborted or a capture fails, it posts the end marker (seq one
// past the last frame) and the thread finishes. A source waiting for its
// next tick is cut short (FrameSource::SetCutShort) by a stop, Ctrl-C,
// should_stop or the duration's end, so at a low frame rate the stream
// still ends within 50 ms of them, not at the next tick. It does nothing else, so
// processing can never make it late; with a FrameTimer it records when each
// frame was due, captured and how full the cache was.
//
// Threading: construct and destroy on the owning thread; the destructor
// requests a stop and joins. RequestStop() and frames_captured() are
// thread-safe. The post callback is called on the capture thread, once per
// frame and once for the end marker, in seq order.
#ifndef SVGCAST_CAPTURE_CAPTURE_THREAD_H_
#define SVGCAST_CAPTURE_CAPTURE_THREAD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

#include "capture/frame.h"
#include "capture/frame_cache.h"
#include "capture/frame_source.h"
#include "capture/frame_timer.h"
#include "capture/status.h"

namespace svgcast {

struct CaptureOptions {
  // Polled before every frame; a signal handler may set it.
  const std::atomic<bool>* interrupted = nullptr;
  // Polled before every frame but the first, on the capture thread (e.g.
  // "the recorded command has exited"); true ends the stream.
  std::function<bool()> should_stop;
  // > 0: end the stream before the first frame at or after this time.
  int64_t max_duration_us = 0;
  // Optional; must outlive the thread.
  FrameTimer* timer = nullptr;
  // > 0: the thread asks for real-time scheduling (SCHED_FIFO at this
  // priority) so that waking at a deadline never waits behind busy
  // programs at normal priority. Best effort: without the privilege
  // (CAP_SYS_NICE or RLIMIT_RTPRIO) it keeps normal scheduling and says so
  // in CaptureResult::realtime. The thread only sleeps and asks the X
  // server for pixels, so it uses little CPU at that priority.
  int realtime_priority = 0;
};

struct CaptureResult {
  enum class End {
    kSourceEnded = 1,  // the source ran out (replay: all frames)
    kStopped,          // RequestStop() or `interrupted` (Ctrl-C)
    kStopCondition,    // should_stop() said so
    kDurationReached,  // max_duration_us
    kSourceLost,       // the source went away (status says why); keep output
    kCacheAborted,     // processing failed and aborted the cache
    kFailed,           // a capture failed (status says why); discard output
  };

  End end = End::kSourceEnded;
  Status status;               // why, for kSourceLost and kFailed
  uint64_t frames = 0;         // published (and posted)
  uint64_t skipped = 0;        // not captured because the cache was full
  uint64_t skipped_ticks = 0;  // ticks the source could not keep
  int64_t last_timestamp_us = 0;
  // Whether realtime_priority was granted (false when not asked for).
  bool realtime = false;
};

class CaptureThread {
 public:
  using PostFn = std::function<void(const FrameTicket&)>;

  // Starts the thread at once. `source`, `cache` and `post` must outlive
  // this object.
  CaptureThread(FrameSource& source, FrameCache& cache, PostFn post,
                CaptureOptions options = {});
  CaptureThread(const CaptureThread&) = delete;
  CaptureThread& operator=(const CaptureThread&) = delete;
  ~CaptureThread();

  // Thread-safe: ask the thread to end the stream after the current frame
  // (it also stops waiting for room in the cache).
  void RequestStop();

  // Owning thread: waits until the thread has posted the end marker and
  // returns how capture ended.
  CaptureResult Join();

  // Thread-safe: frames published so far (for progress lines).
  uint64_t frames_captured() const {
    return frames_captured_.load(std::memory_order_relaxed);
  }

 private:
  void Run(std::stop_token stop);

  FrameSource& source_;
  FrameCache& cache_;
  const PostFn post_;
  const CaptureOptions options_;
  std::atomic<uint64_t> frames_captured_{0};
  CaptureResult result_;  // written by the thread, read after join
  std::jthread thread_;   // last: starts after the members above exist
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_CAPTURE_THREAD_H_
