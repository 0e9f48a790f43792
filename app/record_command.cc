#include "app/record_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include "app/capture_session.h"
#include "app/child_process.h"
#include "app/interrupt.h"
#include "app/option_parsing.h"
#include "app/replay_command.h"
#include "capture/portal_source.h"
#include "capture/x11_source.h"
#include "capture/xvfb_server.h"
#include "svg/output_file.h"

namespace svgcast {
namespace {

std::string FormatRate(double fps) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", fps);
  return text;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "svgcast: %s\n", message.c_str());
  return 1;
}

std::string Describe(const CaptureResult& capture, ChildProcess* command) {
  using End = CaptureResult::End;
  switch (capture.end) {
    case End::kStopped:
      return "stopped";
    case End::kDurationReached:
      return "duration reached";
    case End::kStopCondition:
      if (command != nullptr) {
        const std::optional<int> status = command->exit_status();
        return "'" + command->name() + "' exited" +
               (status ? " with status " + std::to_string(*status) : "");
      }
      return "stopped";
    case End::kSourceLost:
      return capture.status.message();
    default:
      return "ended";
  }
}

// Where the Wayland desktop's answer (which monitor to share) is kept:
// $XDG_STATE_HOME/svgcast/, else ~/.local/state/svgcast/; "" without
// either.
std::string RestoreTokenFile() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') {
    return std::string(state) + "/svgcast/screencast-token";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/svgcast/screencast-token";
  }
  return "";
}

}  // namespace

Status Record(const RecordOptions& options, SessionReport* report,
              std::string* how_it_ended) {
  X11Options x11;
  x11.fps = options.fps;
  x11.cursor = options.cursor;
  if (!options.window.empty()) x11.window = options.window;
  if (!options.monitor.empty()) x11.monitor = options.monitor;
  if (!options.region.empty()) {
    cv::Rect region;
    if (Status s = ParseRegion("--region", options.region, &region); !s.ok()) {
      return s;
    }
    x11.region = region;
  }
  int64_t duration_us = 0;
  if (!options.duration.empty()) {
    if (Status s = ParseDuration("--duration", options.duration, &duration_us);
        !s.ok()) {
      return s;
    }
  }
  ResolvedPlayback playback;
  if (Status s = ResolvePlayback(options.playback, &playback); !s.ok()) {
    return s;
  }

  // A command: a private virtual display, and the command in it.
  std::unique_ptr<XvfbServer> server;
  std::unique_ptr<ChildProcess> command;
  if (!options.command.empty()) {
    if (!options.display.empty()) {
      return Status::Usage(
          "--display: not with a command (the command runs in a new virtual "
          "display)");
    }
    XvfbOptions xvfb;
    if (Status s = ParseSize("--size", options.size, &xvfb.size); !s.ok()) {
      return s;
    }
    if (Status s = XvfbServer::Start(xvfb, &server); !s.ok()) {
      return s;
    }
    x11.display = server->display();
    if (Status s = ChildProcess::Start(
            options.command, {{"DISPLAY", server->display()}}, &command);
        !s.ok()) {
      return s;
    }
  }

  // A Wayland session (WAYLAND_DISPLAY set), and nothing that names an X
  // display or window: the desktop's screen-cast portal. Its X server
  // (Xwayland) cannot show the screen.
  const char* env_wayland = std::getenv("WAYLAND_DISPLAY");
  const bool wayland = !command && options.display.empty() &&
                       options.window.empty() && env_wayland != nullptr &&
                       *env_wayland != 0;
  std::unique_ptr<FrameSource> source;
  std::string shown_source;
  if (wayland) {
    if (!options.monitor.empty()) {
      return Status::Error(
          "--monitor: not on a Wayland desktop, where the desktop's own "
          "dialog asks which monitor to share (--choose-monitor to be asked "
          "again; give --display to record an X display's monitor)");
    }
    PortalOptions portal;
    portal.fps = options.fps;
    portal.region = x11.region;
    portal.cursor = options.cursor;
    portal.restore_token_file = RestoreTokenFile();
    portal.ask_again = options.choose_monitor;
    // Ctrl-C while the desktop's dialog is open gives up (nothing is
    // recorded yet), as the source's error says. The session's own handler
    // comes after.
    InterruptHandler interrupt("nothing is recorded", "");
    portal.cancel = InterruptHandler::flag();
    if (!options.quiet) {
      std::error_code error;
      const bool remembered =
          !portal.ask_again && !portal.restore_token_file.empty() &&
          std::filesystem::exists(portal.restore_token_file, error);
      std::fprintf(stderr,
                   remembered
                       ? "svgcast: asking the desktop to share the screen it "
                         "shared last time (WAYLAND_DISPLAY=%s; "
                         "--choose-monitor to choose again)\n"
                       : "svgcast: asking the desktop to share the screen "
                         "(WAYLAND_DISPLAY=%s)\n",
                   env_wayland);
    }
    if (Status s = OpenPortalSource(portal, &source); !s.ok()) return s;
    shown_source = "the Wayland desktop";
  } else {
    if (!command) {
      x11.display = options.display;
      const char* env_display = std::getenv("DISPLAY");
      if (x11.display.empty() &&
          (env_display == nullptr || *env_display == 0)) {
        return Status::Error(
            "no X display: DISPLAY is not set (give --display, or a command "
            "to record in a virtual display: svgcast record -o out.svg -- "
            "xterm)");
      }
    }
    if (Status s = OpenX11Source(x11, &source); !s.ok()) return s;
    const char* shown_display =
        x11.display.empty() ? std::getenv("DISPLAY") : x11.display.c_str();
    shown_source = shown_display;
  }

  SessionOptions session;
  session.output = options.output;
  session.processing = options.processing;
  session.threads = options.threads;
  session.cache = {options.cache_frames, options.cache_mb * 1000 * 1000};
  session.cache_bytes_by_default = !options.cache_mb_given;
  session.when_full = options.when_full;
  session.max_duration_us = duration_us;
  session.period_ns = static_cast<int64_t>(1e9 / options.fps);
  session.timing = playback.timing;
  session.effort = options.effort;
  session.codec = options.codec;
  session.scroll = options.scroll;
  session.align_px = options.align_px;
  if (options.realtime) session.realtime_priority = kCaptureRealtimePriority;
  session.countdown_s = options.countdown_s;
  session.verb = "recording";
  session.quiet = options.quiet;
  session.log_frames = options.log_frames;
  session.timer_log = options.timer_log;
  session.timer_plot = options.timer_plot;
  session.on_start = options.on_start;
  ChildProcess* const child = command.get();
  if (child != nullptr)
    session.should_stop = [child] { return child->Exited(); };
  session.start_message =
      "recording " + shown_source + " at " + FormatRate(options.fps) + " fps" +
      (child != nullptr ? " ('" + child->name() + "')" : "") + "; Ctrl-C stops";
  const Status status = RunSession(*source, session, report);
  if (!options.realtime) {
    report->timer.capture_scheduling = "normal (--no-realtime)";
  }
  source.reset();  // before the display goes away
  if (status.ok()) *how_it_ended = Describe(report->capture, child);
  if (command) command->Stop();
  if (server) server->Stop();
  return status;
}

