// `svgcast replay`: a folder of recorded frames into an animated SVG, through
// the same capture side (frame cache, capture thread) and processing graph
// as a live recording.
//
// Threading: RunReplay() is called on the main thread; it creates the
// capture thread and the processing graph and joins both before returning.
#ifndef SVGCAST_APP_REPLAY_COMMAND_H_
#define SVGCAST_APP_REPLAY_COMMAND_H_

#include <cstddef>
#include <string>

#include "app/playback_options.h"
#include "capture/frame_cache.h"
#include "processing/patch.h"
#include "processing/png_encoder.h"
#include "svg/svg_writer.h"

namespace svgcast {

struct ReplayOptions {
  std::string input;        // fixture folder
  std::string output;       // .svg path or "-"
  double fps = 0;           // > 0: fixed rate instead of frames.txt times
  int threads = 0;          // processing threads; 0: one per core
  size_t cache_frames = 0;  // 0: no cap on the count
  // 0: no cap on the bytes. Reading further ahead gains nothing (the
  // frames wait for processing either way) and costs memory: on the demo
  // at --effort max, 1024 peaked at 736 MB, 256 at 347 MB, in the same time.
  size_t cache_mb = 256;
  bool cache_mb_given = false;  // (else it grows for large frames)
  bool quiet = false;           // no progress line, no summary
  PlaybackOptions playback;
  Effort effort = Effort::kDefault;
  ImageFormat codec = ImageFormat::kPng;  // of the patches (--codec)
  bool scroll = true;  // scrolled bands as moves (--no-scroll: repainted)
  int align_px = 2;    // --align: SessionOptions::align_px
  // False: not on the command line, so an svgcast SVG is encoded again
  // with its own (ScreencastSettings: what its <metadata> says, and
  // whether it loops). loop_given: --loop or --no-loop; an SVG that loops
  // keeps its hold unless --hold is given.
  bool codec_given = true;
  bool align_given = true;
  bool loop_given = true;
  // > 0: lossy, at most this many colours (--colors; app/colour_choice.h).
  int colours = 0;
  // SheetOptions::copy_budget_bytes (not an option of the command line;
  // tests lower it to see a pattern sheet in a short sequence).
  double sheet_copy_budget_bytes = SheetOptions{}.copy_budget_bytes;
};

// Returns the process exit status: 0 done, 1 error (message printed),
// 130 interrupted (the SVG of the frames replayed so far is written).
int RunReplay(const ReplayOptions& options);

}  // namespace svgcast

#endif  // SVGCAST_APP_REPLAY_COMMAND_H_
