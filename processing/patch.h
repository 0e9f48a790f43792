// The messages of the processing graph, from a frame's ticket to its
// encoded patches. All are values or hold immutable shared data, so the
// graph may copy them freely (TBB requires copyable messages).
//
// Threading: immutable once made; any thread may read them.
#ifndef SVGCAST_PROCESSING_PATCH_H_
#define SVGCAST_PROCESSING_PATCH_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/frame.h"

namespace svgcast {

// An encoded image file (PNG or WebP), shared and immutable.
using PngBytes = std::shared_ptr<const std::vector<uint8_t>>;

enum class ImageFormat { kPng = 1, kWebp };

// A scrolled band (processing/scroll_detector.h): from this frame on, each
// pixel p of `to` shows what the frame `frames_back` before showed at
// p + (0, dy); the frame's patches paint what differs. (2: the frame
// before that one, when the text moved an odd distance from the frame
// before but an even one from the frame before that, as a terminal with
// 13-pixel lines does, a line a frame. More: the anchor
// (FrameChanges::new_anchor), when the text moved an odd distance from
// both: a command typed, then Enter.)
struct Move {
  cv::Rect to;
  int dy = 0;
  int frames_back = 1;  // 1, 2 or an anchor's distance

  bool operator==(const Move&) const = default;
};

// diff -> optimize: the changed regions of frame ticket.seq against the
// frame before it (for seq 0: the whole frame), or, with a move, against
// the frame before with the move applied (its band taken from the frame
// the move shows).
struct FrameChanges {
  FrameTicket ticket;
  std::vector<cv::Rect> regions;
  std::optional<Move> move;
  std::optional<CursorSample> cursor;  // the frame's pointer, if recorded
  bool failed = false;                 // an earlier node failed on this frame
  // A band scrolled by a distance no move may take: patches mostly inside
  // it paint every pixel, none left transparent (as every patch of a frame
  // with a move does), so that a later move shows it as one frame.
  cv::Rect repaint = cv::Rect();
  // The text moved an odd distance from the frame before (refused: a move,
  // if any, is from further back).
  bool odd_scroll = false;
  // Anchors (Move::frames_back): a frame that becomes one, so that later
  // moves may show it (seq - 1 or seq - 2); and those no later move shows,
  // after this one.
  std::optional<uint64_t> new_anchor;
  std::vector<uint64_t> anchors_dropped;
};

// A patch is one of three things, in this order of preference:
// - `fill`: every pixel of rect has this colour (0xRRGGBB): a <rect>;
// - `sprite`: small enough to share a sheet with other patches
//   (svg/sprite_sheet.h), which the writer encodes as one image: the
//   patch's pixels, CV_8UC4 BGRX;
// - `png`: an image file of its own, in `format`.
// `painted` tells which pixels the patch surely paints over what was shown
// (CV_8UC1, 255 there; empty: every pixel): an image may leave the pixels
// that are as before transparent, and those still show the frames below.
// The writer uses it to know when a frame is covered by later ones.
struct EncodedPatch {
  cv::Rect rect;  // where it goes in the frame
  PngBytes png;
  ImageFormat format = ImageFormat::kPng;
  cv::Mat sprite;
  // A sprite's surroundings in the frame (rect grown by kSpriteContextPx
  // on each side, as far as the frame goes; the sprite is at
  // sprite_inside): what a browser scaling the SVG should find past its
  // edges. Empty (in tests, say): its edge repeated.
  cv::Mat sprite_context;
  cv::Point sprite_inside;
  std::optional<uint32_t> fill;
  cv::Mat painted;
};

constexpr int kSpriteContextPx = 2;

// `v` down or up to a multiple of `align_px` (>= 1; PipelineOptions::
// align_px, SheetOptions::align_px).
inline int AlignDown(int v, int align_px) {
  return v - ((v % align_px) + align_px) % align_px;
}
inline int AlignUp(int v, int align_px) {
  return AlignDown(v + align_px - 1, align_px);
}

// `rect` grown to multiples of `align_px` on every side.
inline cv::Rect AlignOutward(const cv::Rect& rect, int align_px) {
  return cv::Rect(
      cv::Point(AlignDown(rect.x, align_px), AlignDown(rect.y, align_px)),
      cv::Point(AlignUp(rect.br().x, align_px),
                AlignUp(rect.br().y, align_px)));
}

// `rect` grown by kSpriteContextPx on each side, as far as `bounds` goes:
// where a sprite's context comes from.
inline cv::Rect ContextAround(const cv::Rect& rect, const cv::Rect& bounds) {
  const int c = kSpriteContextPx;
  return cv::Rect(rect.x - c, rect.y - c, rect.width + 2 * c,
                  rect.height + 2 * c) &
         bounds;
}

// `rect` cut into tiles, row by row, that may each be a sprite: at most
// `max_side` wide and high and about `max_area_px` pixels (tiles of sides
// that are multiples of `align_px`, but at the right and bottom edges).
// What the encode stage does to a patch too big for a sprite, and the
// writer to a band it paints afresh.
inline std::vector<cv::Rect> SpriteTiles(const cv::Rect& rect,
                                         int64_t max_area_px, int max_side,
                                         int align_px = 2) {
  const int a = std::max(1, align_px);
  const int tile_w = std::min(rect.width, AlignDown(max_side, a));
  const int tile_h = static_cast<int>(std::min<int64_t>(
      AlignDown(max_side, a),
      std::max<int64_t>(a, max_area_px / std::max(tile_w, 1) / a * a)));
  std::vector<cv::Rect> tiles;
  for (int y = 0; y < rect.height; y += tile_h) {
    for (int x = 0; x < rect.width; x += tile_w) {
      tiles.emplace_back(rect.x + x, rect.y + y,
                         std::min(tile_w, rect.width - x),
                         std::min(tile_h, rect.height - y));
    }
  }
  return tiles;
}

// One-colour patches (fills) of the same colour that share a whole side,
// joined into one, until no two do: a one-colour area cut into tiles
// (SpriteTiles) is a <rect> or two, not one per tile (a page cleared to
// one colour on anchor-electron: 20 rects, now 2). Patches must not
// overlap; the others keep their order, a joined pair the first's place.
// (A join has what surrounds each part around it: a fill is one only
// where its context has its colour, so the join's is that colour too.)
inline void JoinFills(std::vector<EncodedPatch>* patches) {
  auto joinable = [](const EncodedPatch& a, const EncodedPatch& b) {
    const cv::Rect &r = a.rect, &s = b.rect;
    return a.fill && b.fill && *a.fill == *b.fill &&
           ((r.y == s.y && r.height == s.height &&
             (r.br().x == s.x || s.br().x == r.x)) ||
            (r.x == s.x && r.width == s.width &&
             (r.br().y == s.y || s.br().y == r.y)));
  };
  if (std::count_if(patches->begin(), patches->end(),
                    [](const auto& p) { return p.fill.has_value(); }) < 2) {
    return;  // (most frames: no pair to look for)
  }
  for (bool joined = true; joined;) {
    joined = false;
    for (size_t i = 0; i < patches->size() && !joined; ++i) {
      for (size_t j = i + 1; j < patches->size() && !joined; ++j) {
        if (!joinable((*patches)[i], (*patches)[j])) continue;
        (*patches)[i].rect |= (*patches)[j].rect;
        patches->erase(patches->begin() + static_cast<ptrdiff_t>(j));
        joined = true;
      }
    }
  }
}

// encode -> sequencer -> writer: what the SVG shows from ticket's time on.
// No patches and no move: the frame is identical to the previous one. The
// move, if any, is shown first, the patches over it.
struct EncodedFrame {
  FrameTicket ticket;
  std::optional<Move> move;
  std::vector<EncodedPatch> patches;
  std::optional<CursorSample> cursor;  // the frame's pointer, if recorded
  bool failed = false;
  // With a move: the pixels it shows in move->to (the rows dy away in the
  // frame frames_back before; a read-only view of that frame, kept alive
  // by moved_frame). The writer paints them as an image of their own when
  // it may not show the earlier frames again (its nesting bound). Empty
  // (in tests, say): not given, and the writer shows the earlier images.
  cv::Mat moved_pixels;
  FramePtr moved_frame;
  // With a move: what this frame shows around its band (ContextAround
  // move->to; the band is at band_inside), kept alive by shown_frame. The
  // context of the sprites the writer cuts from moved_pixels when it paints
  // the band, or its last rows, afresh: what a browser scaling the SVG
  // should find past their edges. Empty (in tests, say): their edges
  // repeated.
  cv::Mat band_context;
  cv::Point band_inside;
  FramePtr shown_frame;
  // FrameChanges's: the writer keeps what it showed in an anchor frame
  // until it is dropped, so that a later move may show it again.
  std::optional<uint64_t> new_anchor;
  std::vector<uint64_t> anchors_dropped;
};

using EncodedFramePtr = std::shared_ptr<const EncodedFrame>;

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PATCH_H_
