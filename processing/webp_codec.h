// The optional patch codec (--codec webp): lossless WebP, which plays as
// data:image/webp inside an SVG in current Chromium, Firefox and Safari.
// Its LZ77 copies whole 2-D blocks from anywhere earlier in the image, so on
// a sheet of many small patches (svg/sprite_sheet.h) the glyphs typed again
// and again are stored about once: about 2.4x smaller than separate PNGs on
// the demo recording. Encoding is lossless; only the colour of fully
// transparent pixels is not kept (it never shows). Deterministic: the
// output depends only on the pixels and the effort.
//
// Threading: call from any thread (`stop` is only read; `meter` is
// thread-safe).
#ifndef SVGCAST_PROCESSING_WEBP_CODEC_H_
#define SVGCAST_PROCESSING_WEBP_CODEC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"
#include "processing/png_encoder.h"
#include "processing/work_meter.h"

namespace svgcast {

// bgra: CV_8UC4 with straight alpha (any stride), at most 16383 pixels a
// side. kFast, kDefault and kMax are libwebp's lossless presets 1, 6 and 9.
// `stop` (may be null): once true (Ctrl-C), an encode at kMax (a sheet can
// take minutes) gives up at libwebp's next progress report and encodes at
// kDefault instead, as RecompressPng keeps the default PNG. `meter` (may
// be null): at kMax, the image's bytes (4 a pixel) are planned, and done
// as libwebp reports its percentage (all of them by the time it returns).
Status EncodeWebp(const cv::Mat& bgra, Effort effort,
                  std::vector<uint8_t>* webp,
                  const std::atomic<bool>* stop = nullptr,
                  WorkMeter* meter = nullptr);

// A WebP image's width and height, from its header (before decoding it).
Status WebpSize(const uint8_t* data, size_t size, cv::Size* out);

// A WebP image -> CV_8UC4 BGRA (straight alpha; 255 where it has none).
Status DecodeWebp(const uint8_t* data, size_t size, cv::Mat* bgra);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_WEBP_CODEC_H_
