// Grey apart: the SVG writer keeps sprites whose pixels are all grey (B =
// G = R, as most screen text is) on a greyscale sheet, one byte a pixel,
// and the others on an RGB sheet, three (svg/svg_writer.h). A patch of
// grey text with a few coloured pixels in it (a line ending in an emoji on
// anchor-electron; a terminal's coloured prompt above lines of output)
// would go on the RGB sheet whole; cut, its grey parts go on the grey
// sheet (the demo's two lines with an emoji: 20.4 KB of PNG in colour,
// 11.0 in grey).
//
// Threading: a pure function of its inputs; call from any thread.
#ifndef SVGCAST_PROCESSING_GREY_SPLIT_H_
#define SVGCAST_PROCESSING_GREY_SPLIT_H_

#include <vector>

#include <opencv2/core.hpp>

#include "processing/patch.h"

namespace svgcast {

struct GreySplitOptions {
  // A part's edges (but for the patch's own) on multiples of this, as
  // every patch's (processing/pipeline.h).
  int align_px = 2;
  // What a sprite carries around it (kSpriteContextPx): a grey part's
  // context must be grey too, or its sprite is not.
  int context_px = kSpriteContextPx;
  // What a part of its own costs in markup (an <svg> with its box and a
  // <use>), against what its grey pixels save: guessed as half a byte for
  // each pixel unlike its left neighbour (the demo's grey text saved 0.62
  // bytes of PNG each).
  int piece_bytes = 80;
  // Only the clearest cut, or the patch whole: at most this many parts
  // (0: any), and then the coloured ones (with a coloured pixel) together
  // at most this share of the patch's area. WebP's colour transforms store
  // grey in RGB cheaply, so there a cut pays only for a line of grey text
  // ending in an emoji, whose grey part then compresses with the same
  // glyphs on the grey sheet (WebPGreySplitOptions).
  int max_parts = 0;
  double max_coloured_share = 1.0;
};

// The options for patches that may be encoded as WebP (--codec webp):
// two parts at most, a grey one and a coloured one of at most a tenth of
// the patch, and a part must save 400 bytes. (The demo: 142,213 bytes
// whole, 132,385 so. Cut as for PNG, the demo gains as much, but a
// terminal session in colour grows 16% and a coloured log 63%; with any
// cut in two parts the log grows 10%, and with a coloured part of at most
// a tenth but not one coloured pixel in it, 5%; at 80 bytes a part, as
// for PNG, the `emoji` fixture 4.4%.)
GreySplitOptions WebPGreySplitOptions(int align_px);

// `rect` cut into parts that cover it exactly: first into bands of rows,
// those whose pixels are all grey, with the context_px around them, apart
// from the others; then each other band into columns the same way. A grey
// part is cut apart only where it saves more than the parts it adds cost;
// {rect} when none does. `around`: the frame's pixels (BGRX) around `rect`
// (ContextAround(rect, frame)), its top-left corner at `around_tl` in the
// frame.
// Whether every pixel of `bgrx` is grey (B = G = R): what puts a sprite on
// the writer's grey sheet, and what CutGreyApart cuts for.
bool IsGrey(const cv::Mat& bgrx);

std::vector<cv::Rect> CutGreyApart(const cv::Mat& around, cv::Point around_tl,
                                   const cv::Rect& rect,
                                   const GreySplitOptions& options = {});

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_GREY_SPLIT_H_
