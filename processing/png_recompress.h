// Recompressing a finished PNG's image data with Zopfli (a much slower,
// tighter deflate encoder; Debian's libzopfli): the chunks, the filters
// libpng chose and the pixels stay as they are, only the IDAT stream is
// replaced, and only when the result is smaller. For --effort max.
//
// Threading: pure function; call from any thread.
#ifndef SVGCAST_PROCESSING_PNG_RECOMPRESS_H_
#define SVGCAST_PROCESSING_PNG_RECOMPRESS_H_

#include <cstdint>
#include <vector>

#include "capture/status.h"

namespace svgcast {

// `iterations`: Zopfli's iterations (15 is its own default; more is slower
// and rarely much smaller). Fails only on a PNG that does not parse.
Status RecompressPng(int iterations, std::vector<uint8_t>* png);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PNG_RECOMPRESS_H_
