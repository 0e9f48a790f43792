// FrameTimer: svgcast's built-in stutter profiler. For every captured frame
// it keeps when the frame was due (its tick's deadline), when capture
// started and ended, how full the frame cache was after it, and when
// processing finished it; it counts the ticks the capture loop skipped and
// the frames it dropped, and why. After the run it summarises (capture
// interval p50/p95/p99/max and its error against the period, late and
// skipped ticks, drops, peak cache, processing latency p50/p99), writes the
// per-frame rows as CSV, and draws them as an SVG chart: the capture
// interval and the cache depth over time (the sawtooth of processing falling
// behind and catching up).
//
// Threading: OnSkippedTicks(), OnDropped() and OnCaptured() are for the
// capture thread; OnProcessed() for the pipeline's writer (one thread at a
// time). The two sides may run at once: the timer locks internally and
// holds the lock only to append or update one row. Summarize(), WriteCsv()
// and WritePlot() are for the owning thread after the run (they work on a
// copy taken under the lock, so a call mid-run is safe too, just partial).
// The Format* functions are pure.
//
// Files are written under a temporary name in the same folder and renamed
// into place, so a failed write never leaves a partial file at the path.
#ifndef SVGCAST_CAPTURE_FRAME_TIMER_H_
#define SVGCAST_CAPTURE_FRAME_TIMER_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "capture/status.h"

namespace svgcast {

enum class DropReason { kCacheFull = 1 };

// One captured frame. Times are CLOCK_MONOTONIC nanoseconds.
struct FrameTimes {
  uint64_t seq = 0;
  int64_t deadline_ns = 0;  // 0: the source is not paced
  int64_t capture_start_ns = 0;
  int64_t capture_end_ns = 0;
  size_t cache_frames = 0;  // cached right after this frame was published
  size_t cache_bytes = 0;
  int64_t processed_ns = 0;  // when the writer finished it; 0: not (yet)
};

struct TimerSummary {
  uint64_t frames = 0;
  double duration_s = 0;  // first to last capture start
  double period_ms = 0;   // nominal; 0 when unpaced
  // Intervals between consecutive capture starts.
  double interval_p50_ms = 0, interval_p95_ms = 0, interval_p99_ms = 0,
         interval_max_ms = 0;
  // |interval - period| (0 when unpaced).
  double interval_error_p99_ms = 0, interval_error_max_ms = 0;
  // How long after its deadline each paced frame's capture began
  // (0 when unpaced); meaningful for irregular (replayed) deadlines too.
  double lateness_p99_ms = 0, lateness_max_ms = 0;
  // Capture started more than kLateThresholdNs after its deadline.
  uint64_t late_ticks = 0;
  uint64_t skipped_ticks = 0;
  uint64_t dropped_cache_full = 0;
  size_t peak_cache_frames = 0;
  size_t peak_cache_bytes = 0;
  // processed_ns - capture_end_ns, over the frames that were processed.
  double latency_p50_ms = 0, latency_p99_ms = 0;
  uint64_t processed_frames = 0;  // rows with a processed_ns
  // How the capture thread was scheduled ("real-time (SCHED_FIFO 10)",
  // "normal (real-time not permitted)"); set by the session, empty when
  // not reported.
  std::string capture_scheduling;
};

class FrameTimer {
 public:
  // A capture that starts more than this after its deadline is late.
  static constexpr int64_t kLateThresholdNs = 2'000'000;

  // period_ns: the nominal tick period; 0 for unpaced sources.
  explicit FrameTimer(int64_t period_ns);
  FrameTimer(const FrameTimer&) = delete;
  FrameTimer& operator=(const FrameTimer&) = delete;

  void OnSkippedTicks(uint64_t count);
  void OnDropped(DropReason reason);
  // Frames arrive in seq order 0, 1, 2, ...
  void OnCaptured(const FrameTimes& times);
  void OnProcessed(uint64_t seq, int64_t done_ns);

  TimerSummary Summarize() const;
  std::vector<FrameTimes> rows() const;
  // Thread-safe: the row of one captured frame, if it was captured.
  std::optional<FrameTimes> row(uint64_t seq) const;

  // One row per frame: seq, deadline, capture start and end, cache frames
  // and bytes, processed; times in ms from the first capture start. Errors
  // name the file.
  //
  // Columns: seq, deadline_ms, capture_start_ms, capture_end_ms,
  // interval_ms (from the previous capture start), late_ms (capture start
  // minus deadline), cache_frames, cache_mb (10^6 bytes), processed_ms,
  // latency_ms (processed minus capture end). Three decimals; a cell is
  // empty where its value does not exist (no deadline: unpaced; no
  // interval: first frame; not processed).
  Status WriteCsv(const std::string& path) const;
  // An SVG chart of capture interval and cache depth over time: x is
  // seconds from the first capture start; the top panel is
  // <polyline class="interval"> with one point per frame after the first
  // (at its capture start) and the nominal period as a dashed
  // <line class="period"> (paced only); the bottom panel is the cache depth
  // as a step line, <polyline class="cache"> with 2n - 1 points for n
  // frames. A series of a single point also gets a <circle> so it shows.
  // Self-contained, no scripts or external resources. Errors name the file.
  Status WritePlot(const std::string& path) const;

 private:
  const int64_t period_ns_;
  mutable std::mutex mutex_;
  std::vector<FrameTimes> rows_;     // guarded by mutex_
  uint64_t skipped_ticks_ = 0;       // guarded by mutex_
  uint64_t dropped_cache_full_ = 0;  // guarded by mutex_
};

// The summary as the lines svgcast prints on stderr (indented, no title).
std::string FormatTimerSummary(const TimerSummary& summary);

// Two summaries side by side with column titles (for `svgcast profile`).
std::string FormatTimerComparison(const std::string& left_title,
                                  const TimerSummary& left,
                                  const std::string& right_title,
                                  const TimerSummary& right);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_TIMER_H_
