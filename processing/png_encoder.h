// Encoding a patch (a BGRX view of a frame) as a PNG for the SVG: 8-bit RGB,
// no ancillary chunks at all (no gAMA, cHRM, sRGB or iCCP), so a browser
// shows exactly the stored values. The output depends only on the pixels
// and options, never on the thread or the run.
//
// Threading: pure function; call from any thread.
#ifndef SVGCAST_PROCESSING_PNG_ENCODER_H_
#define SVGCAST_PROCESSING_PNG_ENCODER_H_

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

struct PngOptions {
  int zlib_level = 9;  // 0 (store) to 9 (smallest)
};

// bgrx: CV_8UC4, any stride (a crop view is fine), at least 1x1.
Status EncodePng(const cv::Mat& bgrx, const PngOptions& options,
                 std::vector<uint8_t>* png);

// An overlay with transparency (the mouse pointer): CV_8UC4 BGRA with
// straight alpha -> 8-bit RGBA PNG, again without ancillary chunks.
Status EncodePngWithAlpha(const cv::Mat& bgra, const PngOptions& options,
                          std::vector<uint8_t>* png);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PNG_ENCODER_H_
