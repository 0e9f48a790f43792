#include "app/replay_command.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "app/capture_session.h"
#include "app/colour_choice.h"
#include "app/interrupt.h"
#include "app/option_parsing.h"
#include "app/standard_input.h"
#include "capture/fixture_source.h"
#include "capture/manifest.h"
#include "svg/svg_source.h"

namespace svgcast {

int RunReplay(const ReplayOptions& options) {
  // A folder of frames, or an svgcast SVG to encode again (`-`: from
  // standard input).
  std::error_code error;
  // (A pipe cannot be a folder: an SVG.)
  const bool streamed = StandardInput::IsStream(options.input);
  const bool file =
      streamed || std::filesystem::is_regular_file(options.input, error);
  std::string extension =
      std::filesystem::path(options.input).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(c));
  const bool svg = streamed || (file && extension == ".svg");
  // An SVG that loops keeps looping unless told (below), so --hold alone
  // may be for its loop: resolved as with --loop, checked once it is read.
  const bool may_keep_loop = svg && !options.loop_given;
  PlaybackOptions asked = options.playback;
  if (may_keep_loop && !asked.hold.empty()) asked.loop = true;
  ResolvedPlayback playback;
  if (Status s = ResolvePlayback(asked, &playback); !s.ok()) {
    return ReportFailure(s);
  }
  if (file && !svg) {
    std::fprintf(stderr,
                 "svgcast: %s: not a folder of frames, nor an .svg made by "
                 "svgcast\n",
                 options.input.c_str());
    return 1;
  }
  if (svg && options.fps > 0) {
    return ReportFailure(
        Status::Usage("--fps: " + options.input +
                      " is an SVG, whose frames have their times (--fps is "
                      "for a folder of frames)"));
  }
  FixtureOptions fixture{options.input, options.fps};
  fixture.start_us = playback.start_us;
  fixture.end_us = playback.end_us;
  SvgSourceOptions svg_options;
  svg_options.name = options.input;
  svg_options.start_us = playback.start_us;
  svg_options.end_us = playback.end_us;
  std::unique_ptr<StandardInput> standard_input;  // for `-`
  if (Status s = StandardInput::Resolve(options.input, &standard_input,
                                        &svg_options.path,
                                        ProgressMode(options.quiet));
      !s.ok()) {
    return ReportFailure(s);
  }
  ScreencastSettings made_with;
  const auto open = [&](std::unique_ptr<FrameSource>* source) {
    return svg ? OpenSvgSource(svg_options, source, &made_with)
               : OpenFixtureSource(fixture, source);
  };
  std::unique_ptr<FrameSource> source;
  if (Status s = open(&source); !s.ok()) {
    std::fprintf(stderr, "svgcast: %s\n", s.message().c_str());
    return 1;
  }
  // An svgcast SVG keeps the codec, alignment and loop it was made with,
  // unless the command line says otherwise.
  ImageFormat codec = options.codec;
  int align_px = options.align_px;
  std::string kept;
  const bool svg_loops = svg && made_with.loop_hold_us >= 0;
  if (may_keep_loop && svg_loops) {
    playback.timing.loop = true;
    kept += " --loop";
  }
  // (Its hold too when it loops again, also by --loop.)
  if (svg_loops && playback.timing.loop && options.playback.hold.empty()) {
    playback.timing.hold_us = made_with.loop_hold_us;
    kept += " --hold " + FormatMilliseconds(made_with.loop_hold_us) + "ms";
  }
  if (may_keep_loop && !svg_loops && !options.playback.hold.empty()) {
    return ReportFailure(Status::Usage(
        "--hold: only with --loop (" + options.input +
        " plays once: without --loop its last frame stays for good)"));
  }
  if (svg && !options.codec_given && made_with.webp) {
    codec = ImageFormat::kWebp;
    kept += " --codec webp";
  }
  if (svg && !options.align_given && made_with.align_px != align_px) {
    align_px = made_with.align_px;
    kept += " --align " + std::to_string(align_px);
  }
  if (!kept.empty() && !options.quiet) {
    std::fprintf(stderr,
                 "svgcast: %s was made with%s: so is this (say otherwise "
                 "on the command line to change that)\n",
                 options.input.c_str(), kept.c_str());
  }
  std::unique_ptr<ColourChoice> colours;
  if (options.colours > 0) {
    // A first pass over the frames (a copy of the source) for the palette.
    if (Status s = ColourChoice::Choose(*source, options.colours, options.quiet,
                                        &colours);
        !s.ok()) {
      std::fprintf(stderr, "svgcast: %s\n", s.message().c_str());
      return InterruptHandler::interrupted() ? 130 : 1;
    }
    if (Status s = open(&source); !s.ok()) {
      std::fprintf(stderr, "svgcast: %s\n", s.message().c_str());
      return 1;
    }
    source = colours->Wrap(std::move(source));
  }
  SessionOptions session;
  session.output = options.output;
  session.threads = options.threads;
  session.cache = {options.cache_frames, options.cache_mb * 1000 * 1000};
  session.cache_bytes_by_default = !options.cache_mb_given;
  // (Frames are read as fast as processing takes them: at the cap, the
  // reader waits. Dropping would keep the first frames and drop the rest.)
  session.when_full = WhenFull::kWait;
  session.verb = "replay";
  session.timing = playback.timing;
  session.effort = options.effort;
  session.interrupt_hurries = true;
  // Into itself: Ctrl-C leaves it whole rather than cut at that frame.
  session.write_if_interrupted =
      !svg ||
      !std::filesystem::equivalent(svg_options.path, options.output, error);
  session.codec = codec;
  session.scroll = options.scroll;
  session.align_px = align_px;
  session.sheet_copy_budget_bytes = options.sheet_copy_budget_bytes;
  session.quiet = options.quiet;
  SessionReport report;
  if (Status s = RunSession(*source, session, &report); !s.ok()) {
    std::fprintf(stderr, "svgcast: %s\n", s.message().c_str());
    return 1;
  }
  if (!report.written) {
    std::fprintf(stderr,
                 "svgcast: interrupted after %llu frames; %s is left as it "
                 "was (it is the input too)\n",
                 static_cast<unsigned long long>(report.capture.frames),
                 options.output.c_str());
    return 130;
  }
  if (!options.quiet) {
    std::fputs(FormatSessionSummary(report).c_str(), stderr);
    if (colours) std::fputs(colours->Summary().c_str(), stderr);
  }
  if (report.interrupted) {
    std::fprintf(stderr,
                 "svgcast: interrupted after %llu frames; the SVG holds "
                 "those frames\n",
                 static_cast<unsigned long long>(report.capture.frames));
    return 130;
  }
  return 0;
}

}  // namespace svgcast
