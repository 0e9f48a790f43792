// The replay source: a folder of PNG frames with a frames.txt manifest (see
// manifest.h), or a bare folder of numbered PNGs played at a fixed rate.
//
// Opening checks the whole sequence cheaply before any frame is decoded:
// the manifest, that every file exists and is a PNG, and that all frames
// have the first frame's size. Decoding happens frame by frame on the
// capture thread, like a grab from a live screen.
//
// Threading: see FrameSource.
#ifndef SVGCAST_CAPTURE_FIXTURE_SOURCE_H_
#define SVGCAST_CAPTURE_FIXTURE_SOURCE_H_

#include <memory>
#include <string>

#include "capture/frame_source.h"
#include "capture/status.h"

namespace svgcast {

struct FixtureOptions {
  std::string folder;
  // 0: timestamps from frames.txt (required then). > 0: frame i is at
  // i * 1000 / fps ms; the frames are frames.txt's files if there is one,
  // else the folder's PNGs in natural order (2.png before 10.png).
  double fps = 0;
  // Replay in real time, like a live screen: frame i is due at
  // start + (t_i - t_0) on CLOCK_MONOTONIC, where start is the first
  // WaitForNextFrame() call; WaitForNextFrame() sleeps until then (absolute
  // deadline) and reports it in Tick::deadline_ns. A caller that comes back
  // after a later frame is already due cannot get the past: every frame
  // whose successor is due too is skipped (never returned) and counted in
  // Tick::skipped; the last frame is never skipped. Timestamps stay the
  // manifest's (or fps's). false: frames come as fast as they are asked
  // for, Tick is {0, 0}.
  bool realtime = false;
  // Trim, in ms from the first frame: the frame on screen at start_us
  // becomes the first (shown from start_us); frames at or after end_us
  // (-1: none) are left out.
  int64_t start_us = 0;
  int64_t end_us = -1;
};

Status OpenFixtureSource(const FixtureOptions& options,
                         std::unique_ptr<FrameSource>* source);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FIXTURE_SOURCE_H_
