// `svgcast record`: the live X11 screen into an animated SVG. Either the
// screen of $DISPLAY (or --display), until Ctrl-C or --duration; or, with a
// command after "--", a private virtual display (Xvfb) of --size, the
// command run in it, and the recording until the command exits.
//
// Threading: RunRecord() on the main thread (it starts the virtual display,
// the command, the capture thread and the processing graph, and stops them
// all before returning).
#ifndef SVGCAST_APP_RECORD_COMMAND_H_
#define SVGCAST_APP_RECORD_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/capture_session.h"
#include "app/playback_options.h"
#include "capture/frame_cache.h"
#include "capture/status.h"
#include "processing/pipeline.h"

namespace svgcast {

// SCHED_FIFO priority the capture thread asks for when recording: low
// among real-time priorities (1..99), so kernel threads and audio still
// come first.
inline constexpr int kCaptureRealtimePriority = 10;

struct RecordOptions {
  std::string output;
  double fps = 30;
  std::string duration;  // "10s"; empty: until Ctrl-C (or the command ends)
  std::string region;    // "x,y,WxH"; empty: the whole screen
  std::string window;    // id or name; empty: none
  std::string monitor;   // name, number or "primary"; empty: none
  int countdown_s = 0;
  bool cursor = false;
  // On a Wayland desktop: ask which monitor to share even where the
  // desktop remembers the last answer.
  bool choose_monitor = false;
  std::string display;               // empty: $DISPLAY
  std::string size = "1280x720";     // of the virtual display
  std::vector<std::string> command;  // run in a virtual display
  std::string timer_log;
  std::string timer_plot;
  int threads = 0;
  size_t cache_frames = 0;
  size_t cache_mb = 1024;
  bool cache_mb_given = false;           // (else it grows for large frames)
  WhenFull when_full = WhenFull::kDrop;  // never block the capture loop
  ProcessingMode processing = ProcessingMode::kOffloaded;
  // The capture thread asks for real-time scheduling (--no-realtime: no).
  bool realtime = true;
  bool quiet = false;
  bool log_frames = false;   // --log-frames
  PlaybackOptions playback;  // (--start/--end are not offered)
  Effort effort = Effort::kDefault;
  ImageFormat codec = ImageFormat::kPng;  // of the patches (--codec)
  bool scroll = true;  // scrolled bands as moves (--no-scroll: repainted)
  int align_px = 2;    // --align: SessionOptions::align_px
  // > 0: at most this many colours (--colors): recorded losslessly into a
  // temporary SVG first, which is then replayed in colours into `output`
  // (a palette needs every frame).
  int colours = 0;
  // SessionOptions::on_start.
  std::function<void()> on_start;
};

// 0: recorded (also when stopped by Ctrl-C, --duration or the command
// exiting); 1: error, nothing written; 3: the X server or the window went
// away mid-recording (the SVG of what was recorded is written). Prints the
// summary. With --colors, also 130: Ctrl-C while encoding in colours (the
// SVG of the frames encoded so far is written). When the encoding in
// colours is interrupted or fails, the lossless recording is kept and the
// message says where.
int RunRecord(const RecordOptions& options);

// One recording, without printing: what RunRecord() and `profile` share.
// `how_it_ended` says why the stream ended ("stopped", "'xterm' exited").
Status Record(const RecordOptions& options, SessionReport* report,
              std::string* how_it_ended);

}  // namespace svgcast

#endif  // SVGCAST_APP_RECORD_COMMAND_H_
