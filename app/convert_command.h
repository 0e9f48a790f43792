// `svgcast convert`: a screen video or animated GIF/APNG into an animated
// SVG, through the same capture side and processing graph as replay and
// record, with a VideoSource in place of the fixture folder or the screen.
//
// Threading: RunConvert() is called on the main thread; it creates the
// capture thread and the processing graph and joins both before returning.
#ifndef SVGCAST_APP_CONVERT_COMMAND_H_
#define SVGCAST_APP_CONVERT_COMMAND_H_

#include <cstddef>
#include <string>

#include "app/playback_options.h"
#include "processing/patch.h"
#include "processing/png_encoder.h"

namespace svgcast {

struct ConvertOptions {
  std::string input;   // video file
  std::string output;  // .svg path or "-"
  int tolerance = 0;   // 0..255: per-channel difference that counts as none
  double max_fps = 0;  // > 0: at most this many frames a second
  double scale = 1;    // frame size factor
  int threads = 0;     // processing threads; 0: one per core
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
  // > 0: at most this many colours (--colors; app/colour_choice.h).
  int colours = 0;
};

// Returns the process exit status: 0 done, 1 error (message printed), 3
// the video is cut short or damaged (the SVG holds the frames before the
// cut; a warning says so), 130 interrupted (the SVG of the frames so far).
int RunConvert(const ConvertOptions& options);

}  // namespace svgcast

#endif  // SVGCAST_APP_CONVERT_COMMAND_H_
