// Scroll detection: when a band of the frame shows what the frame before
// showed a few rows lower (or higher), the band is a Move, and only what
// differs from the moved picture is left to encode. A terminal printing a
// log, a page scrolled in a browser: each frame would otherwise encode the
// whole band again; with a Move the SVG shows the earlier stored pixels
// shifted (svg_writer.h) plus the new strip.
//
// Only vertical moves, by an even number of rows, of one band per frame,
// found by matching row hashes across the whole width or over the columns
// that changed, whichever gives the taller band (the pipeline also tries
// the columns of the largest region that changed, and takes the move that
// leaves less to encode). The pipeline looks in the
// frame before, then in the one before that (text that moved 13 rows a
// frame moved 26 from there).
//
// Threading: pure functions of immutable inputs; call from any thread.
#ifndef SVGCAST_PROCESSING_SCROLL_DETECTOR_H_
#define SVGCAST_PROCESSING_SCROLL_DETECTOR_H_

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "processing/patch.h"

namespace svgcast {

struct ScrollOptions {
  bool enabled = true;
  // The shortest band worth a move, in rows, and the fewest distinct rows
  // that must agree on the distance before it is believed.
  int min_band_px = 16;
  int min_votes = 4;
  // Band edges and distances on multiples of this (as patches: even
  // pixels, so that at 50% a moved band is averaged in the same 2x2 blocks
  // as the frame; moved by an odd distance, its pixels would be sampled at
  // the other phase: thin lines vanish).
  int align_px = 2;
  // (Each move shows the frame before again, which showed the one before
  // it...: the SVG writer bounds how deep that nests, and paints the band
  // afresh past the bound: svg/svg_writer.h.)
};

// prev and cur: CV_8UC4 (BGRX) of one size; `changed`: the bounding box of
// what changed between them. The band of `changed`'s columns whose rows in
// cur are prev's rows `dy` away (the longest such run of rows), if any.
// `unaligned_dy`, if given: the distance most rows agreed on when it is not
// a multiple of align_px (0 if none is): then the frame before prev may be
// worth a look (twice an odd distance is even).
std::optional<Move> DetectScroll(const cv::Mat& prev, const cv::Mat& cur,
                                 const cv::Rect& changed,
                                 const ScrollOptions& options,
                                 int* unaligned_dy = nullptr);

// The same, over the columns of `columns` only (a page's text column, when
// the thumb of a scroll bar beside it moved as well: the columns that
// changed then take in the thumb, whose rows break the band).
std::optional<Move> DetectScrollInColumns(const cv::Mat& prev,
                                          const cv::Mat& cur,
                                          const cv::Rect& changed,
                                          const cv::Rect& columns,
                                          const ScrollOptions& options);

// `prev` with `move` applied: what the frame shows once the band has moved,
// its pixels taken from `source` (the frame move.frames_back before; for a
// move from the frame before, prev itself).
cv::Mat ApplyMove(const cv::Mat& prev, const cv::Mat& source, const Move& move);
inline cv::Mat ApplyMove(const cv::Mat& prev, const Move& move) {
  return ApplyMove(prev, prev, move);
}

// The edges of the band (strips `edge_px` wide, inside it) that a browser
// scaling the SVG would draw wrongly: it filters the band's edge pixels
// with their neighbours where they came from (in `source`, the frame the
// band is taken from), which are not the pixels next to the band now (or,
// at the frame's border, are there at all). Those must be painted again,
// by patches with their true neighbours.
std::vector<cv::Rect> EdgesToRepaint(const cv::Mat& source, const cv::Mat& cur,
                                     const Move& move, int edge_px = 2);

// The strips just outside the band (`edge_px` wide) that a browser scaling
// the SVG would draw wrongly: the frames below draw them, and filter them
// with their own pixels under the band's edge (`prev`: what was shown
// before this frame), not the band's. Where those changed, the strip
// outside must be painted again, by a patch with the new ones around it.
std::vector<cv::Rect> OutsideEdgesToRepaint(const cv::Mat& prev,
                                            const cv::Mat& cur,
                                            const Move& move, int edge_px = 2);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_SCROLL_DETECTOR_H_
