#include "svg/sprite_sheet.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include <opencv2/core.hpp>

#include "processing/patch.h"

namespace svgcast {
namespace {

// Between sprites: four pixels, so that every sprite starts at
// even coordinates on the sheet as in the frame (the pipeline aligns
// patches to 2), and a browser that halves the SVG averages each sprite in
// the same 2x2 blocks as the frame, never with a neighbour.
constexpr int kGutterPx = 4;
// Half the gutter: each neighbour's edge pixels twice, as far as a cubic
// filter (Chromium's, when it enlarges an image) reaches past an edge.
constexpr int kBleedPx = 2;

uint64_t Hash(const cv::Mat& bgra) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&hash](uint64_t v) {
    hash ^= v;
    hash *= 1099511628211ull;
  };
  mix(static_cast<uint64_t>(bgra.cols) << 32 |
      static_cast<uint32_t>(bgra.rows));
  for (int y = 0; y < bgra.rows; ++y) {
    const uint32_t* row = bgra.ptr<uint32_t>(y);
    for (int x = 0; x < bgra.cols; ++x) mix(row[x]);
  }
  return hash;
}

bool SamePixels(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size()) return false;
  const size_t row_bytes = static_cast<size_t>(a.cols) * a.elemSize();
  for (int y = 0; y < a.rows; ++y) {
    if (std::memcmp(a.ptr(y), b.ptr(y), row_bytes) != 0) return false;
  }
  return true;
}

}  // namespace

size_t SpriteSheet::Add(const cv::Mat& bgra, const cv::Mat& context,
                        cv::Point inside) {
  if (bgra.type() != CV_8UC4 || bgra.empty() || bgra.cols > width_px_) {
    throw std::logic_error("sprite sheet: a sprite must be BGRX and fit");
  }
  const cv::Rect in_context(inside, bgra.size());
  if (!context.empty() &&
      ((in_context & cv::Rect(0, 0, context.cols, context.rows)) !=
           in_context ||
       context.type() != CV_8UC4)) {
    throw std::logic_error("sprite sheet: a context must hold its sprite");
  }
  std::vector<size_t>& same_hash = by_hash_[Hash(bgra)];
  // (The same context too: a browser scaling the SVG samples it past the
  // sprite's edges, and the same glyph typed elsewhere has other
  // neighbours: 48 levels off at 150% with the first one's.)
  for (size_t n : same_hash) {
    const Context& c = contexts_[n];
    if (SamePixels(sprites_[n], bgra) && c.inside == inside &&
        c.pixels.empty() == context.empty() &&
        (context.empty() || SamePixels(c.pixels, context))) {
      return n;
    }
  }
  same_hash.push_back(sprites_.size());
  sprites_.push_back(bgra);
  contexts_.push_back({context, inside});
  area_px_ += static_cast<int64_t>(bgra.cols) * bgra.rows;
  return sprites_.size() - 1;
}

cv::Mat SpriteSheet::Pack(std::vector<cv::Point>* places, int row_px) const {
  // Tallest first, so each shelf's sprites have about the same height and
  // little of the sheet is left empty; of one height, narrowest first (then
  // in order added): sprites of one size side by side are often the same
  // glyph, which deflate then finds close by (the demo's grey sheet 3.4%
  // smaller than in order added).
  std::vector<size_t> order(sprites_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
    const cv::Size sa = sprites_[a].size(), sb = sprites_[b].size();
    return sa.height != sb.height ? sa.height > sb.height : sa.width < sb.width;
  });
  places->assign(sprites_.size(), cv::Point());
  if (row_px <= 0) row_px = width_px_;
  for (const cv::Mat& sprite : sprites_) row_px = std::max(row_px, sprite.cols);
  // (With contexts, from kBleedPx on: the first row and column have
  // their bleed too.)
  const bool contexts =
      std::any_of(contexts_.begin(), contexts_.end(),
                  [](const Context& c) { return !c.pixels.empty(); });
  const int a = std::max(1, align_px_);
  const int start = contexts ? AlignUp(kBleedPx, a) : 0;
  int x = start, y = start, shelf_height = 0, width = 0;
  for (size_t n : order) {
    const cv::Size size = sprites_[n].size();
    if (x > start && x + size.width > row_px + start) {
      y += AlignUp(shelf_height + kGutterPx, a);
      x = start;
      shelf_height = 0;
    }
    (*places)[n] = {x, y};
    width = std::max(width, x + size.width);
    x += AlignUp(size.width + kGutterPx, a);
    shelf_height = std::max(shelf_height, size.height);
  }
  // One pixel of bleed on every side: what a browser sampling just past
  // a sprite's edge gets, as it would from an image of its own.
  // Even sides too: a browser halving an image of odd size filters it
  // with wider kernels (Skia's mipmaps), which would reach across sprites.
  // (At --align 4, multiples of 4: at 125% Firefox stretches an image
  // whose side is not a whole number of screen pixels to one that is.)
  cv::Mat sheet(AlignUp(y + shelf_height + kBleedPx, a),
                AlignUp(width + kBleedPx, a), CV_8UC4,
                cv::Scalar(0, 0, 0, 255));
  const cv::Rect bounds(0, 0, sheet.cols, sheet.rows);
  for (size_t n = 0; n < sprites_.size(); ++n) {
    const cv::Rect place((*places)[n], sprites_[n].size());
    const cv::Rect bled =
        cv::Rect(place.x - kBleedPx, place.y - kBleedPx,
                 place.width + 2 * kBleedPx, place.height + 2 * kBleedPx) &
        bounds;
    // The context as far as it goes, then its edge repeated.
    const Context& c = contexts_[n];
    const cv::Mat& around = c.pixels.empty() ? sprites_[n] : c.pixels;
    const cv::Point inside = c.pixels.empty() ? cv::Point() : c.inside;
    const cv::Rect from =
        cv::Rect(bled.tl() - place.tl() + inside, bled.size()) &
        cv::Rect(0, 0, around.cols, around.rows);
    const cv::Point to = from.tl() - inside + place.tl();
    cv::copyMakeBorder(around(from), sheet(bled), to.y - bled.y,
                       bled.br().y - (to.y + from.height), to.x - bled.x,
                       bled.br().x - (to.x + from.width), cv::BORDER_REPLICATE);
    sprites_[n].copyTo(sheet(place));
  }
  return sheet;
}

void SpriteSheet::Clear() {
  sprites_.clear();
  contexts_.clear();
  by_hash_.clear();
  area_px_ = 0;
}

}  // namespace svgcast
