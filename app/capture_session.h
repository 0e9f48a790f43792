// CaptureSession: one run of svgcast's pipeline, whatever the source, wired
// as ../shared/DESIGN.md draws it: the output file, the frame cache, the SVG
// writer, the processing graph (or inline processing, for profiling) and the
// capture thread; with Ctrl-C handling, the progress line and the frame
// timer. `replay`, `record` and `profile` are thin layers over it.
//
// Threading: RunSession() is called on the main thread; it creates the
// capture thread and the processing graph and joins both before returning.
// The source must have been opened on the calling thread.
#ifndef SVGCAST_APP_CAPTURE_SESSION_H_
#define SVGCAST_APP_CAPTURE_SESSION_H_

#include <cstdint>
#include <functional>
#include <string>

#include "capture/capture_thread.h"
#include "capture/frame_cache.h"
#include "capture/frame_source.h"
#include "capture/frame_timer.h"
#include "capture/status.h"
#include "processing/pipeline.h"
#include "svg/svg_writer.h"
#include "svg/timeline.h"

namespace svgcast {

struct SessionOptions {
  std::string output;  // .svg path or "-"
  ProcessingMode processing = ProcessingMode::kOffloaded;
  int threads = 0;  // processing threads; 0: one per core
  CacheLimits cache{0, 1024u * 1000 * 1000};
  // The byte cap is the default, not the user's: it grows to hold the
  // frames the pipeline needs at once (8K frames: 531 MB), rather than
  // refusing them.
  bool cache_bytes_by_default = false;
  WhenFull when_full = WhenFull::kWait;
  // Ends the stream when true (polled by the capture thread).
  std::function<bool()> should_stop;
  int64_t max_duration_us = 0;  // 0: no limit
  int64_t period_ns = 0;        // the source's tick period, for the timer
  // > 0: the capture thread asks for SCHED_FIFO at this priority (best
  // effort; the timer summary says whether it got it).
  int realtime_priority = 0;
  TimingOptions timing;  // how the SVG plays (speed, idle limit, loop)
  Effort effort = Effort::kDefault;  // how hard to compress patches
  // Ctrl-C ends the stream early (replay, convert; not record, which it
  // ends as usual): what is still cached is then encoded at the default
  // effort at most, so the SVG is finished in seconds, not minutes of
  // Zopfli (SheetOptions::hurry, PipelineOptions::hurry).
  bool interrupt_hurries = false;
  // Ctrl-C: false leaves the output as it was instead of writing the
  // frames so far (`replay x.svg -o x.svg`: they would replace the whole).
  bool write_if_interrupted = true;
  ImageFormat codec = ImageFormat::kPng;  // of the patches (--codec)
  bool scroll = true;  // scrolled bands as moves (--no-scroll: repainted)
  // Everything placed on multiples of this (--align): 2, or 4 for screens
  // at 125% (PipelineOptions::align_px, SheetOptions::align_px).
  int align_px = 2;
  // SheetOptions::copy_budget_bytes (not an option of the command line).
  double sheet_copy_budget_bytes = SheetOptions{}.copy_budget_bytes;
  int countdown_s = 0;  // "recording in 3... 2... 1..." first
  // Printed (unless quiet) once the output is open and before capture.
  std::string start_message;
  // Called (on the calling thread) where the start message is printed,
  // quiet or not: every check is passed and the run is starting. (profile
  // says then which of its runs starts, so an error is its only line.)
  std::function<void()> on_start;
  std::string verb = "replay";  // for the progress line
  bool quiet = false;           // no progress line
  // One line per written frame with its capture time on CLOCK_MONOTONIC
  // ("svgcast: frame 12 captured at 123456789 ns"), for scripts and tests
  // that must know a frame was taken after some event.
  bool log_frames = false;
  std::string timer_log;   // per-frame timer rows (CSV), if given
  std::string timer_plot;  // the timer chart (SVG), if given
};

struct SessionReport {
  CaptureResult capture;
  PipelineStats pipeline;
  SvgStats svg;
  CacheStats cache;
  TimerSummary timer;
  std::string output_name;  // the path, or "stdout"
  uint64_t bytes = 0;
  double seconds = 0;  // wall time of the whole run
  int threads = 0;
  // Ctrl-C ended it, or hurried its encoding (the SVG is still complete).
  bool interrupted = false;
  // False: interrupted and not written (!write_if_interrupted); only
  // `capture` and `interrupted` are filled in then.
  bool written = true;
};

// Runs the session to the end. Not ok: the run failed (one-line message)
// and no output file was left (unless only the timer log or plot could not
// be written). Ok: the SVG is complete and in place (also when Ctrl-C or a
// lost source ended the stream early; see the report), or, interrupted
// without write_if_interrupted, the output is as it was.
Status RunSession(FrameSource& source, const SessionOptions& options,
                  SessionReport* report);

// The lines `replay` and `record` print after a run (frames, patches, time,
// cache, memory), without the timer.
std::string FormatSessionSummary(const SessionReport& report);

double PeakRssMegabytes();

}  // namespace svgcast

#endif  // SVGCAST_APP_CAPTURE_SESSION_H_
