// SvgSource: an svgcast SVG as a frame source, so that `replay` can encode
// one again with other settings (--colors, --codec, --effort, --loop,
// --speed, a trim). Each change the SVG shows becomes a frame, at its time
// in the SVG; --start/--end select as for a video (capture/
// frame_selection.h).
//
// Threading: see FrameSource.
#ifndef SVGCAST_SVG_SVG_SOURCE_H_
#define SVGCAST_SVG_SVG_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "capture/frame_source.h"
#include "capture/status.h"
#include "svg/svg_reader.h"

namespace svgcast {

struct SvgSourceOptions {
  std::string path;
  std::string name;  // how errors name the file (empty: path)
  int64_t start_us = 0;
  int64_t end_us = -1;  // -1: to the end
};

// Reads the whole SVG (every error, naming the file, comes from here).
// `settings`, if given: what the SVG says it was made with.
Status OpenSvgSource(const SvgSourceOptions& options,
                     std::unique_ptr<FrameSource>* source,
                     ScreencastSettings* settings = nullptr);

}  // namespace svgcast

#endif  // SVGCAST_SVG_SVG_SOURCE_H_