namespace {

// A folder of our own under $TMPDIR (or /tmp), removed with what is in it
// unless kept.
class TempFolder {
 public:
  static Status Make(std::unique_ptr<TempFolder>* folder) {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "svgcast-XXXXXX")
            .string();
    if (error || ::mkdtemp(pattern.data()) == nullptr) {
      return Status::Error("cannot make a temporary folder for --colors" +
                           (error ? ": " + error.message() : std::string()));
    }
    folder->reset(new TempFolder(pattern));
    return Status::Ok();
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    std::error_code error;
    if (!keep_) std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  explicit TempFolder(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  bool keep_ = false;
};

int Report(const RecordOptions& options, const SessionReport& report,
           const std::string& how_it_ended) {
  if (report.capture.end == CaptureResult::End::kSourceLost) {
    std::fprintf(stderr,
                 "svgcast: %s; the SVG holds the %llu frames recorded "
                 "before\n",
                 report.capture.status.message().c_str(),
                 static_cast<unsigned long long>(report.capture.frames));
  } else if (!options.quiet) {
    std::fprintf(stderr, "svgcast: %s\n", how_it_ended.c_str());
  }
  if (!options.quiet) {
    std::fputs(FormatSessionSummary(report).c_str(), stderr);
    std::fputs(FormatTimerSummary(report.timer).c_str(), stderr);
  }
  return report.capture.end == CaptureResult::End::kSourceLost ? 3 : 0;
}

// --colors: the palette needs every frame, so the screen is recorded
// losslessly (at the fast effort, PNG, with no timing changes) into a
// temporary SVG, which is then replayed in colours, with the timing, effort
// and codec asked for, into the output.
int RecordInColours(const RecordOptions& options) {
  if (options.cursor) {
    return ReportFailure(Status::Usage(
        "--colors: not with --cursor (the pointer would be painted into "
        "the frames; record with --cursor alone)"));
  }
  // (The timing is applied after recording, by the replay: its options are
  // checked before.)
  ResolvedPlayback playback;
  if (Status s = ResolvePlayback(options.playback, &playback); !s.ok()) {
    return ReportFailure(s);
  }
  // Unwritable: say so before recording. (Not a stream: a pipe opened
  // and closed would end there for its reader.)
  if (!OutputFile::IsStream(options.output)) {
    std::unique_ptr<OutputFile> probe;
    if (Status s = OutputFile::Open(options.output, &probe); !s.ok()) {
      return Fail(s.message());
    }
  }
  std::unique_ptr<TempFolder> temp;
  if (Status s = TempFolder::Make(&temp); !s.ok()) return Fail(s.message());
  RecordOptions lossless = options;
  lossless.output = temp->path() + "/lossless.svg";
  lossless.colours = 0;
  lossless.playback = PlaybackOptions{};
  lossless.effort = Effort::kFast;
  lossless.codec = ImageFormat::kPng;
  SessionReport report;
  std::string how_it_ended;
  if (Status s = Record(lossless, &report, &how_it_ended); !s.ok()) {
    return ReportFailure(s);
  }
  const int recorded = Report(options, report, how_it_ended);
  if (!options.quiet) {
    std::fprintf(stderr, "svgcast: now in at most %d colours into %s\n",
                 options.colours, options.output.c_str());
  }
  ReplayOptions replay;
  replay.input = lossless.output;
  replay.output = options.output;
  replay.threads = options.threads;
  replay.quiet = options.quiet;
  replay.playback = options.playback;
  replay.effort = options.effort;
  replay.codec = options.codec;
  replay.scroll = options.scroll;
  replay.align_px = options.align_px;
  replay.colours = options.colours;
  const int encoded = RunReplay(replay);
  if (encoded != 0) {  // interrupted, or failed: the recording is not lost
    temp->Keep();
    std::fprintf(stderr, "svgcast: the whole recording, lossless: %s\n",
                 lossless.output.c_str());
  }
  return encoded != 0 ? encoded : recorded;
}

}  // namespace

int RunRecord(const RecordOptions& options) {
  if (options.colours > 0) return RecordInColours(options);
  SessionReport report;
  std::string how_it_ended;
  if (Status s = Record(options, &report, &how_it_ended); !s.ok()) {
    return ReportFailure(s);
  }
  return Report(options, report, how_it_ended);
}

}  // namespace svgcast
