// SpriteSheet: many small patches ("sprites") packed into one image, which
// the SVG stores once and shows piece by piece (a nested <svg> whose
// viewBox is the sprite's place on the sheet). One image means one header
// instead of hundreds, and one compressed stream in which whatever recurs
// (the same glyph typed again, the same button redrawn) is found and
// stored about once — which separate small images can never do.
//
// Sprites are opaque BGRX. Packing is by shelves, tallest sprites first
// (of one height, narrowest first), left to right in rows of at most the
// width asked for, at even
// coordinates (as the pipeline aligns patches in the frame; or multiples
// of 4 with --align 4, and sides too) with at least four
// pixels between neighbours, each filled with what surrounded the sprite
// in the frame (its context, when given; else its nearest edge pixel, as
// a browser repeats the edge of an image of its own): a browser scaling
// the SVG then samples past a sprite's edge what it samples there in the
// frame, and averages each sprite in the same 2x2 blocks as the frame
// when it halves it. Identical sprites with identical contexts are placed
// once. Deterministic: positions depend only on the sprites added
// and their order.
//
// Threading: none; used by the SVG writer (one call at a time).
#ifndef SVGCAST_SVG_SPRITE_SHEET_H_
#define SVGCAST_SVG_SPRITE_SHEET_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <opencv2/core.hpp>

namespace svgcast {

class SpriteSheet {
 public:
  // width_px: the widest row (sprites must be no wider). align_px: places
  // and the sheet's sides on multiples of this (2, as the pipeline aligns
  // patches; 4 for --align 4).
  explicit SpriteSheet(int width_px, int align_px = 2)
      : width_px_(width_px), align_px_(align_px) {}

  // Adds a sprite (kept by reference: the Mat is immutable) and returns its
  // number; an identical one added before with an identical context keeps
  // its number. `context`: the
  // frame's pixels around it (the sprite is at `inside` in it), up to two
  // pixels on each side; empty: none.
  size_t Add(const cv::Mat& bgra, const cv::Mat& context = cv::Mat(),
             cv::Point inside = cv::Point());

  size_t sprites() const { return sprites_.size(); }
  const cv::Mat& sprite(size_t n) const { return sprites_[n]; }
  const cv::Mat& context(size_t n) const { return contexts_[n].pixels; }
  cv::Point inside(size_t n) const { return contexts_[n].inside; }
  bool empty() const { return sprites_.empty(); }
  // The pixels of the sprites so far (a lower bound of the sheet's area).
  int64_t area_px() const { return area_px_; }

  // Packs the sprites: their places (by number) and the sheet (opaque
  // black where no sprite or bleed is). Rows are at most `row_px` wide
  // (or as wide as the widest sprite, if wider; 0: width_px).
  cv::Mat Pack(std::vector<cv::Point>* places, int row_px = 0) const;

  void Clear();

 private:
  const int width_px_;
  const int align_px_;
  std::vector<cv::Mat> sprites_;
  struct Context {
    cv::Mat pixels;
    cv::Point inside;
  };
  std::vector<Context> contexts_;
  // Content hash -> numbers of the sprites with that hash.
  std::unordered_map<uint64_t, std::vector<size_t>> by_hash_;
  int64_t area_px_ = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_SVG_SPRITE_SHEET_H_
