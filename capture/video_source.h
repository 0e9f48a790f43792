// The convert source: a video file (.mp4, .webm, .mkv, .gif, .apng, ...)
// read through OpenCV's videoio (its FFmpeg backend), each frame at its
// real presentation time (variable frame rates kept; the times come from
// VideoProbe, see there why). Frames may be trimmed (--start/--end),
// thinned (--max-fps), scaled (--scale, cv::resize) and passed through the
// ToleranceFilter (--tolerance) before they reach the pipeline; which
// frames are kept is decided from the times alone, so frame_count() is
// exact before anything is decoded.
//
// A file that turns out to be cut short or damaged ends the stream with a
// Status::SourceLost() naming the file, after the last readable frame (the
// SVG holds those); a file where not even the first frame decodes fails.
//
// Threading: see FrameSource. stats() is for the capture thread, or for
// any thread after the capture thread has been joined.
#ifndef SVGCAST_CAPTURE_VIDEO_SOURCE_H_
#define SVGCAST_CAPTURE_VIDEO_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "capture/frame_source.h"
#include "capture/status.h"
#include "capture/video_probe.h"

namespace svgcast {

struct VideoOptions {
  std::string path;
  std::string name = {};  // how errors name the file (empty: path)
  int tolerance = 0;     // 0..255, see ToleranceFilter
  double max_fps = 0;    // > 0: at most this many frames a second
  double scale = 1;      // frame size factor (> 0)
  int64_t start_us = 0;  // trim, in ms from the first frame (see
  int64_t end_us = -1;   // FixtureOptions); -1: no end

  const std::string& shown_name() const { return name.empty() ? path : name; }
};

struct VideoStats {
  uint64_t frames_decoded = 0;  // read from the file (dropped ones too)
  uint64_t frames_shown = 0;    // handed to the pipeline
  // The largest difference of any channel of any pixel between a shown
  // frame and its (scaled) source frame: 0 with tolerance 0.
  int max_error = 0;
};

class VideoSource : public FrameSource {
 public:
  // What the file holds (times of every frame, before trimming).
  virtual const VideoProbe& probe() const = 0;
  // Frames in the file that share their time with the next one (dropped).
  virtual uint64_t same_time_frames() const = 0;
  virtual VideoStats stats() const = 0;
};

// Errors (one line naming the file or option): see ProbeVideo(); OpenCV
// cannot open the file; --start after the last frame; the video module
// (video_module.h, loaded by the first call) is missing.
Status OpenVideoSource(const VideoOptions& options,
                       std::unique_ptr<VideoSource>* source);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_VIDEO_SOURCE_H_
