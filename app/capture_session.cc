#include "app/capture_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>
#include <utility>

#include <sys/resource.h>

#include "app/interrupt.h"
#include "app/progress.h"
#include "capture/clock.h"
#include "processing/work_meter.h"
#include "svg/output_file.h"

namespace svgcast {
namespace {

std::string FormatMb(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// "recording in 3... 2... 1..." on stderr; false if Ctrl-C came first.
bool CountDown(int seconds, bool quiet) {
  for (int left = seconds; left > 0; --left) {
    if (InterruptHandler::interrupted()) return false;
    if (!quiet) std::fprintf(stderr, "svgcast: recording in %d...\n", left);
    const int64_t until = MonotonicNowNs() + 1'000'000'000;
    while (MonotonicNowNs() < until) {
      if (InterruptHandler::interrupted()) return false;
      SleepUntilNs(std::min(until, MonotonicNowNs() + 50'000'000));
    }
  }
  return !InterruptHandler::interrupted();
}

}  // namespace

double PeakRssMegabytes() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024 / 1e6;  // KiB on Linux
}

Status RunSession(FrameSource& source, const SessionOptions& options,
                  SessionReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const cv::Size size = source.frame_size();
  constexpr size_t kFrames = Pipeline::kFramesInUse;
  CacheLimits cache_limits = options.cache;
  if (options.cache_bytes_by_default && cache_limits.max_bytes != 0) {
    cache_limits.max_bytes =
        std::max(cache_limits.max_bytes, FrameBytes(size) * kFrames);
  }
  if (!FrameCache::Holds(cache_limits, FrameBytes(size), kFrames)) {
    return Status::Error(
        "--cache-frames/--cache-mb: the cache must hold " +
        std::to_string(kFrames) + " frames of " + std::to_string(size.width) +
        "x" + std::to_string(size.height) + " (" +
        std::to_string(FrameBytes(size) * kFrames / 1000000 + 1) + " MB)");
  }
  // (Before the output, which it outlives: no Ctrl-C leaves its temporary
  // file behind.)
  // (During a countdown the first Ctrl-C ends the run, said below.)
  InterruptHandler interrupt(
      options.write_if_interrupted ? "finishing the SVG"
                                   : options.output + " stays as it was",
      options.countdown_s > 0 ? std::optional<std::string>("") : std::nullopt);
  std::unique_ptr<OutputFile> out;
  if (Status s = OutputFile::Open(options.output, &out); !s.ok()) return s;
  interrupt.RemoveOnAbort(out->temp_path());
  // The timer's files are written at the end: one that cannot be is said
  // now, before anything is recorded; so is one that another output
  // would overwrite (the chart replaced the recording it was given as).
  const auto same_file = [](const std::string& a, const std::string& b) {
    std::error_code error_a, error_b;
    return std::filesystem::weakly_canonical(a, error_a) ==
               std::filesystem::weakly_canonical(b, error_b) &&
           !error_a && !error_b;
  };
  for (const auto& [option, path] :
       {std::pair{"--timer-log", &options.timer_log},
        std::pair{"--timer-plot", &options.timer_plot}}) {
    if (*path == "-") {
      return Status::Usage(std::string(option) +
                           ": '-': not standard output; give a file");
    }
    if (!path->empty() && !out->is_stdout() &&
        same_file(*path, options.output)) {
      return Status::Usage(std::string(option) + ": " + *path +
                           " is the SVG's -o too; give another file");
    }
  }
  if (!options.timer_log.empty() &&
      same_file(options.timer_log, options.timer_plot)) {
    return Status::Usage("--timer-plot: " + options.timer_plot +
                         " is --timer-log's too; give another file");
  }
  for (const auto& [option, path] :
       {std::pair{"--timer-log", &options.timer_log},
        std::pair{"--timer-plot", &options.timer_plot}}) {
    std::unique_ptr<OutputFile> probe;
    if (path->empty() || OutputFile::IsStream(*path)) continue;
    if (Status s = OutputFile::Open(*path, &probe); !s.ok()) {
      return Status::Error(std::string(option) + ": " + s.message());
    }
  }
  if (options.on_start) options.on_start();
  if (!options.quiet && !options.start_message.empty()) {
    std::fprintf(stderr, "svgcast: %s\n", options.start_message.c_str());
  }
  if (!options.quiet && options.align_px == 4 &&
      (size.width % 4 != 0 || size.height % 4 != 0)) {
    // (README, "How it plays": a side of 46 pixels is 57.5 screen pixels
    // at 125%, and Firefox then draws the pieces apart from the frame.)
    std::fprintf(stderr,
                 "svgcast: note: --align 4 with frames of %dx%d: Firefox "
                 "shows them clean at 125%% only when both sides are "
                 "multiples of 4\n",
                 size.width, size.height);
  }
  if (options.countdown_s > 0 &&
      !CountDown(options.countdown_s, options.quiet)) {
    return Status::Interrupted(
        "interrupted before recording started; no output");
  }
  interrupt.Started();
  FrameTimer timer(options.period_ns);
  FrameCache cache(cache_limits, options.when_full);
  // Recording (no total): the frames captured too, which processing may be
  // behind (read on the line's thread; the line ends before the cache).
  const std::optional<uint64_t> total_frames = source.frame_count();
  // (How far the sheets' slow encoders are, at --effort max; the writer
  // and the line end before it.)
  WorkMeter encoders;
  ProgressLine progress(
      options.verb, total_frames, ProgressMode(options.quiet),
      total_frames ? ProgressLine::Counter()
                   : [&cache] { return cache.Stats().published; },
      &encoders);
  SheetOptions sheets;
  sheets.meter = &encoders;
  sheets.codec = options.codec;
  sheets.effort = options.effort;
  const std::atomic<bool>* hurry =
      options.interrupt_hurries ? InterruptHandler::flag() : nullptr;
  sheets.hurry = hurry;
  sheets.copy_budget_bytes = options.sheet_copy_budget_bytes;
  sheets.align_px = options.align_px;
  SvgWriter writer(size, out.get(), options.timing, sheets);
  PipelineOptions pipeline_options;
  pipeline_options.mode = options.processing;
  pipeline_options.threads = options.threads;
  pipeline_options.png.effort = options.effort;
  pipeline_options.codec = options.codec;
  pipeline_options.hurry = hurry;
  pipeline_options.scroll.enabled = options.scroll;
  pipeline_options.align_px = options.align_px;
  pipeline_options.scroll.align_px = options.align_px;
  pipeline_options.sprite_max_side_px = sheets.width_px;
  pipeline_options.on_frame_written = [&](uint64_t written) {
    timer.OnProcessed(written - 1, MonotonicNowNs());
    progress.Update(written);
    if (options.log_frames) {
      if (const std::optional<FrameTimes> row = timer.row(written - 1)) {
        std::fprintf(stderr, "svgcast: frame %llu captured at %lld ns\n",
                     static_cast<unsigned long long>(row->seq),
                     static_cast<long long>(row->capture_start_ns));
        std::fflush(stderr);
      }
    }
  };
  Pipeline pipeline(cache, writer, std::move(pipeline_options));
  CaptureOptions capture_options;
  capture_options.interrupted = InterruptHandler::flag();
  capture_options.should_stop = options.should_stop;
  capture_options.max_duration_us = options.max_duration_us;
  capture_options.timer = &timer;
  capture_options.realtime_priority = options.realtime_priority;
  CaptureThread capture(
      source, cache,
      [&](const FrameTicket& t) {
        if (t.is_end()) progress.CaptureEnded();
        pipeline.Post(t);
      },
      capture_options);

  const Status processed = pipeline.Wait();
  report->capture = capture.Join();
  progress.Finish();
  if (report->capture.end == CaptureResult::End::kFailed) {
    return report->capture.status;
  }
  if (!processed.ok()) return processed;
  // (Also once every frame was read: Ctrl-C then hurried the encoding, and
  // into itself the input stays as it was, as the message said.)
  report->interrupted = report->capture.end == CaptureResult::End::kStopped ||
                        InterruptHandler::interrupted();
  if (report->interrupted && !options.write_if_interrupted) {
    report->written = false;
    return Status::Ok();  // (the temporary file goes with `out`)
  }
  // (Before the SVG is committed: a run that fails leaves none.)
  if (!options.timer_log.empty()) {
    if (Status s = timer.WriteCsv(options.timer_log); !s.ok()) return s;
  }
  if (!options.timer_plot.empty()) {
    if (Status s = timer.WritePlot(options.timer_plot); !s.ok()) return s;
  }
  if (Status s = out->Commit(); !s.ok()) return s;

  report->pipeline = pipeline.stats();
  report->svg = writer.stats();
  report->cache = cache.Stats();
  report->timer = timer.Summarize();
  if (options.realtime_priority > 0) {
    report->timer.capture_scheduling =
        report->capture.realtime
            ? "real-time (SCHED_FIFO " +
                  std::to_string(options.realtime_priority) + ")"
            : "normal (real-time scheduling not permitted)";
  }
  report->output_name = out->is_stdout() ? "stdout" : out->path();
  report->bytes = out->bytes_written();
  report->threads = pipeline.threads();
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return Status::Ok();
}

namespace {

// "1 sheet", "2 sheets".
std::string Counted(uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

std::string FormatSessionSummary(const SessionReport& r) {
  const PipelineStats& p = r.pipeline;
  char text[1024];
  std::snprintf(
      text, sizeof text,
      "svgcast: wrote %s: %llu bytes\n"
      "  frames   %llu (%llu changed, %llu identical)%s%s\n"
      "  patches  %llu (%s on %s%s, %llu one-colour, "
      "%s of their own, %llu reused)%s\n"
      "  time     %.2f s, %.1f frames/s, %s\n"
      "  cache    peak %s / %s; %s for room "
      "(%.2f s), %llu dropped\n"
      "  memory   peak %.0f MB\n",
      r.output_name.c_str(), static_cast<unsigned long long>(r.bytes),
      static_cast<unsigned long long>(p.frames),
      static_cast<unsigned long long>(p.changed_frames),
      static_cast<unsigned long long>(p.frames - p.changed_frames),
      r.svg.covered == 0 ? ""
                         : ("; " + std::to_string(r.svg.covered) +
                            " hidden once later ones cover them")
                               .c_str(),
      r.svg.moves + r.svg.painted_moves == 0
          ? ""
          : ("; " + std::to_string(r.svg.moves + r.svg.painted_moves) +
             " scrolled (shown as earlier frames, moved" +
             (r.svg.source_moves == 0
                  ? std::string()
                  : "; " + std::to_string(r.svg.source_moves) +
                        " past the nesting bound, from the images") +
             (r.svg.painted_moves == 0
                  ? std::string()
                  : "; " + std::to_string(r.svg.painted_moves) +
                        " painted afresh") +
             (r.svg.painted_tails == 0
                  ? std::string()
                  : "; " + std::to_string(r.svg.painted_tails) +
                        " with their last rows painted") +
             ")")
                .c_str(),
      static_cast<unsigned long long>(p.patches),
      Counted(r.svg.sprites, "sprite").c_str(),
      Counted(r.svg.sheets, "sheet").c_str(),
      r.svg.pattern_sheets == 0
          ? ""
          : (" (" + std::to_string(r.svg.pattern_sheets) + " as patterns)")
                .c_str(),
      static_cast<unsigned long long>(r.svg.fills),
      Counted(r.svg.images - r.svg.sheets, "image").c_str(),
      static_cast<unsigned long long>(r.svg.reused),
      r.svg.cursor_images == 0
          ? ""
          : (", pointer: " + std::to_string(r.svg.cursor_images) + " images, " +
             std::to_string(r.svg.cursor_moves) + " moves")
                .c_str(),
      r.seconds, r.seconds > 0 ? static_cast<double>(p.frames) / r.seconds : 0,
      r.threads == 0 ? "inline processing"
                     : (std::to_string(r.threads) + " threads").c_str(),
      Counted(r.cache.peak_frames, "frame").c_str(),
      FormatMb(r.cache.peak_bytes).c_str(),
      (Counted(r.cache.waited, "frame") + " waited").c_str(),
      static_cast<double>(r.cache.wait_us) / 1e6,
      static_cast<unsigned long long>(r.cache.dropped), PeakRssMegabytes());
  return text;
}

}  // namespace svgcast
