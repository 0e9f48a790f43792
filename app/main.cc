// svgcast: the command line. Parses arguments (CLI11), runs one command and
// turns its outcome into an exit status. The commands live in
// *_command.cc; this file only wires options to them.
#include <signal.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/convert_command.h"
#include "app/extract_command.h"
#include "app/option_parsing.h"
#include "app/profile_command.h"
#include "app/record_command.h"
#include "app/replay_command.h"
#include "processing/worker_threads.h"

namespace {

constexpr char kVersion[] = "svgcast 0.1.0";

// A number from `min` to `max`, for the options that take fractions.
// (CLI::Range lets "nan" through: every comparison with NaN is false. At
// --speed nan the times overflowed.)
CLI::Validator NumberFromTo(double min, double max,
                            const std::string& description) {
  return CLI::Validator(
      [min, max, description](std::string& text) -> std::string {
        // (from_chars: decimal only; CLI11's strtold took "0x10" for 16.)
        double value = 0;
        const auto [end, error] =
            std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc() ||
            end != text.data() + text.size() || !std::isfinite(value) ||
            value < min || value > max) {
          return "'" + text + "' is not a number from " + description;
        }
        return std::string();
      },
      description);
}

// A whole number from `min` to `max` (no `max`: any from `min` on).
// (CLI11 2.1 reads "-3" into an unsigned option as 2^64 - 3: --cache-mb -3
// was no cap at all; and CLI::Range said "Value abc not in range".)
CLI::Validator WholeNumber(int64_t min = 0,
                           std::optional<int64_t> max = std::nullopt) {
  const std::string from_to =
      max ? std::to_string(min) + " to " + std::to_string(*max) : "";
  const std::string range =
      max ? "from " + from_to : "(" + std::to_string(min) + " or more)";
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        int64_t value = 0;
        const auto [end, error] =
            std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc() ||
            end != text.data() + text.size() || value < min ||
            (max && value > *max)) {
          return "'" + text + "' is not a whole number " + range;
        }
        return std::string();
      },
      from_to);
}

// A duration, checked later (ParseDuration): here only that it is not
// empty (`--start ''` was taken as no --start at all).
CLI::Validator Duration() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.empty() ? "'' is not a duration (like 500ms or 2s)"
                            : std::string();
      },
      "");
}

// An option whose empty value would mean "not given": given empty, it is
// refused rather than silently ignored (`--window ''` recorded the whole
// screen). `without` says what leaving it out does.
CLI::Validator NotEmpty(const std::string& without) {
  return CLI::Validator(
      [without](std::string& text) -> std::string {
        return text.empty() ? "'' is empty (without it, " + without + ")"
                            : std::string();
      },
      "");
}

// (Times 1e6 bytes, well inside 64 bits: a petabyte.)
constexpr int64_t kMostCacheMb = 1'000'000'000;

// The names an option of an enum takes, in the order help lists them.
template <typename Enum>
using Names = std::vector<std::pair<std::string, Enum>>;

// Sets an enum option from one of its names (any case), with help that
// lists them ("--codec {png,webp}=png") and an error that does too
// ("--codec: 'gif' is not one of png, webp"). (CLI11's CheckedTransformer
// showed "{png->1,webp->2} OR {1,2}" and took the numbers too.)
template <typename Enum>
CLI::Option* OneOf(CLI::Option* option, const Names<Enum>& names,
                   const std::string& fallback) {
  std::string list, one_of;  // "png,webp" and "png, webp"
  for (const auto& [name, value] : names) {
    list += (list.empty() ? "" : ",") + name;
    one_of += (one_of.empty() ? "" : ", ") + name;
  }
  option->option_text("{" + list + "}=" + fallback);
  return option->transform(CLI::Validator(
      [names, one_of](std::string& text) -> std::string {
        for (const auto& [name, value] : names) {
          if (CLI::detail::to_lower(text) == name) {
            text = std::to_string(static_cast<int>(value));
            return std::string();
          }
        }
        return "'" + text + "' is not one of " + one_of;
      },
      std::string()));
}

