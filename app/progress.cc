#include "app/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include <sys/ioctl.h>

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

namespace {

// "1.0/2.3 MB, 13 s left" (or without the time left).
std::string WorkText(const EncoderWork& work) {
  char text[64];
  std::snprintf(
      text, sizeof text, "%.1f/%.1f MB",
      static_cast<double>(std::min(work.done_bytes, work.planned_bytes)) / 1e6,
      static_cast<double>(work.planned_bytes) / 1e6);
  std::string out = text;
  if (work.seconds_left) out += ", " + FormatEta(*work.seconds_left) + " left";
  return out;
}

}  // namespace

std::string ProgressText(const std::string& verb, std::optional<uint64_t> total,
                         uint64_t done, std::optional<uint64_t> captured,
                         double seconds, std::optional<EncoderWork> work,
                         bool capture_ended) {
  char line[160];
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  if (total && *total > 0 && done >= *total) {
    // Every frame is written; the writer finishes the frames it still
    // holds and encodes the last sheets (with Zopfli, a minute).
    if (work) {
      std::snprintf(line, sizeof line,
                    "svgcast: %s %llu/%llu frames, %.1f s, closing the SVG: %s",
                    verb.c_str(), static_cast<unsigned long long>(done),
                    static_cast<unsigned long long>(*total), seconds,
                    WorkText(*work).c_str());
    } else {
      std::snprintf(line, sizeof line,
                    "svgcast: %s %llu/%llu frames (100%%), %.1f s, closing "
                    "the SVG",
                    verb.c_str(), static_cast<unsigned long long>(done),
                    static_cast<unsigned long long>(*total), seconds);
    }
  } else if (total && *total > 0) {
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
  } else if (capture_ended) {
    const uint64_t frames = captured ? std::max(*captured, done) : done;
    std::string more =
        frames > done
            ? "writing the " + std::to_string(frames - done) + " still waiting"
            : "closing the SVG";
    if (work) more += ", compressing " + WorkText(*work);
    std::snprintf(line, sizeof line,
                  "svgcast: %s ended at %llu frames, %.1f s; %s", verb.c_str(),
                  static_cast<unsigned long long>(frames), seconds,
                  more.c_str());
  } else {
    const uint64_t frames = captured ? std::max(*captured, done) : done;
    const int length = std::snprintf(
        line, sizeof line, "svgcast: %s %llu frames, %.1f s", verb.c_str(),
        static_cast<unsigned long long>(frames), seconds);
    std::string more;
    if (frames > done) {
      more = " (" + std::to_string(frames - done) + " waiting to be written)";
    }
    if (work) more += ", compressing " + WorkText(*work);
    if (length > 0 && static_cast<size_t>(length) < sizeof line) {
      std::snprintf(line + length, sizeof line - length, "%s", more.c_str());
    }
  }
  return line;
}

namespace {

ProgressLine::Output StderrOutput() {
  ProgressLine::Output output;
  output.terminal = ::isatty(STDERR_FILENO) == 1;
  output.interval = output.terminal ? std::chrono::milliseconds(100)
                                    : std::chrono::milliseconds(5000);
  output.write = [](const std::string& text) {
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  };
  output.columns = [] {
    winsize size{};
    return ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
  };
  return output;
}

// Seconds since now, on the steady clock.
std::function<double()> SecondsSinceNow() {
  const auto start = std::chrono::steady_clock::now();
  return [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
}

// Stderr for kAuto; none (nothing drawn, no thread) for kQuiet.
std::optional<ProgressLine::Output> OutputFor(ProgressLine::Mode mode) {
  if (mode != ProgressLine::Mode::kAuto) return std::nullopt;
  return StderrOutput();
}

}  // namespace

ProgressLine::ProgressLine(std::string verb, std::optional<uint64_t> total,
                           Mode mode, Counter captured,
                           const WorkMeter* encoders)
    : ProgressLine(std::move(verb), total, std::move(captured), encoders, {},
                   OutputFor(mode)) {}

ProgressLine::ProgressLine(std::string verb, std::optional<uint64_t> total,
                           Output output, Counter captured,
                           const WorkMeter* encoders)
    : ProgressLine(std::move(verb), total, std::move(captured), encoders, {},
                   std::move(output)) {}

ProgressLine::ProgressLine(Text text, Mode mode)
    : ProgressLine({}, std::nullopt, {}, nullptr, std::move(text),
                   OutputFor(mode)) {}

ProgressLine::ProgressLine(Text text, Output output)
    : ProgressLine({}, std::nullopt, {}, nullptr, std::move(text),
                   std::move(output)) {}

ProgressLine::ProgressLine(std::string verb, std::optional<uint64_t> total,
                           Counter captured, const WorkMeter* encoders,
                           Text text, std::optional<Output> output)
    : verb_(std::move(verb)),
      total_(total),
      captured_(std::move(captured)),
      encoders_(encoders),
      text_(std::move(text)) {
  if (!output) return;
  output_ = std::move(*output);
  if (!output_.clock) output_.clock = SecondsSinceNow();
  thread_ = std::thread([this] { Run(); });
}

ProgressLine::~ProgressLine() { Finish(); }

void ProgressLine::Update(uint64_t done) {
  done_.store(done, std::memory_order_relaxed);
}

void ProgressLine::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, output_.interval, [this] { return stop_; })) {
    lock.unlock();
    Draw();
    lock.lock();
  }
}

