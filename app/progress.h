// ProgressLine: the progress line on stderr during long work. On a terminal
// it redraws one line in place (at most ten times a second); otherwise it
// prints a plain line every five seconds, so logs stay readable. When the
// total is known it shows the percentage and the time left at the rate so
// far ("12 s left"), and, once every frame is written, that the SVG is
// being closed (its last sheets encoded), with how far the slow encoders
// are (--effort max: megabytes of image data compressed of those planned,
// processing/work_meter.h) and the time left at their rate so far. While
// recording (no total), it counts the frames captured, and how many of
// them still wait to be written, if any: the processing side may be
// behind capture, and finishes them after it stops. On a terminal the line
// is cut to its width: a line that wraps cannot be redrawn in place. Work
// other than frames (standard input being copied) gives its own text.
//
// The line is drawn by a thread of its own, so it keeps going (time,
// frames captured) while the writer is busy with one frame: a sheet
// recompressed with Zopfli (--effort max) can take a minute, in which
// no frame is written.
//
// Threading: Update() may be called from any thread, but from one at a time
// (the graph's serial writer node). The `captured`, `text`, `clock` and
// `columns` functions, and the meter's counts, are called on the line's
// thread.
// Finish() (or the destructor) on the owning thread, after the last
// Update(): it stops and joins the line's thread; nothing is drawn after it
// returns.
#ifndef SVGCAST_APP_PROGRESS_H_
#define SVGCAST_APP_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "processing/work_meter.h"

namespace svgcast {

// "42 s", "3:05 min", "1:20 h": a time left, rounded.
std::string FormatEta(double seconds);

// The slow encoders' work, while some is left: bytes of image data done
// of those planned, and the time left at their rate, once known.
struct EncoderWork {
  uint64_t done_bytes = 0;
  uint64_t planned_bytes = 0;
  std::optional<double> seconds_left;
};

// The line's text (without "\r"): `done` frames written of `total`, or,
// without a total, `captured` frames (`done` when not given) and how many
// of them wait to be written; and `work`, once every frame is written or
// without a total.
// `capture_ended` (without a total): the recording has stopped, and what
// is left is writing the frames still waiting and closing the SVG.
std::string ProgressText(const std::string& verb, std::optional<uint64_t> total,
                         uint64_t done, std::optional<uint64_t> captured,
                         double seconds,
                         std::optional<EncoderWork> work = std::nullopt,
                         bool capture_ended = false);

class ProgressLine {
 public:
  enum class Mode { kQuiet = 1, kAuto };
  // Frames captured so far, when recording (thread-safe).
  using Counter = std::function<uint64_t()>;
  // A line of other work than frames, given the seconds since the start
  // (called on the line's thread).
  using Text = std::function<std::string(double seconds)>;

  // Where and how often the line is drawn, and its clock (seconds since
  // the start). Stderr, every 100 ms on a terminal and 5 s otherwise, the
  // steady clock by default; tests give their own.
  struct Output {
    std::function<void(const std::string& text)> write;
    bool terminal = false;
    std::chrono::milliseconds interval{5000};
    std::function<double()> clock;
    // On a terminal: its width, read at each draw (0 or unset: unknown). A
    // line as wide or wider is cut short, as one that wraps cannot be
    // redrawn in place.
    std::function<int()> columns;
  };

  // `total`: frames expected, when known. kQuiet draws nothing and starts
  // no thread. `encoders` (may be null; outlives the line): the sheets'
  // slow encoders.
  ProgressLine(std::string verb, std::optional<uint64_t> total, Mode mode,
               Counter captured = {}, const WorkMeter* encoders = nullptr);
  ProgressLine(std::string verb, std::optional<uint64_t> total, Output output,
               Counter captured = {}, const WorkMeter* encoders = nullptr);
  // A line of `text` instead of frames, on the same schedule.
  ProgressLine(Text text, Mode mode);
  ProgressLine(Text text, Output output);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();

  // `done` frames written.
  void Update(uint64_t done);
  // Thread-safe: capture has ended (a recording's line then says so, not
  // "recording" while the frames still waiting are written).
  void CaptureEnded() { capture_ended_.store(true); }
  // Stops the line and clears it on a terminal, so the summary starts on
  // a clean line.
  void Finish();

 private:
  // Every constructor's: no thread when `output` is empty (quiet).
  ProgressLine(std::string verb, std::optional<uint64_t> total,
               Counter captured, const WorkMeter* encoders, Text text,
               std::optional<Output> output);
  void Run();
  void Draw();
  // The line of frames (with the encoders' work), and drawing a line (the
  // line's thread).
  std::string FramesText();
  void Show(std::string text);
  // The encoders' work left, and the time left at their rate since it was
  // first seen left (the line's thread).
  std::optional<EncoderWork> Work(uint64_t done, uint64_t planned,
                                  double seconds);

  const std::string verb_;
  const std::optional<uint64_t> total_;
  const Counter captured_;
  const WorkMeter* const encoders_;
  const Text text_;  // (empty: frames)
  Output output_;
  std::atomic<uint64_t> done_{0};
  std::atomic<bool> capture_ended_{false};
  std::string last_text_;  // (the line's thread)
  bool drawn_ = false;     // (the line's thread; read after it is joined)
  // When work was first seen left and how much was done then, and when
  // the done count last changed and to what (the line's thread).
  struct WorkSeen {
    double first_s;
    uint64_t first_done;
    double last_s;
    uint64_t last_done;
  };
  std::optional<WorkSeen> work_seen_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // (mutex_)
  std::thread thread_;
};

// kQuiet for -q, else kAuto.
inline ProgressLine::Mode ProgressMode(bool quiet) {
  return quiet ? ProgressLine::Mode::kQuiet : ProgressLine::Mode::kAuto;
}

}  // namespace svgcast

#endif  // SVGCAST_APP_PROGRESS_H_
