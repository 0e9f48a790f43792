// Reading an svgcast SVG back: our own decoder, which renders the canvas at
// every moment something changes, the way a browser would (elements whose
// time has come, painted in document order). It is how tests prove that
// the SVG shows each recorded frame exactly, without a browser.
//
// It reads the format svg_writer.h describes and refuses anything else with
// a one-line error that names the file.
//
// Threading: pure functions; call from any thread.
#ifndef SVGCAST_SVG_SVG_READER_H_
#define SVGCAST_SVG_SVG_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

// What an svgcast SVG says it was made with, so that encoding it again
// can keep it (app/replay_command.h): its <metadata> is "svgcast 2", then
// the options that made it and change what it is, where they are not the
// defaults ("svgcast 2 --codec webp --align 4"); and whether it loops
// (its last <style> gives every piece "animation-duration:<period>ms").
struct ScreencastSettings {
  bool webp = false;  // --codec webp: its images may be WebP
  int align_px = 2;   // --align: its pieces on multiples of this
  // --loop: how long the last picture stays before the start comes back
  // (the period less the last change's time); -1: it plays once.
  int64_t loop_hold_us = -1;
};

struct DecodedFrame {
  int64_t time_us = 0;  // from the start of the animation
  cv::Mat pixels;       // CV_8UC4 BGRX; only valid during the callback
};

// The frames one at a time, as a source for re-encoding an SVG
// (svg_source.h). Open() reads the whole file and decodes its images, so
// every error comes before the first frame.
//
// Threading: one thread at a time.
class ScreencastDecoder {
 public:
  // `name`: how errors name the file (empty: `path`).
  static Status Open(const std::string& path,
                     std::unique_ptr<ScreencastDecoder>* decoder,
                     const std::string& name = "");
  ScreencastDecoder() = default;
  ScreencastDecoder(const ScreencastDecoder&) = delete;
  ScreencastDecoder& operator=(const ScreencastDecoder&) = delete;
  virtual ~ScreencastDecoder() = default;

  virtual cv::Size size() const = 0;
  virtual const ScreencastSettings& settings() const = 0;
  // Every time something changes, ascending; the first is 0.
  virtual const std::vector<int64_t>& times_us() const = 0;
  // The canvas at the next of those times; false after the last. The
  // pixels are the decoder's, valid until the next call.
  virtual bool Next(DecodedFrame* frame) = 0;
};

// Calls `on_frame` for each change time, in time order. Stops at the first
// error, including one returned by `on_frame`.
Status DecodeScreencast(
    const std::string& path,
    const std::function<Status(const DecodedFrame&)>& on_frame);

}  // namespace svgcast

#endif  // SVGCAST_SVG_SVG_READER_H_