std::optional<EncoderWork> ProgressLine::Work(uint64_t done, uint64_t planned,
                                              double seconds) {
  if (done >= planned) {
    work_seen_.reset();
    return std::nullopt;
  }
  EncoderWork work{done, planned, std::nullopt};
  if (!work_seen_) work_seen_ = WorkSeen{seconds, done, seconds, done};
  if (done != work_seen_->last_done) {
    work_seen_->last_s = seconds;
    work_seen_->last_done = done;
  }
  // The rate from when the work was first seen to its last report (Zopfli
  // reports a megabyte at a time); the time left counts down from there.
  // (Work planned later, a sheet's Zopfli once its PNG is encoded, makes
  // it short.)
  const WorkSeen& seen = *work_seen_;
  if (seen.last_done > seen.first_done && seen.last_s > seen.first_s) {
    const double bytes_per_s =
        static_cast<double>(seen.last_done - seen.first_done) /
        (seen.last_s - seen.first_s);
    const double left = static_cast<double>(planned - done) / bytes_per_s -
                        (seconds - seen.last_s);
    // (Run out before the work has: no estimate, rather than "0 s left".)
    if (left >= 0.5) work.seconds_left = left;
  }
  return work;
}

void ProgressLine::Draw() {
  Show(text_ ? text_(output_.clock()) : FramesText());
}

std::string ProgressLine::FramesText() {
  const uint64_t done = done_.load(std::memory_order_relaxed);
  std::optional<uint64_t> captured;
  if (captured_) captured = captured_();
  // The encoders' counts before the clock: a report is never timed before
  // it happened. (Done first: planned, read after it, is at least as much.)
  const uint64_t work_done = encoders_ ? encoders_->done_bytes() : 0;
  const uint64_t work_planned = encoders_ ? encoders_->planned_bytes() : 0;
  const double seconds = output_.clock();
  std::optional<EncoderWork> work = Work(work_done, work_planned, seconds);
  // (With a total, the frames' own rate and time left until they are all
  // written; the encoders' after.)
  if (total_ && done < *total_) work.reset();
  return ProgressText(verb_, total_, done, captured, seconds, work,
                      capture_ended_.load());
}

void ProgressLine::Show(std::string text) {
  if (output_.terminal && output_.columns) {
    // (Short of the last column: a line that fills it wraps on some
    // terminals.)
    const int columns = output_.columns();
    if (columns > 1 && text.size() >= static_cast<size_t>(columns)) {
      text.resize(static_cast<size_t>(columns) - 1);
    }
  }
  // (A terminal line is redrawn only when it changed.)
  if (output_.terminal && text == last_text_) return;
  last_text_ = text;
  output_.write(output_.terminal ? "\r" + text + "\033[K" : text + "\n");
  drawn_ = true;
}

void ProgressLine::Finish() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (output_.terminal && drawn_) output_.write("\r\033[K");
}

}  // namespace svgcast
