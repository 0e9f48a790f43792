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
};

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
