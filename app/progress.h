// ProgressLine: the progress line on stderr during long work. On a terminal
// it redraws one line in place (at most ten times a second); otherwise it
// prints a plain line every five seconds, so logs stay readable. When the
// total is known it shows the percentage and the time left at the rate so
// far ("12 s left"). While recording (no total), it counts the frames
// captured, and how many of them still wait to be written, if any: the
// processing side may be behind capture, and finishes them after it stops.
//
// Threading: Update() may be called from any thread, but from one at a time
// (the graph's serial writer node); Finish() on the owning thread after the
// last Update().
#ifndef SVGCAST_APP_PROGRESS_H_
#define SVGCAST_APP_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace svgcast {

// "42 s", "3:05 min", "1:20 h": a time left, rounded.
std::string FormatEta(double seconds);

// The line's text (without "\r"): `done` frames written of `total`, or,
// without a total, `captured` frames (`done` when not given) and how many
// of them wait to be written.
std::string ProgressText(const std::string& verb, std::optional<uint64_t> total,
                         uint64_t done, std::optional<uint64_t> captured,
                         double seconds);

class ProgressLine {
 public:
  enum class Mode { kQuiet = 1, kAuto };

  // `total`: frames expected, when known.
  ProgressLine(std::string verb, std::optional<uint64_t> total, Mode mode);

  // `done` frames written; `captured`, when recording: frames captured.
  void Update(uint64_t done, std::optional<uint64_t> captured = std::nullopt);
  // Clears a terminal line so the summary starts on a clean line.
  void Finish();

 private:
  void Print(uint64_t done, std::optional<uint64_t> captured, double seconds);

  const std::string verb_;
  const std::optional<uint64_t> total_;
  const bool enabled_;
  const bool terminal_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

}  // namespace svgcast

#endif  // SVGCAST_APP_PROGRESS_H_
