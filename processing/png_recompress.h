// Recompressing a finished PNG's image data with Zopfli (a much slower,
// tighter deflate encoder; Debian's libzopfli): the chunks, the filters
// libpng chose and the pixels stay as they are, only the IDAT stream is
// replaced, and only when the result is smaller. For --effort max.
//
// Zopfli takes about 10 s a megabyte of image data here (a terminal
// recording's sheet: a minute), and cannot be cancelled; so it runs a
// megabyte at a time (Zopfli's own master blocks: the same bytes as one
// call), and stops between them once `stop` is true (Ctrl-C: the SVG is
// to be finished soon), leaving the PNG as it was. How far it is goes to
// a WorkMeter, for the progress line.
//
// Threading: call from any thread (`stop` is read only; `meter` is
// thread-safe).
#ifndef SVGCAST_PROCESSING_PNG_RECOMPRESS_H_
#define SVGCAST_PROCESSING_PNG_RECOMPRESS_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "capture/status.h"
#include "processing/work_meter.h"

namespace svgcast {

// `iterations`: Zopfli's iterations (15 is its own default; more is slower
// and rarely much smaller). Fails only on a PNG that does not parse.
// `stop` (may be null): once true, the PNG is left as it was. `meter` (may
// be null): the image data's bytes are planned once inflated, and done a
// megabyte at a time (all of them by the time it returns, stopped or not).
Status RecompressPng(int iterations, std::vector<uint8_t>* png,
                     const std::atomic<bool>* stop = nullptr,
                     WorkMeter* meter = nullptr);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PNG_RECOMPRESS_H_
