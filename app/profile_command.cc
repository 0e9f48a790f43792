#include "app/profile_command.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "app/capture_session.h"
#include "app/option_parsing.h"
#include "capture/fixture_source.h"

namespace svgcast {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "svgcast: %s\n", message.c_str());
  return 1;
}

// A temporary folder for outputs nobody asked to keep.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "svgcast-profile-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code error;
    if (!path_.empty()) std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One of the two runs; `announce` is called once it starts (every check
// passed: an error is then the only line).
Status RunOnce(const ProfileOptions& options, ProcessingMode mode,
               const std::string& folder, const std::function<void()>& announce,
               SessionReport* report) {
  const std::string name =
      mode == ProcessingMode::kOffloaded ? "offloaded" : "inline";
  RecordOptions record = options.record;
  record.on_start = announce;
  record.processing = mode;
  record.output = folder + "/" + name + ".svg";
  record.timer_log = folder + "/" + name + "-timer.csv";
  record.timer_plot = folder + "/" + name + "-timer.svg";
  record.quiet = true;
  if (options.replay_folder.empty()) {
    std::string how_it_ended;
    return Record(record, report, &how_it_ended);
  }
  std::unique_ptr<FrameSource> source;
  FixtureOptions fixture{options.replay_folder, options.replay_fps};
  fixture.realtime = true;
  if (Status s = OpenFixtureSource(fixture, &source); !s.ok()) return s;
  SessionOptions session;
  if (!record.duration.empty()) {
    if (Status s = ParseDuration("--duration", record.duration,
                                 &session.max_duration_us);
        !s.ok()) {
      return s;
    }
  }
  session.output = record.output;
  session.processing = mode;
  session.threads = record.threads;
  session.cache = {record.cache_frames, record.cache_mb * 1000 * 1000};
  session.when_full = record.when_full;
  session.effort = record.effort;
  session.codec = record.codec;
  session.scroll = record.scroll;
  session.align_px = record.align_px;
  if (record.realtime) session.realtime_priority = kCaptureRealtimePriority;
  session.quiet = true;
  session.timer_log = record.timer_log;
  session.timer_plot = record.timer_plot;
  session.on_start = announce;
  const Status status = RunSession(*source, session, report);
  if (!record.realtime) {
    report->timer.capture_scheduling = "normal (--no-realtime)";
  }
  return status;
}

}  // namespace

int RunProfile(const ProfileOptions& options) {
  ScratchFolder scratch;
  std::string folder = options.keep_folder;
  if (folder.empty()) {
    if (scratch.path().empty()) return Fail("cannot make a temporary folder");
    folder = scratch.path();
  } else {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
      return Fail(folder + ": cannot create folder: " + error.message());
  }
  const std::string source = options.replay_folder.empty()
                                 ? "the screen"
                                 : options.replay_folder + " in real time";
  SessionReport offloaded, inline_report;
  const auto announce = [&source](const char* run) {
    return [&source, run] {
      std::fprintf(stderr, "svgcast: profiling %s: %s...\n", source.c_str(),
                   run);
    };
  };
  if (Status s = RunOnce(options, ProcessingMode::kOffloaded, folder,
                         announce("1/2, processing offloaded"), &offloaded);
      !s.ok()) {
    return ReportFailure(s);
  }
  if (offloaded.interrupted) {
    return ReportFailure(
        Status::Interrupted("interrupted in the first run; no comparison"));
  }
  if (Status s = RunOnce(options, ProcessingMode::kInline, folder,
                         announce("2/2, processing inline"), &inline_report);
      !s.ok()) {
    return ReportFailure(s);
  }
  std::fputs(FormatTimerComparison("offloaded (svgcast)", offloaded.timer,
                                   "inline (naive)", inline_report.timer)
                 .c_str(),
             stderr);
  std::fprintf(stderr, "  output    %llu vs %llu bytes (%llu vs %llu frames)\n",
               static_cast<unsigned long long>(offloaded.bytes),
               static_cast<unsigned long long>(inline_report.bytes),
               static_cast<unsigned long long>(offloaded.pipeline.frames),
               static_cast<unsigned long long>(inline_report.pipeline.frames));
  if (!options.keep_folder.empty()) {
    std::fprintf(stderr, "svgcast: SVGs, timer logs and plots are in %s\n",
                 folder.c_str());
  }
  return 0;
}

}  // namespace svgcast