const Names<svgcast::WhenFull> kWhenFull{{"wait", svgcast::WhenFull::kWait},
                                         {"drop", svgcast::WhenFull::kDrop}};
const Names<svgcast::ProcessingMode> kProcessing{
    {"offloaded", svgcast::ProcessingMode::kOffloaded},
    {"inline", svgcast::ProcessingMode::kInline}};

const Names<svgcast::Effort> kEffort{{"fast", svgcast::Effort::kFast},
                                     {"default", svgcast::Effort::kDefault},
                                     {"max", svgcast::Effort::kMax}};

void AddEffortOption(CLI::App* cmd, svgcast::Effort* effort) {
  OneOf(cmd->add_option(
            "--effort", *effort,
            "How hard to compress: fast (zlib level 3, for a slow "
            "machine recording), default (the smallest of several PNG "
            "encodings), max (that, recompressed with Zopfli: several "
            "times slower)"),
        kEffort, "default");
}

const Names<svgcast::ImageFormat> kCodec{{"png", svgcast::ImageFormat::kPng},
                                         {"webp", svgcast::ImageFormat::kWebp}};

void AddCodecOption(CLI::App* cmd, svgcast::ImageFormat* codec) {
  OneOf(cmd->add_option("--codec", *codec,
                        "Image format of the patches: png (plays everywhere), "
                        "or webp (lossless WebP wherever it is smaller than "
                        "PNG: often half the size; needs Chromium, Firefox or "
                        "Safari 14+)"),
        kCodec, "png");
}

void AddColoursOption(CLI::App* cmd, int* colours) {
  cmd->add_option("--colors", *colours,
                  "Lossy, like a GIF: show the whole screencast in at most "
                  "N colours (2-256), one palette chosen from every frame "
                  "(a first pass), no dithering; much smaller. Default: "
                  "every colour, exact")
      ->check(WholeNumber(2, 256));
}

void AddScrollOption(CLI::App* cmd, bool* scroll) {
  cmd->add_flag_callback(
      "--no-scroll", [scroll] { *scroll = false; },
      "Repaint scrolled text instead of showing it as earlier "
      "pixels moved (usually larger; for comparing, or a viewer "
      "that mishandles nested <use>)");
}

void AddAlignOption(CLI::App* cmd, int* align_px) {
  cmd->add_option("--align", *align_px,
                  "Place every piece of the picture on multiples of N "
                  "pixels: 2 shows cleanly when a browser scales the SVG to "
                  "50%, 150% or 200%; 4 also at 125% (a common screen "
                  "setting), in larger files")
      ->check(CLI::IsMember({2, 4}))
      ->capture_default_str();
}

// How the SVG plays: replay, record (and profile) take these. `trim`:
// --start and --end too (recorded frames).
void AddPlaybackOptions(CLI::App* cmd, svgcast::PlaybackOptions* o, bool trim) {
  cmd->add_flag("--loop", o->loop,
                "Play again from the start after the end, forever (default: "
                "stop and hold the last frame)");
  cmd->add_option("--hold", o->hold,
                  "With --loop: how long the last frame stays before the "
                  "restart (ms, or 2s; default 2000)")
      ->check(Duration());
  cmd->add_option("--speed", o->speed, "Play this many times faster")
      ->check(NumberFromTo(0.01, 100, "0.01 to 100"))
      ->capture_default_str();
  cmd->add_option("--idle-limit", o->idle_limit,
                  "Cut every pause longer than this to this (ms, or 2s; in "
                  "recorded time, before --speed)")
      ->check(Duration());
  if (!trim) return;
  cmd->add_option("--start", o->start,
                  "Begin at this time of the recording (ms, or 1.5s): the "
                  "frame on screen then is the first")
      ->check(Duration());
  cmd->add_option("--end", o->end,
                  "End at this time of the recording (ms, or 10s): later "
                  "frames are left out")
      ->check(Duration());
}

