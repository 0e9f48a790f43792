#include "app/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace svgcast {

std::string FormatEta(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(text, sizeof text, "%ld:%02ld min", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(text, sizeof text, "%ld:%02ld h", m / 60, m % 60);
  }
  return text;
}

ProgressLine::ProgressLine(std::string verb, std::optional<uint64_t> total,
                           Mode mode)
    : verb_(std::move(verb)),
      total_(total),
      enabled_(mode == Mode::kAuto),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void ProgressLine::Update(uint64_t done, std::optional<uint64_t> captured) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = terminal_ ? std::chrono::milliseconds(100)
                                  : std::chrono::milliseconds(5000);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  Print(done, captured, std::chrono::duration<double>(now - start_).count());
}

std::string ProgressText(const std::string& verb, std::optional<uint64_t> total,
                         uint64_t done, std::optional<uint64_t> captured,
                         double seconds) {
  char line[160];
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  if (total && *total > 0) {
    const int length = std::snprintf(
        line, sizeof line,
        "svgcast: %s %llu/%llu frames (%.0f%%), %.1f s, %.1f frames/s",
        verb.c_str(), static_cast<unsigned long long>(done),
        static_cast<unsigned long long>(*total),
        100.0 * static_cast<double>(done) / static_cast<double>(*total),
        seconds, rate);
    if (rate > 0 && done < *total && length > 0 &&
        static_cast<size_t>(length) < sizeof line) {
      std::snprintf(
          line + length, sizeof line - length, ", %s left",
          FormatEta(static_cast<double>(*total - done) / rate).c_str());
    }
  } else {
    const uint64_t frames = captured ? std::max(*captured, done) : done;
    const int length = std::snprintf(
        line, sizeof line, "svgcast: %s %llu frames, %.1f s", verb.c_str(),
        static_cast<unsigned long long>(frames), seconds);
    if (frames > done && length > 0 &&
        static_cast<size_t>(length) < sizeof line) {
      std::snprintf(line + length, sizeof line - length,
                    " (%llu waiting to be written)",
                    static_cast<unsigned long long>(frames - done));
    }
  }
  return line;
}

void ProgressLine::Print(uint64_t done, std::optional<uint64_t> captured,
                         double seconds) {
  const std::string line = ProgressText(verb_, total_, done, captured, seconds);
  std::fprintf(stderr, terminal_ ? "\r%s\033[K" : "%s\n", line.c_str());
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::Finish() {
  if (enabled_ && terminal_ && printed_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace svgcast
