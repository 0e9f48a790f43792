// Palette: the opt-in lossy mode (`--colors N`), GIF's trade made openly.
// A whole recording is shown in at most N colours: one palette for all of
// it, chosen once, and every pixel of every frame replaced by its nearest
// palette colour (no dithering, so a colour that does not change on
// screen does not change in the SVG, and unchanged areas stay unchanged).
// What goes to the lossless pipeline is the mapped frame, so the SVG shows
// exactly the mapped frames, and every patch and sheet has at most N
// colours (palette PNGs).
//
//   ColourHistogram  counts the colours of the frames (a first pass);
//   ChoosePalette    picks N colours from it with libimagequant;
//   PaletteMap       maps a frame to the palette and keeps the largest
//                    error.
//
// Threading: none of these is thread-safe; each is used by one thread at
// a time (the main thread for the first pass and the choice, then the
// capture thread for the map).
#ifndef SVGCAST_CAPTURE_PALETTE_H_
#define SVGCAST_CAPTURE_PALETTE_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

namespace palette_internal {
struct Free {
  void operator()(void* p) const { std::free(p); }
};
}  // namespace palette_internal

// How many pixels of each 24-bit colour the frames added so far hold
// (64 MB, taken from the system as it is touched).
class ColourHistogram {
 public:
  ColourHistogram();

  // `frame`: CV_8UC4 BGRX; X is ignored.
  void Add(const cv::Mat& frame);

  // Colours seen at least once, 0xRRGGBB, in the order they first came.
  const std::vector<uint32_t>& colours() const { return colours_; }
  uint64_t distinct() const { return colours_.size(); }
  uint64_t frames() const { return frames_; }
  // Pixel count of a colour, 0xRRGGBB (saturates at 2^32 - 1).
  uint32_t count(uint32_t rgb) const { return counts_.get()[rgb]; }

 private:
  std::unique_ptr<uint32_t[], palette_internal::Free> counts_;
  std::vector<uint32_t> colours_;
  uint64_t frames_ = 0;
};

// Up to `max_colours` (2..256) colours, 0xRRGGBB, for the histogram's
// pixels, chosen by libimagequant (time-weighted: a colour counts as often
// as it was on screen in a frame). When the frames have no more colours
// than that, those are the palette and nothing changes. Deterministic: the
// same histogram gives the same palette on any machine (libimagequant's
// OpenMP threads are held to one while it runs; its k-means sums in
// per-thread parts, so more threads could round differently).
Status ChoosePalette(const ColourHistogram& histogram, int max_colours,
                     std::vector<uint32_t>* palette);

// Maps frames to a palette: each colour to the nearest palette colour
// (least squared distance in R, G and B; the first such one on a tie),
// worked out once per colour and remembered (32 MB table, touched as
// colours come).
class PaletteMap {
 public:
  explicit PaletteMap(std::vector<uint32_t> palette);

  // `frame`: CV_8UC4 BGRX. A new Mat (never `frame`'s memory) with every
  // B, G, R replaced by its palette colour's; X is the frame's.
  cv::Mat Apply(const cv::Mat& frame);

  // The palette colour for 0xRRGGBB.
  uint32_t Map(uint32_t rgb);

  const std::vector<uint32_t>& palette() const { return palette_; }
  // The largest |shown - frame| of any channel of any pixel so far.
  int max_error() const { return max_error_; }

 private:
  const std::vector<uint32_t> palette_;
  // Per 0xRRGGBB: 0 not yet known, else 1 + the palette index.
  std::unique_ptr<uint16_t[], palette_internal::Free> index_;
  int max_error_ = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_PALETTE_H_
