// Reading PNG images into frames: any PNG colour type (palette, grey, RGB,
// with or without alpha, 1 to 16 bits) becomes 8-bit BGRX.
//
// Screen images are opaque: an alpha channel or a tRNS chunk is ignored, and
// 16-bit samples are scaled to 8 bits with rounding (libpng's
// png_set_scale_16). Colour chunks (gAMA, cHRM, sRGB, iCCP) are ignored: the
// pixels are the stored sample values.
//
// Threading: the functions keep no state; call them from any thread.
#ifndef SVGCAST_CAPTURE_PNG_READER_H_
#define SVGCAST_CAPTURE_PNG_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

// Largest width or height accepted, to refuse absurd headers before
// allocating.
inline constexpr int kMaxImageSidePx = 16384;

// Decodes PNG data in memory. The error message says what is wrong, without
// a file name (the caller adds one).
Status DecodePng(const uint8_t* data, size_t size, cv::Mat* bgrx);

// Decodes PNG data in memory keeping transparency: CV_8UC4 BGRA with
// straight alpha (tRNS becomes alpha; an image without any is opaque). For
// overlays such as the mouse pointer, not for screen frames.
Status DecodePngWithAlpha(const uint8_t* data, size_t size, cv::Mat* bgra);

// Reads and decodes a PNG file; errors read "<path>: <problem>".
Status ReadPngFile(const std::string& path, cv::Mat* bgrx);

// Reads only the signature and header of PNG data in memory (its first 24
// bytes): its size, to check it before decoding. The error message says
// what is wrong, without a file name.
Status PngSize(const uint8_t* data, size_t size, cv::Size* out);

// Reads only the signature and header of a PNG file (a few bytes), to check
// a sequence cheaply before decoding it.
Status ReadPngSize(const std::string& path, cv::Size* size);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_PNG_READER_H_
