// Encoding a patch (a BGRX view of a frame) as a PNG for the SVG: a palette
// PNG when the patch has at most 256 colours, else 8-bit RGB; no ancillary
// chunks at all (no gAMA, cHRM, sRGB or iCCP), so a browser
// shows exactly the stored values. The output depends only on the pixels
// and options, never on the thread or the run.
//
// Threading: pure function; call from any thread.
#ifndef SVGCAST_PROCESSING_PNG_ENCODER_H_
#define SVGCAST_PROCESSING_PNG_ENCODER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"
#include "processing/work_meter.h"

namespace svgcast {

// How hard to try (--effort): kFast is zlib level 3 and no transparent
// variant (for live recording on a slow machine), kDefault the smallest of
// every candidate at zlib level 9, kMax that one recompressed with Zopfli
// (several times slower; for replay and conversion).
enum class Effort { kFast = 1, kDefault, kMax };

struct PngOptions {
  int zlib_level = 9;  // 0 (store) to 9 (smallest); kFast uses 3
  Effort effort = Effort::kDefault;
  // At most 256 colours: a palette PNG at the smallest bit depth (1, 2, 4
  // or 8) instead of RGB.
  bool palette = true;
  // EncodePatch: also try the pixels that are as before as transparent,
  // and keep the smaller PNG.
  bool transparent_unchanged = true;
  // kMax: once this is true (Ctrl-C), Zopfli stops at its next megabyte
  // and the PNG is kept as at kDefault (processing/png_recompress.h). May
  // be null.
  const std::atomic<bool>* stop_zopfli = nullptr;
  // kMax: where Zopfli reports how far it is (processing/work_meter.h).
  // May be null.
  WorkMeter* zopfli_meter = nullptr;
};

// bgrx: CV_8UC4, any stride (a crop view is fine), at least 1x1.
Status EncodePng(const cv::Mat& bgrx, const PngOptions& options,
                 std::vector<uint8_t>* png);

// 255 where `now` and `previous` (BGRX, the same size) differ in B, G or
// R, else 0: the pixels EncodePatch never leaves transparent.
cv::Mat ChangedPixels(const cv::Mat& now, const cv::Mat& previous);

// A patch of a frame over the frame before, for the SVG: EncodePng, or,
// when smaller, the same with every pixel that equals `previous` (the
// frame before, same rect) fully transparent, so what is already shown
// shows through (a palette PNG with one transparent entry, or RGBA).
// `previous` empty: just EncodePng.
Status EncodePatch(const cv::Mat& bgrx, const cv::Mat& previous,
                   const PngOptions& options, std::vector<uint8_t>* png);

// EncodePng at options.effort: zlib level 3 for kFast, Zopfli
// recompression for kMax (a sprite sheet, svg/sprite_sheet.h).
Status EncodePngWithEffort(const cv::Mat& bgrx, const PngOptions& options,
                           std::vector<uint8_t>* png);

// An overlay with transparency (the mouse pointer): CV_8UC4 BGRA with
// straight alpha -> 8-bit RGBA PNG, again without ancillary chunks.
Status EncodePngWithAlpha(const cv::Mat& bgra, const PngOptions& options,
                          std::vector<uint8_t>* png);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PNG_ENCODER_H_