// The options `record` and `profile` share: what to capture and how.
void AddCaptureOptions(CLI::App* cmd, svgcast::RecordOptions* o) {
  cmd->add_option("--fps", o->fps, "Frames per second to capture")
      ->check(NumberFromTo(0.1, 240, "0.1 to 240"))
      ->capture_default_str();
  cmd->add_option("--duration", o->duration,
                  "Stop after this long (10s, 500ms, 2m; default: until "
                  "Ctrl-C or the command exits)")
      ->check(Duration());
  CLI::Option* region =
      cmd->add_option("--region", o->region,
                      "Record only this part of the screen: x,y,WIDTHxHEIGHT")
          ->check(NotEmpty("the whole screen is recorded"));
  CLI::Option* window = cmd->add_option(
      "--window", o->window,
      "Follow one window: its id (0x... or decimal) or name (on a Wayland "
      "desktop: an X11 program's window, read from its own pixels)");
  window->check(NotEmpty("the whole screen is recorded"));
  cmd->add_option("--monitor", o->monitor,
                  "Record only one monitor: its name (DP-1), its number (0, "
                  "1, ...: as xrandr --listmonitors numbers them) or primary")
      ->check(NotEmpty("the whole screen is recorded"))
      ->excludes(region)
      ->excludes(window);
  cmd->add_option("--countdown", o->countdown_s,
                  "Wait this many seconds (counting down) before recording")
      ->check(WholeNumber(0, 60));
  cmd->add_flag("--cursor", o->cursor,
                "Record the mouse pointer (as its own layer; on a Wayland "
                "desktop too where its portal can send it apart, else drawn "
                "into the frames by the desktop)");
  cmd->add_flag("--choose-monitor", o->choose_monitor,
                "On a Wayland desktop: have the desktop ask which monitor to "
                "share, even where it remembers the last answer");
  cmd->add_option("--display", o->display,
                  "The X display to record (default: $DISPLAY; where "
                  "$WAYLAND_DISPLAY is set, svgcast records the Wayland "
                  "desktop through its screen-cast portal unless --display "
                  "or --window is given)")
      ->check(NotEmpty("$DISPLAY is recorded"));
  cmd->add_option("--size", o->size,
                  "Size of the virtual display a command runs in")
      ->capture_default_str();
  cmd->add_flag("!--no-realtime", o->realtime,
                "Keep the capture thread at normal priority (by default it "
                "asks for real-time scheduling, where permitted, so it wakes "
                "on time on a busy machine)");
  cmd->add_option("--threads", o->threads,
                  "Processing threads (default: one per core)")
      ->check(WholeNumber(1, 256));
  cmd->add_option("--cache-frames", o->cache_frames,
                  "Most frames the frame cache holds (0: no cap)")
      ->check(WholeNumber())
      ->capture_default_str();
  cmd->add_option("--cache-mb", o->cache_mb,
                  "Most megabytes of pixels the frame cache holds (0: no cap)")
      ->check(WholeNumber(0, kMostCacheMb))
      ->capture_default_str();
  OneOf(
      cmd->add_option("--when-full", o->when_full,
                      "At the cache cap: drop frames (never block capture) or "
                      "wait for processing"),
      kWhenFull, "drop");
  cmd->add_option("command", o->command,
                  "After --: a command to run and record in a private "
                  "virtual display (Xvfb) until it exits");
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout pipe is a write error on the output, not a silent death.
  ::signal(SIGPIPE, SIG_IGN);
  // Joins TBB's workers when main() returns (see worker_threads.h).
  svgcast::WorkerThreads worker_threads;

  CLI::App app{
      "svgcast: record the screen, replay recorded frames or convert a "
      "video into one animated SVG that plays anywhere an image does (no "
      "script)."};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 done; 1 an error (one line on stderr, and no output "
      "file that looks complete); 2 a bad command line; 3 the source ended "
      "early (a video cut short, the X server gone): the SVG holds what came "
      "before; 130 stopped by Ctrl-C (replay and convert finish the SVG of "
      "the frames so far; record stops that way with 0, or with 130 and no "
      "file during its --countdown or the desktop's dialog).");

  svgcast::ReplayOptions replay;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay",
      "Replay a folder of PNG frames (with frames.txt: '<file> <ms>' per "
      "line) into an animated SVG; or encode an svgcast SVG again, with "
      "other settings (--colors, --codec, --loop, a trim, ...).");
  replay_cmd
      ->add_option("folder", replay.input,
                   "Folder of PNG frames, or an SVG made by svgcast (encoded "
                   "again with its own --codec, --align and --loop unless "
                   "given; - reads one from standard input)")
      ->required();
  replay_cmd
      ->add_option("-o,--output", replay.output,
                   "Output .svg file, or - for standard output")
      ->required();
  replay_cmd
      ->add_option("--fps", replay.fps,
                   "Play the frames at this fixed rate instead of the times "
                   "in frames.txt (needed for a folder without frames.txt)")
      ->check(NumberFromTo(0.001, 1000, "0.001 to 1000"));
  replay_cmd
      ->add_option("--threads", replay.threads,
                   "Processing threads (default: one per core)")
      ->check(WholeNumber(1, 256));
  replay_cmd
      ->add_option("--cache-frames", replay.cache_frames,
                   "Most frames the frame cache holds (0: no cap)")
      ->check(WholeNumber())
      ->capture_default_str();
  replay_cmd
      ->add_option("--cache-mb", replay.cache_mb,
                   "Most megabytes of pixels the frame cache holds (0: no cap)")
      ->check(WholeNumber(0, kMostCacheMb))
      ->capture_default_str();
  replay_cmd->add_flag("-q,--quiet", replay.quiet,
                       "No progress line and no summary");
  AddPlaybackOptions(replay_cmd, &replay.playback, /*trim=*/true);
  bool replay_once = false;
  replay_cmd
      ->add_flag("--no-loop", replay_once,
                 "Of an SVG that loops: play once (without --loop or this, it "
                 "keeps its loop and hold)")
      ->excludes("--loop");
  AddEffortOption(replay_cmd, &replay.effort);
  AddCodecOption(replay_cmd, &replay.codec);
  AddScrollOption(replay_cmd, &replay.scroll);
  AddAlignOption(replay_cmd, &replay.align_px);
  AddColoursOption(replay_cmd, &replay.colours);

  svgcast::ConvertOptions convert;
  CLI::App* convert_cmd = app.add_subcommand(
      "convert",
      "Convert a screen video (.mp4, .webm, .mkv, ...) or an animated GIF "
      "or APNG into an animated SVG, each frame at its own time.");
  convert_cmd
      ->add_option("video", convert.input,
                   "The video file (- reads it from standard input)")
      ->required();
  convert_cmd
      ->add_option("-o,--output", convert.output,
                   "Output .svg file, or - for standard output")
      ->required();
  convert_cmd
      ->add_option("--tolerance", convert.tolerance,
                   "Pixels whose B, G and R all differ by at most this from "
                   "what is shown count as unchanged (lossy video flickers; "
                   "0: exact)")
      ->check(WholeNumber(0, 255))
      ->capture_default_str();
  convert_cmd
      ->add_option("--max-fps", convert.max_fps,
                   "Keep at most this many frames a second (frames closer "
                   "than 1/N s to the last one kept are left out; the last "
                   "frame always stays)")
      ->check(NumberFromTo(0.01, 1000, "0.01 to 1000"));
  convert_cmd
      ->add_option("--scale", convert.scale,
                   "Scale the frames by this factor (0.5: half the width "
                   "and height)")
      ->check(NumberFromTo(0.01, 4, "0.01 to 4"))
      ->capture_default_str();
  convert_cmd
      ->add_option("--threads", convert.threads,
                   "Processing threads (default: one per core)")
      ->check(WholeNumber(1, 256));
  convert_cmd
      ->add_option("--cache-frames", convert.cache_frames,
                   "Most frames the frame cache holds (0: no cap)")
      ->check(WholeNumber())
      ->capture_default_str();
  convert_cmd
      ->add_option("--cache-mb", convert.cache_mb,
                   "Most megabytes of pixels the frame cache holds (0: no cap)")
      ->check(WholeNumber(0, kMostCacheMb))
      ->capture_default_str();
  convert_cmd->add_flag("-q,--quiet", convert.quiet,
                        "No progress line and no summary");
  AddPlaybackOptions(convert_cmd, &convert.playback, /*trim=*/true);
  AddEffortOption(convert_cmd, &convert.effort);
  AddCodecOption(convert_cmd, &convert.codec);
  AddScrollOption(convert_cmd, &convert.scroll);
  AddAlignOption(convert_cmd, &convert.align_px);
  AddColoursOption(convert_cmd, &convert.colours);

  svgcast::RecordOptions record;
  CLI::App* record_cmd = app.add_subcommand(
      "record",
      "Record the X11 screen into an animated SVG (until Ctrl-C), or run a "
      "command in a private virtual display and record it until it exits: "
      "svgcast record -o demo.svg -- xterm");
  record_cmd
      ->add_option("-o,--output", record.output,
                   "Output .svg file, or - for standard output")
      ->required();
  AddCaptureOptions(record_cmd, &record);
  AddPlaybackOptions(record_cmd, &record.playback, /*trim=*/false);
  AddEffortOption(record_cmd, &record.effort);
  AddCodecOption(record_cmd, &record.codec);
  AddColoursOption(record_cmd, &record.colours);
  AddScrollOption(record_cmd, &record.scroll);
  AddAlignOption(record_cmd, &record.align_px);
  OneOf(record_cmd->add_option(
            "--processing", record.processing,
            "Where processing runs: offloaded (the flow graph) or "
            "inline on the capture thread (for comparison only)"),
        kProcessing, "offloaded");
  record_cmd->add_flag("-q,--quiet", record.quiet,
                       "No progress line and no summary");
  // (Not in profile, which writes both runs' own: its --keep keeps them.)
  record_cmd
      ->add_option("--timer-log", record.timer_log,
                   "Write the frame timer's per-frame rows here (CSV)")
      ->check(NotEmpty("no log is written"));
  record_cmd
      ->add_option("--timer-plot", record.timer_plot,
                   "Draw the frame timer's chart here (SVG)")
      ->check(NotEmpty("no chart is drawn"));
  record_cmd->add_flag("--log-frames", record.log_frames,
                       "Print a line per frame with its capture time "
                       "(CLOCK_MONOTONIC ns), for scripts");

  svgcast::ProfileOptions profile;
  CLI::App* profile_cmd = app.add_subcommand(
      "profile",
      "The stutter report: capture twice, processing offloaded (svgcast) "
      "and inline (the naive way), and compare the frame timers. Records "
      "the screen like `record`, or --replay a folder in real time.");
  AddCaptureOptions(profile_cmd, &profile.record);
  profile_cmd
      ->add_option("--replay", profile.replay_folder,
                   "Instead of the screen: replay this folder of frames "
                   "in real time (for --duration at most)")
      ->check(NotEmpty("the screen is recorded"));
  profile_cmd
      ->add_option("--keep", profile.keep_folder,
                   "Keep both SVGs, timer logs and plots in this folder")
      ->check(NotEmpty("they are removed"));
  // How the patches are made: what loads the processing, so what may make
  // the inline run stutter. (Not --colors: its palette pass runs after the
  // capture has ended, and so cannot make it stutter.)
  AddEffortOption(profile_cmd, &profile.record.effort);
  AddCodecOption(profile_cmd, &profile.record.codec);
  AddScrollOption(profile_cmd, &profile.record.scroll);
  AddAlignOption(profile_cmd, &profile.record.align_px);

  svgcast::ExtractOptions extract;
  CLI::App* extract_cmd = app.add_subcommand(
      "extract",
      "Decode an svgcast SVG back into frames: one PNG per change, plus "
      "frames.txt.");
  extract_cmd
      ->add_option("svg", extract.input,
                   "An SVG made by svgcast (- reads it from standard input)")
      ->required();
  extract_cmd->add_option("folder", extract.folder, "Where to write the frames")
      ->required();
  extract_cmd->add_flag("-q,--quiet", extract.quiet, "No summary line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Name a mistyped command instead of CLI11's "a subcommand is required".
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty()) {
      std::fprintf(stderr,
                   "svgcast: unknown command '%s' (commands: record, "
                   "replay, convert, extract, profile; see svgcast "
                   "--help)\n",
                   argv[1]);
    } else if (argc > 1 && app.get_subcommands().empty() &&
               std::string(e.get_name()) == "RequiredError") {
      std::fprintf(stderr,
                   "svgcast: unknown option '%s' (give a command first: "
                   "record, replay, convert, extract or profile; see svgcast "
                   "--help)\n",
                   argv[1]);
    } else {
      // (The command's own help lists its options; the top one does not.)
      std::fprintf(
          stderr, "svgcast: %s (see svgcast %s--help)\n", e.what(),
          app.get_subcommands().empty()
              ? ""
              : (app.get_subcommands().front()->get_name() + " ").c_str());
    }
    return 2;
  }
  svgcast::SetHelpCommand(app.get_subcommands().front()->get_name());

  try {
    if (*replay_cmd) {
      replay.codec_given = replay_cmd->get_option("--codec")->count() > 0;
      replay.align_given = replay_cmd->get_option("--align")->count() > 0;
      replay.loop_given =
          replay_once || replay_cmd->get_option("--loop")->count() > 0;
      replay.cache_mb_given = replay_cmd->get_option("--cache-mb")->count() > 0;
      return svgcast::RunReplay(replay);
    }
    if (*convert_cmd) {
      convert.cache_mb_given =
          convert_cmd->get_option("--cache-mb")->count() > 0;
      return svgcast::RunConvert(convert);
    }
    // (What only the screen has, which a replay would silently ignore;
    // checked here, after CLI11's own errors, which come first.)
    for (const char* screen_only :
         {"--region", "--window", "--monitor", "--countdown", "--cursor",
          "--choose-monitor", "--display", "--size", "command"}) {
      if (*profile_cmd && !profile.replay_folder.empty() &&
          profile_cmd->get_option(screen_only)->count() > 0) {
        return svgcast::ReportFailure(svgcast::Status::Usage(
            (screen_only == std::string("command") ? "a command after --"
                                                   : screen_only) +
            std::string(": not with --replay (which replays a folder, not the "
                        "screen)")));
      }
    }
    for (CLI::App* cmd : {record_cmd, profile_cmd}) {
      const svgcast::RecordOptions& o =
          cmd == record_cmd ? record : profile.record;
      if (*cmd && cmd->get_option("--size")->count() > 0 && o.command.empty()) {
        return svgcast::ReportFailure(svgcast::Status::Usage(
            "--size: only with a command after -- (it sizes the virtual "
            "display the command runs in; a display keeps its own size)"));
      }
    }
    if (*record_cmd) {
      record.cache_mb_given = record_cmd->get_option("--cache-mb")->count() > 0;
      return svgcast::RunRecord(record);
    }
    if (*profile_cmd) {
      if (!profile.replay_folder.empty() &&
          profile_cmd->get_option("--fps")->count() > 0) {
        profile.replay_fps = profile.record.fps;
      }
      if (profile.replay_folder.empty() && profile.record.duration.empty() &&
          profile.record.command.empty()) {
        profile.record.duration = "10s";  // twice; Ctrl-C ends one run early
      }
      return svgcast::RunProfile(profile);
    }
    if (*extract_cmd) return svgcast::RunExtract(extract);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "svgcast: internal error: %s\n", e.what());
    return 1;
  }
  return 2;
}
