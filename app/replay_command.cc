#include "app/replay_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include <sys/resource.h>

#include "app/interrupt.h"
#include "app/progress.h"
#include "capture/capture_thread.h"
#include "capture/fixture_source.h"
#include "processing/pipeline.h"
#include "svg/output_file.h"
#include "svg/svg_writer.h"

namespace svgcast {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "svgcast: %s\n", message.c_str());
  return 1;
}

double Megabytes(size_t bytes) { return static_cast<double>(bytes) / 1e6; }

double PeakRssMegabytes() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024 / 1e6;  // KiB on Linux
}

}  // namespace

int RunReplay(const ReplayOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<FrameSource> source;
  if (Status s = OpenFixtureSource({options.input, options.fps}, &source);
      !s.ok()) {
    return Fail(s.message());
  }
  const cv::Size size = source->frame_size();
  const CacheLimits limits{options.cache_frames,
                           options.cache_mb * 1000 * 1000};
  if (!FrameCache::HoldsTwoFrames(limits, FrameBytes(size))) {
    return Fail("--cache-frames/--cache-mb: the cache must hold two " +
                std::to_string(size.width) + "x" + std::to_string(size.height) +
                " frames (" +
                std::to_string(FrameBytes(size) * 2 / 1000000 + 1) + " MB)");
  }
  std::unique_ptr<OutputFile> out;
  if (Status s = OutputFile::Open(options.output, &out); !s.ok()) {
    return Fail(s.message());
  }

  InterruptHandler interrupt(out->temp_path());
  ProgressLine progress(
      "replay", source->frame_count(),
      options.quiet ? ProgressLine::Mode::kQuiet : ProgressLine::Mode::kAuto);
  FrameCache cache(limits, options.when_full);
  SvgWriter writer(size, out.get());
  PipelineOptions pipeline_options;
  pipeline_options.threads = options.threads;
  pipeline_options.on_frame_written = [&](uint64_t n) { progress.Update(n); };
  Pipeline pipeline(cache, writer, std::move(pipeline_options));
  CaptureOptions capture_options;
  capture_options.interrupted = InterruptHandler::flag();
  CaptureThread capture(
      *source, cache, [&](const FrameTicket& t) { pipeline.Post(t); },
      capture_options);

  const Status processed = pipeline.Wait();
  const CaptureResult captured = capture.Join();
  progress.Finish();
  if (captured.end == CaptureResult::End::kFailed) {
    return Fail(captured.status.message());
  }
  if (!processed.ok()) return Fail(processed.message());
  if (Status s = out->Commit(); !s.ok()) return Fail(s.message());

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const PipelineStats ps = pipeline.stats();
  const SvgStats ss = writer.stats();
  const CacheStats cs = cache.Stats();
  const bool interrupted = captured.end == CaptureResult::End::kStopped;
  if (!options.quiet) {
    const std::string name = out->is_stdout() ? "stdout" : out->path();
    std::fprintf(
        stderr,
        "svgcast: wrote %s: %llu bytes\n"
        "  frames   %llu (%llu changed, %llu identical)\n"
        "  patches  %llu (%llu images, %llu reused)\n"
        "  time     %.2f s, %.1f frames/s, %d threads\n"
        "  cache    peak %zu frames / %.1f MB; %llu frames waited "
        "for room (%.2f s), %llu dropped\n"
        "  memory   peak %.0f MB\n",
        name.c_str(), static_cast<unsigned long long>(out->bytes_written()),
        static_cast<unsigned long long>(ps.frames),
        static_cast<unsigned long long>(ps.changed_frames),
        static_cast<unsigned long long>(ps.frames - ps.changed_frames),
        static_cast<unsigned long long>(ps.patches),
        static_cast<unsigned long long>(ss.images),
        static_cast<unsigned long long>(ss.reused), seconds,
        seconds > 0 ? static_cast<double>(ps.frames) / seconds : 0.0,
        pipeline.threads(), cs.peak_frames, Megabytes(cs.peak_bytes),
        static_cast<unsigned long long>(cs.waited),
        static_cast<double>(cs.wait_us) / 1e6,
        static_cast<unsigned long long>(cs.dropped), PeakRssMegabytes());
  }
  if (interrupted) {
    std::fprintf(stderr,
                 "svgcast: interrupted after %llu frames; the SVG holds "
                 "those frames\n",
                 static_cast<unsigned long long>(captured.frames));
    return 130;
  }
  return 0;
}

}  // namespace svgcast
