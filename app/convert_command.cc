#include "app/convert_command.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "app/capture_session.h"
#include "app/colour_choice.h"
#include "app/interrupt.h"
#include "app/option_parsing.h"
#include "app/standard_input.h"
#include "capture/video_source.h"

namespace svgcast {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "svgcast: %s\n", message.c_str());
  return 1;
}

// "  video    ..." under the session summary: what was read and kept, and
// how far any shown frame is from its source frame.
std::string FormatVideoSummary(const VideoSource& source,
                               const ConvertOptions& options) {
  const VideoProbe& probe = source.probe();
  const VideoStats stats = source.stats();
  char text[512];
  std::snprintf(
      text, sizeof text,
      "  video    %s %dx%d (%s); %llu frames read of %zu, %llu shown; max "
      "error %d (tolerance %d)\n",
      probe.codec.c_str(), probe.size.width, probe.size.height,
      probe.format.c_str(),
      static_cast<unsigned long long>(stats.frames_decoded),
      probe.timestamps_us.size(),
      static_cast<unsigned long long>(stats.frames_shown), stats.max_error,
      options.tolerance);
  return text;
}

}  // namespace

int RunConvert(const ConvertOptions& options) {
  ResolvedPlayback playback;
  if (Status s = ResolvePlayback(options.playback, &playback); !s.ok()) {
    return ReportFailure(s);
  }
  // (The SVG replaces its path only at the end, when the video was read.)
  std::error_code same_error;
  if (options.input != StandardInput::kName &&
      std::filesystem::equivalent(options.input, options.output, same_error)) {
    return ReportFailure(
        Status::Usage("-o " + options.output +
                      ": that is the video itself (give the SVG "
                      "another name)"));
  }
  VideoOptions video;
  std::unique_ptr<StandardInput> standard_input;  // for `-`
  if (Status s =
          StandardInput::Resolve(options.input, &standard_input, &video.path,
                                 ProgressMode(options.quiet));
      !s.ok()) {
    return Fail(s.message());
  }
  video.name = options.input;
  video.tolerance = options.tolerance;
  video.max_fps = options.max_fps;
  video.scale = options.scale;
  video.start_us = playback.start_us;
  video.end_us = playback.end_us;
  std::unique_ptr<VideoSource> source;
  if (Status s = OpenVideoSource(video, &source); !s.ok()) {
    return Fail(s.message());
  }
  if (source->same_time_frames() > 0 || source->probe().untimed > 0) {
    std::fprintf(stderr,
                 "svgcast: %s: %llu frames without a time of their own "
                 "(%llu had none and were given one, %llu shared one with "
                 "the next frame and were left out)\n",
                 options.input.c_str(),
                 static_cast<unsigned long long>(source->same_time_frames() +
                                                 source->probe().untimed),
                 static_cast<unsigned long long>(source->probe().untimed),
                 static_cast<unsigned long long>(source->same_time_frames()));
  }

  std::unique_ptr<ColourChoice> colours;
  std::unique_ptr<FrameSource> recorded;  // `source`, or it in colours
  if (options.colours > 0) {
    // A first pass over the video (decoded twice) for the palette.
    if (Status s = ColourChoice::Choose(*source, options.colours, options.quiet,
                                        &colours);
        !s.ok()) {
      Fail(s.message());
      return InterruptHandler::interrupted() ? 130 : 1;
    }
    if (Status s = OpenVideoSource(video, &source); !s.ok()) {
      return Fail(s.message());
    }
  }
  VideoSource& video_source = *source;
  recorded = colours ? colours->Wrap(std::move(source)) : std::move(source);

  SessionOptions session;
  session.output = options.output;
  session.threads = options.threads;
  session.cache = {options.cache_frames, options.cache_mb * 1000 * 1000};
  session.cache_bytes_by_default = !options.cache_mb_given;
  session.when_full = WhenFull::kWait;  // a file can wait: nothing is lost
  session.verb = "converting";
  session.timing = playback.timing;
  session.effort = options.effort;
  session.interrupt_hurries = true;
  session.codec = options.codec;
  session.scroll = options.scroll;
  session.align_px = options.align_px;
  session.quiet = options.quiet;
  SessionReport report;
  if (Status s = RunSession(*recorded, session, &report); !s.ok()) {
    return Fail(s.message());
  }
  const bool cut = report.capture.end == CaptureResult::End::kSourceLost;
  if (cut) {
    std::fprintf(stderr, "svgcast: %s; the SVG holds those\n",
                 report.capture.status.message().c_str());
  }
  if (!options.quiet) {
    std::fputs(FormatSessionSummary(report).c_str(), stderr);
    std::fputs(FormatVideoSummary(video_source, options).c_str(), stderr);
    if (colours) std::fputs(colours->Summary().c_str(), stderr);
  }
  if (report.interrupted) {
    std::fprintf(stderr,
                 "svgcast: interrupted after %llu frames; the SVG holds "
                 "those frames\n",
                 static_cast<unsigned long long>(report.capture.frames));
    return 130;
  }
  return cut ? 3 : 0;
}

}  // namespace svgcast
