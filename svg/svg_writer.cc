#include "svg/svg_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include "capture/manifest.h"
#include "processing/grey_split.h"
#include "processing/png_encoder.h"
#include "processing/webp_codec.h"
#include "svg/base64.h"

namespace svgcast {
namespace {

uint64_t Fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (uint8_t b : bytes) {
    hash ^= b;
    hash *= 1099511628211ull;
  }
  return hash;
}

// 0 -> "a", 25 -> "z", 26 -> "A", 51 -> "Z", 52 -> "ba", ...: short ids made
// of letters only (valid XML names).
std::string IdFor(uint64_t n) {
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id;
  do {
    id.insert(id.begin(), kLetters[n % 52]);
    n /= 52;
  } while (n != 0);
  return id;
}

std::string Attr(const char* name, int value) {
  return std::string(" ") + name + "=\"" + std::to_string(value) + "\"";
}

// ' x="1" y="2"', each left out where it is 0 (the default).
std::string PlaceAttrs(cv::Point at) {
  return (at.x != 0 ? Attr("x", at.x) : std::string()) +
         (at.y != 0 ? Attr("y", at.y) : std::string());
}

// ' x="1" y="2" width="3" height="4"' (x and y left out where 0).
std::string BoxAttrs(const cv::Rect& box) {
  return PlaceAttrs(box.tl()) + Attr("width", box.width) +
         Attr("height", box.height);
}

// "96.29629254%": a share of the period, a little below the exact share,
// so that at the instant it ends an element is hidden in every browser:
// the largest 32-bit float at least 1e-12 below the share, then floored to
// 1e-8 %. Gecko keeps keyframe offsets as 32-bit floats (96.29629629%
// became 0.96296298..., above 2600/2700, and kept the element visible at
// the restart), and Blink's progress can fall a hair short of the exact
// share (3500 ms into a 1600 ms period is 2.18749999...). So the element
// hides up to 6e-8 of the period early (0.2 us of a 3 s period, 0.2 ms of
// an hour), never late.
std::string Percent(int64_t part_us, int64_t period_us) {
  const double share =
      static_cast<double>(part_us) / static_cast<double>(period_us);
  float offset = static_cast<float>(share);
  while (offset > 0 && static_cast<double>(offset) > share - 1e-12) {
    offset = std::nextafter(offset, 0.0f);
  }
  // In units of 1e-8 % (1e-10 of the period), floored.
  const auto units =
      static_cast<int64_t>(std::floor(static_cast<double>(offset) * 1e10));
  std::string digits = std::to_string(units % 100'000'000);
  digits.insert(0, 8 - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return std::to_string(units / 100'000'000) +
         (digits.empty() ? "" : "." + digits) + "%";
}

const char* DataPrefix(ImageFormat format) {
  return format == ImageFormat::kWebp ? " href=\"data:image/webp;base64,"
                                      : " href=\"data:image/png;base64,";
}

// Placeholders in a frame's markup, replaced when it is written (its end,
// and whether a move shows it again, are known only then): where the
// frame opens and closes (a <g> with the frame's style; inside it, a <g>
// with an id when a move shows the frame again), and where a frame of one
// element carries the style itself when it is not wrapped.
constexpr char kStyleMark = '\x01';
constexpr char kFrameOpen = '\x02';
constexpr char kFrameClose = '\x03';
// A move shows an earlier frame again only if the browser's copy of it
// stays small: at most this many moves nested inside it, and this many
// elements in all (with the copies inside it). A move shows the frame
// before it again, so without a bound the copies nest as deep as the
// screencast is long, and, as each refers to more than one on average,
// grow exponentially (Chromium could not even load a 269-frame terminal
// recording). Past the bound the band is shown from the images that
// painted its pixels, no frame again: a keyframe the writer makes, that
// costs markup but no pixels (the pipeline makes none since 13 px and 20
// px log recordings were 31% and 38% smaller without its every-8th-frame
// keyframes, and the bound is what keeps a browser's copies few: at 32,
// Chromium drew the 13 px one 17% slower than with those keyframes, at 24
// 2% slower, for 1-6% more bytes than at 32). Where those images are many
// small ones (a line typed a character at a time: a rectangle for every
// few pixels, 9.5 and 12 MB instead of 0.45 on two logs once), the band is
// painted from the move's pixels instead (PaintingPays). Until the images
// went through patterns in frames shown again (ImagePattern), the band was
// always painted past the bound; shown from its images, a coloured log is
// 21% smaller, a 13 px log 9%, `man` 5% and a web page 20%. Since sheets
// copied often are patterns (no copy copies an image), copies are cheap
// enough for a bound of 48 in Chromium and Firefox (on a coloured log and
// a 13 px one, 24 -> 48 made them 14% and 11% smaller, Firefox opened them
// in 1.4 and 1.5 s instead of 0.9 and 0.6), but not in WebKit (Safari's
// engine): with a bound of 48 it played those logs at a frame every
// 1.1-2.3 s, with 24 every 23-57 ms; 32 was smooth on the 13 px log only
// (the coloured one, a frame every 0.7-1 s). Hence 24.
constexpr int kMaxMoveDepth = 24;
constexpr int64_t kMaxCopyElements = 8192;
// Nor more than this many frames' area of painting in all (a copy of a
// frame paints everything the frame paints, its own copies included, in
// full: browsers expand <use> into a tree and do not share it). Where two
// bands move in turn (a web page: its text column, then all the window
// with the scroll bar), each frame shows two earlier ones again and the
// copies grow as a Fibonacci series within the depth bound: a 1280x720
// recording of Chromium scrolling a page painted 150 frames' area to draw
// one, Chromium took 10 s a picture and played a frame every 8.7 s, and
// WebKit did not open it in a minute. The pipeline now keeps that page's
// moves to one band, but the bound still pays there: without it WebKit
// played a frame every 14.7 s, with 8 every 1.8 s, with 4 every 16 ms
// (8% more bytes); the terminal logs paint at most 4.3 frames' area and
// change by 0.4%.
constexpr int64_t kMaxCopyPaintFrames = 4;
// A move's band is painted from its pixels instead when the pieces that
// would show it (about kMovePieceBytes each) cost more than the image (its
// file in base64 and kImageTagBytes of tag); encoded to find out only when
// the pieces cost at least kMinPaintedBandBytes.
constexpr size_t kMovePieceBytes = 80;
constexpr size_t kImageTagBytes = 80;
constexpr size_t kMinPaintedBandBytes = 2048;
// A band painted from its pixels is cut into sprites of at most this many
// pixels (as big as the pipeline sends); its last rows alone
// (SvgWriter::TailToPaint) are painted when they are at most one such
// sprite and that is smaller than the pieces that would show them.
constexpr int64_t kMaxSpriteAreaPx = 64 * 1024;

// A frame is kept this long (bytes of markup in all) before it is written,
// for a later frame to cover it.
constexpr size_t kWindowBytes = 16 << 20;
// A row of sprites (SvgWriter::Row) is written once its frames' markup
// reaches this much, and a new one begun: what it holds is in memory.
constexpr size_t kRowBytes = 1 << 20;
// A covered frame gets an end when its patches cover this many pixels (or
// a quarter of the frame).
constexpr int64_t kEndMinAreaPx = 256 * 256;
// The widest row of sprites on a PNG sheet of one byte a pixel, and on
// one of three (RGB; see RowPx).
constexpr int kPngRowPx = 512;
constexpr int kRgbPngRowPx = 8192;

// "#0a0b0c" for 0x0A0B0C; "#abc" for 0xAABBCC (CSS's three digits, each
// doubled: a terminal's black fills, 0.15% of `man bash`).
std::string HexColour(uint32_t rgb) {
  rgb &= 0xFFFFFFu;
  char text[8];
  if ((rgb >> 4 & 0x0F0F0Fu) == (rgb & 0x0F0F0Fu)) {
    std::snprintf(text, sizeof(text), "#%x%x%x", rgb >> 16 & 0xFu,
                  rgb >> 8 & 0xFu, rgb & 0xFu);
  } else {
    std::snprintf(text, sizeof(text), "#%06x", rgb);
  }
  return text;
}

}  // namespace

SvgWriter::SvgWriter(cv::Size size, OutputFile* out, TimingOptions timing,
                     SheetOptions sheets)
    : size_(size),
      out_(out),
      sheet_options_(sheets),
      sheet_(sheets.width_px, sheets.align_px),
      timeline_(timing) {}

void SvgWriter::WriteHeaderOnce() {
  if (header_written_) return;
  header_written_ = true;
  const std::string w = std::to_string(size_.width);
  const std::string h = std::to_string(size_.height);
  // The settings that are not the defaults, for encoding it again
  // (ScreencastSettings, svg/svg_reader.h).
  std::string settings;
  if (sheet_options_.codec == ImageFormat::kWebp) settings += " --codec webp";
  if (sheet_options_.align_px != 2) {
    settings += " --align " + std::to_string(sheet_options_.align_px);
  }
  out_->Write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w +
              "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
              "\">\n<metadata>svgcast 2" + settings + "</metadata>\n" +
              (timeline_.options().loop
                   ? "<style>[style]{visibility:hidden;"
                     "animation-delay:var(--d)}</style>\n"
                   : "<style>[style]{animation:a 0s var(--d) both}"
                     "@keyframes a{from{visibility:hidden}}</style>\n"));
}

const SvgWriter::StoredImage* SvgWriter::Find(const PngBytes& png) {
  auto it = stored_.find(Fnv1a(*png));
  if (it == stored_.end()) return nullptr;
  for (const StoredImage& image : it->second) {
    if (*image.png == *png) return &image;
  }
  return nullptr;
}

bool SvgWriter::IsNewImage(const EncodedPatch& patch) {
  return !patch.fill && patch.sprite.empty() && Find(patch.png) == nullptr;
}

SvgWriter::Source SvgWriter::AppendPatch(const EncodedPatch& patch,
                                         const std::string& style,
                                         std::vector<Piece>* pieces) {
  std::string* markup = &pieces->back().text;
  const cv::Rect& rect = patch.rect;
  if (patch.fill) {
    *markup += "<rect" + style + RectBox(rect) + " fill=\"" +
               HexColour(*patch.fill) + "\"/>";
    stats_.fills += 1;
    Source source;
    source.colour = *patch.fill;
    return source;
  }
  if (!patch.sprite.empty()) {
    if (patch.sprite.size() != rect.size()) {
      throw std::logic_error("SVG writer: a sprite not the size of its patch");
    }
    const size_t sprite =
        sheet_.Add(patch.sprite, patch.sprite_context, patch.sprite_inside);
    pieces->back().sprite = sprite;
    pieces->back().at = rect.tl();
    pieces->back().style = style;
    pieces->push_back(Piece{});
    stats_.sprites += 1;
    Source source;
    source.kind = Source::Kind::kSprite;
    source.sprite = sprite;
    source.at = rect.tl();
    return source;
  }
  // An image already written with these bytes: placed again.
  if (const StoredImage* earlier = Find(patch.png); earlier != nullptr) {
    *markup += "<use" + style + " href=\"#" + earlier->id + "\"" +
               Attr("x", rect.x - earlier->origin.x) +
               Attr("y", rect.y - earlier->origin.y) + "/>";
    stats_.reused += 1;
    Source source;
    source.kind = Source::Kind::kElement;
    source.id = earlier->id;
    source.offset = rect.tl() - earlier->origin;
    return source;
  }
  const std::vector<uint8_t>& bytes = *patch.png;
  std::vector<StoredImage>& same_hash = stored_[Fnv1a(bytes)];
  StoredImage image{patch.png, IdFor(next_id_++), rect.tl()};
  *markup += "<image id=\"" + image.id + "\"" + BoxAttrs(rect) +
             DataPrefix(patch.format);
  AppendBase64(bytes.data(), bytes.size(), markup);
  *markup += "\"/>";
  stats_.images += 1;
  stats_.png_bytes += bytes.size();
  Source source;
  source.kind = Source::Kind::kElement;
  source.id = image.id;
  same_hash.push_back(std::move(image));
  return source;
}

void SvgWriter::Maps::Allocate(cv::Size size) {
  owner = cv::Mat(size, CV_32SC1, cv::Scalar(-1));
  source = cv::Mat(size, CV_32SC1, cv::Scalar(-1));
  shift = cv::Mat(size, CV_32SC1, cv::Scalar(0));
}

SvgWriter::Maps SvgWriter::Maps::Clone(const cv::Rect& rect) const {
  return Maps{owner(rect).clone(), source(rect).clone(), shift(rect).clone()};
}

void SvgWriter::Maps::CopyTo(Maps* to, const cv::Rect& rect) const {
  if (rect.empty()) return;
  owner(rect).copyTo(to->owner(rect));
  source(rect).copyTo(to->source(rect));
  shift(rect).copyTo(to->shift(rect));
}

void SvgWriter::Paint(const cv::Rect& rect, const cv::Mat& painted,
                      Source source) {
  const int32_t number = static_cast<int32_t>(sources_.size());
  if (source.kind == Source::Kind::kSprite) {
    open_sprite_sources_.push_back(sources_.size());
  }
  sources_.push_back(std::move(source));
  for (int y = 0; y < rect.height; ++y) {
    int32_t* which = maps_.source.ptr<int32_t>(rect.y + y) + rect.x;
    int32_t* shift = maps_.shift.ptr<int32_t>(rect.y + y) + rect.x;
    const uint8_t* mask = painted.empty() ? nullptr : painted.ptr<uint8_t>(y);
    for (int x = 0; x < rect.width; ++x) {
      if (mask != nullptr && mask[x] == 0) continue;
      which[x] = number;
      shift[x] = 0;
    }
  }
}

SvgWriter::Maps SvgWriter::SourceRows(uint64_t seq, const Move& move) const {
  const cv::Rect& to = move.to;
  const cv::Rect from = to + cv::Point(0, move.dy);
  if ((to & cv::Rect(cv::Point(), size_)) != to ||
      (from & cv::Rect(cv::Point(), size_)) != from) {
    throw std::logic_error("SVG writer: a move outside the frame");
  }
  const int back = move.frames_back;
  const auto anchor = back > 2 && seq >= static_cast<uint64_t>(back)
                          ? anchor_maps_.find(seq - static_cast<uint64_t>(back))
                          : anchor_maps_.end();
  if (back < 1 || frames_seen_ < static_cast<uint64_t>(back) ||
      (back > 2 && anchor == anchor_maps_.end())) {
    throw std::logic_error("SVG writer: a move from " + std::to_string(back) +
                           " frames back");
  }
  const Maps& then =
      back == 1 ? maps_ : (back == 2 ? maps_before_ : anchor->second);
  return then.Clone(from);
}

bool SvgWriter::Referable(int32_t serial) const {
  if (serial < 0 || static_cast<uint64_t>(serial) < first_entry_) return false;
  const Entry& e = window_[serial - first_entry_];
  return e.depth < kMaxMoveDepth && e.elements <= kMaxCopyElements &&
         e.paint_px <= kMaxCopyPaintFrames * size_.area();
}

namespace {

// The pixels (BGRX), opaque: the fourth byte of a captured pixel is not
// alpha.
cv::Mat Opaque(const cv::Mat& bgrx) {
  cv::Mat opaque = bgrx.clone();
  for (int y = 0; y < opaque.rows; ++y) {
    uint32_t* row = opaque.ptr<uint32_t>(y);
    for (int x = 0; x < opaque.cols; ++x) row[x] |= 0xFF000000u;
  }
  return opaque;
}

}  // namespace

size_t SvgWriter::GuessImageBytes(const cv::Mat& pixels) {
  // (The pixels alone, as a PNG at default effort, in base64.)
  std::vector<uint8_t> png;
  if (!EncodePng(Opaque(pixels), PngOptions{}, &png).ok()) {
    throw std::runtime_error("SVG writer: a band's pixels would not encode");
  }
  return (png.size() + 2) / 3 * 4;
}

bool SvgWriter::PaintingPays(const std::vector<MoveRun>& runs,
                             const cv::Mat& pixels) const {
  // A piece is an <svg> with its box and a <use> (about 80 bytes); the
  // band's sprites cost their pixels on a sheet (guessed as an image of
  // their own, which usually costs more) and their markup. Encoded only
  // when the pieces are many (a scrolling log's band is a few pieces).
  const size_t pieces_bytes = runs.size() * kMovePieceBytes;
  if (pieces_bytes < kMinPaintedBandBytes) return false;
  return GuessImageBytes(pixels) + kImageTagBytes < pieces_bytes;
}

int SvgWriter::TailToPaint(const std::vector<MoveRun>& runs, const cv::Rect& to,
                           const cv::Mat& pixels) const {
  // From the bottom up: each even row where a run starts, with the pieces
  // that start there or below it (dropped; those that start above it stay
  // whole, under the sprite). The sprite's cost is guessed from a PNG of
  // those rows alone (on a sheet it usually costs less).
  if (pixels.size() != to.size() || to.width > sheet_options_.width_px) {
    return -1;
  }
  std::vector<int> starts;
  const int a = std::max(1, sheet_options_.align_px);
  for (const MoveRun& run : runs) starts.push_back(AlignDown(run.y0, a));
  std::sort(starts.begin(), starts.end(), std::greater<>());
  int best = -1;
  size_t best_gain = 0;
  for (size_t n = 0; n < starts.size();) {
    const int row = starts[n];
    while (n < starts.size() && starts[n] == row) ++n;
    const size_t pieces_bytes = n * kMovePieceBytes;
    if (row <= 0) break;  // (the whole band: PaintingPays)
    if (static_cast<int64_t>(to.height - row) * to.width > kMaxSpriteAreaPx) {
      break;
    }
    if (pieces_bytes < kMinPaintedBandBytes) continue;
    const size_t cost =
        GuessImageBytes(pixels.rowRange(row, to.height)) + kMovePieceBytes;
    if (cost < pieces_bytes && pieces_bytes - cost > best_gain) {
      best = row;
      best_gain = pieces_bytes - cost;
    }
  }
  return best;
}

void SvgWriter::AppendBandRows(const EncodedFrame& frame, int row,
                               std::vector<Piece>* pieces) {
  const cv::Rect& to = frame.move->to;
  const cv::Rect rows(to.x, to.y + row, to.width, to.height - row);
  // Sprites, so that a browser scaling the SVG finds past their edges what
  // the frame shows there (an image of its own repeats its edge: 46-48
  // levels off at 150% below a typed line), and so that on a sheet they
  // compress with the text painted before (the same lines, higher up):
  // tiles as big as the pipeline's sprites.
  const cv::Point origin = to.tl() - frame.band_inside;
  std::vector<cv::Rect> parts;
  for (const cv::Rect& tile :
       SpriteTiles(rows, kMaxSpriteAreaPx, sheet_options_.width_px,
                   sheet_options_.align_px)) {
    if (frame.band_context.empty() ||
        sheet_options_.codec != ImageFormat::kPng) {
      parts.push_back(tile);
      continue;
    }
    // Its grey parts apart, for the grey sheet, as the pipeline's patches
    // (processing/grey_split.h; PNG only: a log in colour 31% smaller).
    const cv::Rect around =
        ContextAround(tile, cv::Rect(origin, frame.band_context.size()));
    for (const cv::Rect& part :
         CutGreyApart(frame.band_context(around - origin), around.tl(), tile)) {
      parts.push_back(part);
    }
  }
  for (const cv::Rect& rect : parts) {
    EncodedPatch tile;
    tile.rect = rect;
    tile.sprite = frame.moved_pixels(tile.rect - to.tl()).clone();
    if (!frame.band_context.empty()) {
      // What the frame shows around it, as far as band_context goes
      // (kSpriteContextPx, or the frame's edge), with the sprite inside.
      const cv::Rect around =
          ContextAround(tile.rect, cv::Rect(origin, frame.band_context.size()));
      if ((around & tile.rect) != tile.rect) {
        throw std::logic_error("SVG writer: a band's context not around it");
      }
      tile.sprite_context = frame.band_context(around - origin).clone();
      tile.sprite_inside = tile.rect.tl() - around.tl();
      tile.sprite.copyTo(
          tile.sprite_context(cv::Rect(tile.sprite_inside, tile.rect.size())));
    }
    Paint(tile.rect, cv::Mat(), AppendPatch(tile, std::string(), pieces));
  }
}

std::vector<SvgWriter::MoveRun> SvgWriter::PlanMove(const Move& move,
                                                    const Maps& rows,
                                                    bool sources_only) const {
  const cv::Rect& to = move.to;
  // What the band will show: the sources of the rows dy away, moved.
  const cv::Mat& which = rows.source;
  const cv::Mat& shift = rows.shift;
  const cv::Mat& owners = rows.owner;
  // The frames that showed those pixels then. A frame still in the window,
  // written as a group, is shown again whole (one <use> of it, clipped to
  // the box of its pixels); drawn oldest first, each frame is transparent
  // where a newer one painted over it, so the layers add up to what the
  // source rows show. The pixels of other frames are cut into rectangles
  // of one source and shift, each shown again from that source.
  std::map<int32_t, cv::Rect> boxes;  // referable owner -> its pixels' box
  std::vector<MoveRun> done, open, next;
  for (int y = 0; y <= to.height; ++y) {
    next.clear();
    size_t o = 0;
    for (int x = 0; y < to.height && x < to.width;) {
      const int32_t j = owners.at<int32_t>(y, x);
      if (!sources_only && Referable(j)) {
        cv::Rect& box = boxes[j];
        box = box.empty() ? cv::Rect(x, y, 1, 1) : box | cv::Rect(x, y, 1, 1);
        ++x;
        continue;
      }
      const int32_t s = which.at<int32_t>(y, x);
      const int32_t d = shift.at<int32_t>(y, x);
      if (s < 0) throw std::logic_error("SVG writer: a move of nothing");
      int end = x + 1;
      while (end < to.width && owners.at<int32_t>(y, end) == j &&
             which.at<int32_t>(y, end) == s && shift.at<int32_t>(y, end) == d) {
        ++end;
      }
      while (o < open.size() && open[o].x0 < x) done.push_back(open[o++]);
      if (o < open.size() && open[o].x0 == x && open[o].x1 == end &&
          open[o].owner == j && open[o].source == s && open[o].shift == d) {
        next.push_back(open[o++]);
        next.back().y1 = y + 1;
      } else {
        next.push_back(MoveRun{x, end, y, y + 1, j, s, d});
      }
      x = end;
    }
    while (o < open.size()) done.push_back(open[o++]);
    std::swap(open, next);
  }
  for (auto [j, box] : boxes) {
    // Two pixels bigger, then on even pixels, as the band is. A bigger box
    // is still right: where the frame did not paint it is transparent, and
    // the frames drawn after it paint their own pixels. Bigger, a browser
    // scaling the SVG draws the frame's edge as it did where it was first
    // shown (at 150% a screen pixel just past it samples a sixth of its
    // edge pixel; clipped there, only the older frame under it was
    // sampled: 48 levels off on a terminal recording). Even, it clips
    // where it clips the frames' patches (at 150% an odd edge falls inside
    // a screen pixel and blends with what is under it).
    const int m = kSpriteContextPx;
    box = cv::Rect(box.x - m, box.y - m, box.width + 2 * m, box.height + 2 * m);
    box = AlignOutward(box, std::max(1, sheet_options_.align_px)) &
          cv::Rect(0, 0, to.width, to.height);
    done.push_back(MoveRun{box.x, box.br().x, box.y, box.br().y, j, -1, 0});
  }
  // Oldest frame first; within one, top to bottom, left to right.
  std::stable_sort(done.begin(), done.end(),
                   [](const MoveRun& a, const MoveRun& b) {
                     return a.owner != b.owner ? a.owner < b.owner
                            : a.y0 != b.y0     ? a.y0 < b.y0
                                               : a.x0 < b.x0;
                   });
  return done;
}

SvgWriter::Nesting SvgWriter::AppendMove(const Move& move, const Maps& rows,
                                         const std::vector<MoveRun>& done,
                                         std::vector<Piece>* pieces) {
  const cv::Rect& to = move.to;
  Nesting nesting;
  for (const MoveRun& run : done) {
    const cv::Rect clip(to.x + run.x0, to.y + run.y0, run.x1 - run.x0,
                        run.y1 - run.y0);
    const cv::Point shifted(0, run.shift);
    const std::string box = BoxAttrs(clip);
    std::string& markup = pieces->back().text;
    if (run.source < 0) {  // a whole earlier frame, moved
      Entry& e = window_[run.owner - first_entry_];
      if (e.ref_id.empty()) e.ref_id = IdFor(next_id_++);
      nesting.depth = std::max(nesting.depth, e.depth + 1);
      nesting.elements += e.elements;
      nesting.paint_px += e.paint_px;
      const cv::Point u = cv::Point(0, -move.dy) - clip.tl();
      markup += "<svg" + box + "><use href=\"#" + e.ref_id + "\"" +
                PlaceAttrs(u) + "/></svg>";
      continue;
    }
    nesting.paint_px += clip.area();
    Source& source = sources_[run.source];
    if (source.kind == Source::Kind::kFill) {
      markup += "<rect" + box + " fill=\"" + HexColour(source.colour) + "\"/>";
    } else if (source.kind == Source::Kind::kSprite) {
      pieces->back().sprite = source.sprite;
      pieces->back().at = source.at - shifted;
      pieces->back().clip = clip;
      pieces->push_back(Piece{});
    } else {
      if (source.kind == Source::Kind::kLoose) {
        // Written alone, without an id: once more, in <defs>, with one.
        // (Ahead of every frame still in the window.)
        source.id = IdFor(next_id_++);
        std::string defs = "<defs><image id=\"" + source.id + "\"" +
                           Attr("width", source.size.width) +
                           Attr("height", source.size.height) +
                           DataPrefix(source.format);
        AppendBase64(source.file->data(), source.file->size(), &defs);
        out_->Write(defs + "\"/></defs>\n");
        stats_.images += 1;
        stats_.png_bytes += source.file->size();
        source.kind = Source::Kind::kElement;
        source.file.reset();
      }
      const cv::Point u = source.offset - shifted - clip.tl();
      if (source.pattern) {
        // (Its pattern ahead of every frame still in the window.)
        std::string defs;
        const std::string id = PatternFor(source.id, clip, u, &defs);
        if (!defs.empty()) out_->Write("<defs>" + defs + "</defs>\n");
        markup += "<rect" + box + " fill=\"url(#" + id + ")\"/>";
        continue;
      }
      // (Its markup made when the frame is written: SheetUse. The image may
      // be in a frame still in the window.)
      pieces->back().sheet_box = clip;
      pieces->back().sheet_id = source.id;
      pieces->back().sheet_moved = u;
      pieces->push_back(Piece{});
    }
  }
  rows.source.copyTo(maps_.source(to));
  rows.shift.copyTo(maps_.shift(to));
  stats_.moves += 1;
  stats_.moved_pieces += done.size();
  return nesting;
}

void SvgWriter::Emit(std::vector<Piece> pieces, bool poster, bool bare,
                     const Nesting& nesting, int64_t since_us, int64_t area_px,
                     int64_t paint_px) {
  Entry entry;
  entry.poster = poster;
  entry.bare = bare;
  entry.depth = nesting.depth;
  entry.elements = nesting.elements;
  entry.paint_px = nesting.paint_px + paint_px;
  entry.since_us = since_us;
  entry.area_px = area_px;
  for (const Piece& piece : pieces) {
    entry.bytes += piece.text.size() + 100;
    entry.sprites_waiting += piece.sprite != kNoSprite;
    // (Its own elements: start tags; a sprite is an <svg> and a <use>.)
    for (size_t at = piece.text.find('<'); at != std::string::npos;
         at = piece.text.find('<', at + 1)) {
      entry.elements += at + 1 < piece.text.size() && piece.text[at + 1] != '/';
    }
    entry.elements +=
        piece.sprite != kNoSprite || !piece.sheet_id.empty() ? 2 : 0;
  }
  own_elements_ += entry.elements - nesting.elements;
  copied_elements_ += nesting.elements;
  entry.pieces = std::move(pieces);
  window_bytes_ += entry.bytes;
  window_.push_back(std::move(entry));
  if (sheet_.area_px() >= sheet_options_.max_area_px) FlushSheet();
  Drain(/*all=*/false);
}

void SvgWriter::Drain(bool all) {
  while (!window_.empty() && window_.front().sprites_waiting == 0 &&
         (all || window_bytes_ > kWindowBytes)) {
    WriteEntry(window_.front());
    window_bytes_ -= window_.front().bytes;
    window_.pop_front();
    first_entry_ += 1;
  }
}

std::string SvgWriter::Expand(const Entry& entry) {
  const bool ends = entry.until_us >= 0;
  if (ends) {
    stats_.covered += 1;
    any_end_ = true;
  }
  // (Made only when used: when looping, it names keyframes to write.)
  std::string style;
  auto style_attribute = [&]() -> const std::string& {
    if (style.empty()) {
      style = " style=\"" +
              Timing(/*pointer=*/false, entry.since_us, entry.until_us) + "\"";
    }
    return style;
  };
  // A frame of one element is that element with the style, unless a move
  // shows it again: a copy of it must not carry the style (it would hide
  // with the frame), so then it is wrapped as a group is. The poster's
  // group has a style only when it ends.
  const bool shown_again = !entry.ref_id.empty();
  const bool wrapped = !entry.bare || shown_again;
  static constexpr char kMarks[] = {kStyleMark, kFrameOpen, kFrameClose, 0};
  std::string markup;
  std::string defs;
  std::string with_sprite;
  for (const Piece& piece : entry.pieces) {
    // (A sprite of a sheet written as an image is made now: SheetUse.)
    if (!piece.sheet_id.empty()) {
      with_sprite = piece.text + SheetUse(piece, shown_again, &defs);
    }
    const std::string& text = piece.sheet_id.empty() ? piece.text : with_sprite;
    for (size_t at = 0; at < text.size();) {
      const size_t mark = std::min(text.find_first_of(kMarks, at), text.size());
      markup.append(text, at, mark - at);
      if (mark == text.size()) break;
      const bool outer = wrapped && (!entry.poster || ends);
      if (text[mark] == kStyleMark) {
        if (!wrapped) markup += style_attribute();
      } else if (text[mark] == kFrameOpen) {
        if (outer) markup += "<g" + style_attribute() + ">";
        if (shown_again) markup += "<g id=\"" + entry.ref_id + "\">";
      } else {
        if (shown_again) markup += "</g>";
        if (outer) markup += "</g>";
      }
      at = mark + 1;
    }
  }
  return defs.empty() ? markup : "<defs>" + defs + "</defs>\n" + markup;
}

void SvgWriter::WriteEntry(const Entry& entry) {
  std::string markup = Expand(entry);
  // A frame of one sprite, as written alone (and never shown again: it has
  // left the window).
  const Piece* sprite = nullptr;
  if (entry.bare && entry.until_us < 0 && entry.ref_id.empty() &&
      entry.pieces.size() == 2 && !entry.pieces[0].sheet_box.empty() &&
      entry.pieces[0].clip.empty() &&
      entry.pieces[0].style == std::string(1, kStyleMark) &&
      entry.pieces[0].text == std::string(1, kFrameOpen) &&
      entry.pieces[1].text == std::string(1, kFrameClose) + "\n") {
    sprite = &entry.pieces[0];
  }
  const bool joins = sprite != nullptr && !row_.sprites.empty() &&
                     sprite->sheet_box.y == row_.y &&
                     sprite->sheet_box.height == row_.height &&
                     row_.alone.size() < kRowBytes;
  if (!joins) FlushRow();
  if (sprite == nullptr) {
    out_->Write(markup);
    return;
  }
  const cv::Rect& box = sprite->sheet_box;
  row_.y = box.y;
  row_.height = box.height;
  row_.alone += markup;
  row_.sprites.push_back({Timing(/*pointer=*/false, entry.since_us, -1), box,
                          sprite->sheet_id, sprite->sheet_moved});
}

void SvgWriter::FlushRow() {
  if (row_.sprites.empty()) return;
  // How many sprites show each sheet's rows at each y.
  std::map<std::pair<std::string, int>, size_t> shared;
  for (const RowSprite& s : row_.sprites) {
    if (s.moved.y != 0) shared[{s.sheet, s.moved.y}] += 1;
  }
  // An alias where it saves more than it costs (ids as long as its name
  // would be: they are given out only to those kept, in order).
  std::map<std::pair<std::string, int>, std::string> aliases;
  std::string defs;
  for (const auto& [key, sprites] : shared) {
    const std::string id = IdFor(next_id_);
    const std::string alias = "<use id=\"" + id + "\" href=\"#" + key.first +
                              "\"" + Attr("y", key.second) + "/>";
    const int64_t saved = static_cast<int64_t>(sprites) *
                          (static_cast<int64_t>(Attr("y", key.second).size()) -
                           static_cast<int64_t>(id.size()) +
                           static_cast<int64_t>(key.first.size()));
    constexpr std::string_view kDefs = "<defs></defs>";
    const int64_t cost =
        static_cast<int64_t>(alias.size() + (defs.empty() ? kDefs.size() : 0));
    if (saved <= cost) continue;
    next_id_ += 1;
    aliases[key] = id;
    defs += alias;
  }
  std::string row = "<svg" + (row_.y != 0 ? Attr("y", row_.y) : std::string()) +
                    Attr("height", row_.height) + ">\n";
  if (!defs.empty()) row += "<defs>" + defs + "</defs>\n";
  for (const RowSprite& s : row_.sprites) {
    const auto alias = aliases.find({s.sheet, s.moved.y});
    const bool aliased = alias != aliases.end();
    row += "<svg style=\"" + s.timing + "\"" +
           (s.box.x != 0 ? Attr("x", s.box.x) : std::string()) +
           Attr("width", s.box.width) + "><use href=\"#" +
           (aliased ? alias->second : s.sheet) + "\"" +
           (s.moved.x != 0 ? Attr("x", s.moved.x) : std::string()) +
           (!aliased && s.moved.y != 0 ? Attr("y", s.moved.y) : std::string()) +
           "/></svg>\n";
  }
  row += "</svg>\n";
  if (row.size() < row_.alone.size()) {
    out_->Write(row);
    stats_.rows += 1;
  } else {
    out_->Write(row_.alone);
  }
  row_ = Row{};
}

bool SvgWriter::WorthAnEnd(const Entry& entry) const {
  // Not the poster when looping: at the very instant a period ends and the
  // next begins, Blink may show every element as at the end of its period,
  // and then only an element without an end shows. Only a large frame is
  // worth the bytes of an end: a browser spends little on a small one.
  return (!entry.poster || !timeline_.options().loop) &&
         entry.area_px >= std::min<int64_t>(kEndMinAreaPx, size_.area() / 4);
}

void SvgWriter::TakeOver(const EncodedPatch& patch, uint64_t serial,
                         int64_t time_us) {
  if (owned_px_.size() <= serial) owned_px_.resize(serial + 1, 0);
  const int32_t now = static_cast<int32_t>(serial);
  for (int y = 0; y < patch.rect.height; ++y) {
    int32_t* owner = maps_.owner.ptr<int32_t>(patch.rect.y + y) + patch.rect.x;
    const uint8_t* painted =
        patch.painted.empty() ? nullptr : patch.painted.ptr<uint8_t>(y);
    for (int x = 0; x < patch.rect.width; ++x) {
      const int32_t before = owner[x];
      if (before == now || (painted != nullptr && painted[x] == 0)) continue;
      owner[x] = now;
      owned_px_[serial] += 1;
      if (before < 0) continue;
      const uint64_t earlier = static_cast<uint64_t>(before);
      if (--owned_px_[earlier] == 0 && earlier >= first_entry_) {
        // Every pixel it showed is painted over from now on: it may go.
        Entry& entry = window_[earlier - first_entry_];
        if (WorthAnEnd(entry)) entry.until_us = time_us;
      }
    }
  }
}

namespace {

// Whether the sprites have at most 256 colours between them (one palette
// image could hold them all).
bool AtMost256Colours(const SpriteSheet& sheet) {
  std::unordered_set<uint32_t> colours;
  for (size_t n = 0; n < sheet.sprites(); ++n) {
    const cv::Mat& sprite = sheet.sprite(n);
    for (int y = 0; y < sprite.rows; ++y) {
      const uint32_t* row = sprite.ptr<uint32_t>(y);
      uint32_t last = 0xFFFFFFFFu;  // never a colour: X is dropped
      for (int x = 0; x < sprite.cols; ++x) {
        const uint32_t colour = row[x] & 0x00FFFFFFu;
        if (colour == last) continue;
        last = colour;
        colours.insert(colour);
        if (colours.size() > 256) return false;
      }
    }
  }
  return true;
}

// A packed sheet that a browser will copy many times is written as a
// <pattern> holding its <image>, and each of its sprites as a <rect>
// filled with a pattern of its own that inherits the sheet's (href) and
// shows the sprite's part of it (viewBox). Gecko copies what a <use> shows,
// and a move's <use> shows frames full of sprites, each a <use> of a sheet:
// for every copy of a sheet's <image> Firefox handles its whole data: URI
// (about 10 ms a MB). A coloured log of 274 frames (1 MB, 27,364 copies of
// its sheets' images, 4.7 GB of URIs) took it 53 s to open, 15 s with its
// sheets cut into strips of about 32 KB (svgcast before patterns); with
// the sheets as patterns no image is ever copied (a copy of a <rect> keeps
// its url(#id), a reference), and it opens in about 1.5 s (with the
// nesting bound of 48; 0.9 s with 24); Chromium too opens it faster (3.2
// -> 1.8 s) and plays it without dropping frames. A pattern per sprite, not
// one per sheet: Firefox renders a pattern's whole tile each time it
// paints with it (a sheet-sized tile drew a frame of the log in 3.6 s
// instead of 0.3). WebKit too copies an <image>'s data with each <use> of
// it: without patterns, it could not draw the logs in a minute. The
// pattern costs bytes (about 70 a sprite in user space, fewer in box
// units, see kPatternSheetUnits; every sheet a pattern costs the demo 5.8%
// and the 17 px typed session 5.7%), so only a
// sheet whose copies (a <use> for each time its sprites are shown, times
// the copies moves make of each element so far) times its size are over
// SheetOptions::copy_budget_bytes (64 MB, about 0.6 s of Firefox) is one:
// on the logs (about 20 copies an element), not on the demo (1.45), whose
// bytes stay as they were. The budget is for all the sheets written as
// images together, in the order they are written (a browser pays for every
// sheet's copies): a 1280x720 web page scrolling, replayed with
// --no-scroll, had 16 image sheets each under 64 MB of copies, and WebKit
// took 13.8 s to open it, Firefox 4.0 s (3.4 and 1.3 s with 7 of them as
// images, 1.2% more bytes).
//
// A sprite's pattern is in the units of the box it fills (the default
// patternUnits, objectBoundingBox; the sheet's width="1" height="1"): its
// tile is the <rect>'s box, whatever its place, and its viewBox the
// sprite's part of the sheet, of the box's size. So it names no place, and
// a sprite shown at another place (a line scrolled, or shown again past
// the nesting bound) takes the same pattern: 30-50 bytes a pattern less
// than a tile in user space with its own x, y, width and height (the 13 px
// log 247,436 -> 224,875 bytes). A browser scaling the SVG still filters the
// box's edge with the sheet's pixels beside it (the sprite's context) as it
// draws the sheet into the tile: the patterns fixture at 50% and 150%, and
// the coloured log and a web page at 150%, are as many levels off, on as
// many pixels, as with tiles two pixels wider, in all three engines.
constexpr char kPatternSheetUnits[] = " width=\"1\" height=\"1\"";

// That needs a box at even places and of even sizes, so that at 50% and
// 150% the tile's edges fall on device pixels (Chromium paints a pattern
// into a bitmap of its tile, then draws that). A box at an odd place (a
// band past the nesting bound shown from its sprites, moved by an odd
// number of rows) has a tile in user space (patternUnits="userSpaceOnUse"
// x y width height, as every sprite had before 243e7cf): the box and
// kPatternBleedPx around it, widened to even places and sizes. (Chromium's
// pattern sprites are still a little softer at 150% than the same pixels
// drawn as an image: up to 20 levels on 0.54% of a 13 px log's pixels;
// Firefox's are not.)
constexpr int kPatternBleedPx = 2;

// (Even: on multiples of SheetOptions::align_px, `a`.)
bool EvenBox(const cv::Rect& box, int a) { return AlignOutward(box, a) == box; }

cv::Rect PatternTile(const cv::Rect& box, int a) {
  const int b = kPatternBleedPx;
  return AlignOutward(
      cv::Rect(box.x - b, box.y - b, box.width + 2 * b, box.height + 2 * b), a);
}

// Grey sprites covering this many pixels go to a sheet of their own
// without trying one mixed RGB sheet: two bytes a pixel saved, before
// compression, against a second header (about 60 bytes).
constexpr int64_t kClearlyApartGreyPx = 64 * 64;

}  // namespace

Effort SvgWriter::SheetEffort() const {
  const std::atomic<bool>* hurry = sheet_options_.hurry;
  return hurry != nullptr && hurry->load()
             ? std::min(sheet_options_.effort, Effort::kDefault)
             : sheet_options_.effort;
}

int SvgWriter::RowPx(bool few_colours) const {
  // Deflate finds repeats up to 32 KB back: in a PNG sheet of one byte a
  // pixel (grey, or a palette) in 512-pixel rows, a glyph's row matches
  // the same glyph twice as many rows up as with 1024 (the demo: 182,072
  // -> 178,917 bytes). In an RGB sheet 32 KB is 13 rows of an 800-pixel
  // sprite, less than a line of text: there sprites of one height go side
  // by side, where like rows of like lines are a few KB apart (a coloured
  // terminal session 299,791 -> 265,247 bytes, a coloured log 1,811,342 ->
  // 1,541,448; rows of 4096: 264,112 and 1,651,451). WebP's matches are
  // 2-D and do better with the wider sheet (144,135 vs 144,976).
  if (sheet_options_.codec == ImageFormat::kWebp) return 0;
  return few_colours ? kPngRowPx : kRgbPngRowPx;
}

SvgWriter::EncodedSheet SvgWriter::EncodeSheet(const cv::Mat& pixels,
                                               Effort effort) const {
  // The smallest file: a PNG or, with --codec webp, WebP when smaller (both
  // encoded side by side).
  EncodedSheet sheet;
  sheet.size = pixels.size();
  PngOptions png_options;
  png_options.effort = effort;
  png_options.stop_zopfli = sheet_options_.hurry;
  png_options.zopfli_meter = sheet_options_.meter;
  const bool webp_too = sheet_options_.codec == ImageFormat::kWebp;
  Status png_status, webp_status;
  std::vector<uint8_t> webp;
  tbb::parallel_invoke(
      [&] {
        png_status = EncodePngWithEffort(pixels, png_options, &sheet.bytes);
      },
      [&] {
        // (A sheet WebP cannot hold, over 16383 pixels a side, stays PNG.)
        if (webp_too) {
          webp_status = EncodeWebp(pixels, effort, &webp, sheet_options_.hurry,
                                   sheet_options_.meter);
        }
      });
  if (!png_status.ok()) throw std::runtime_error(png_status.message());
  if (webp_too && webp_status.ok() && webp.size() < sheet.bytes.size()) {
    sheet.bytes = std::move(webp);
    sheet.format = ImageFormat::kWebp;
  }
  return sheet;
}

std::vector<SvgWriter::EncodedSheet> SvgWriter::PackSheets(
    std::vector<std::pair<size_t, size_t>>* where) const {
  // One sheet, or two: the grey sprites apart from the coloured ones, when
  // that is smaller (a mixed sheet is stored as colour: three bytes a
  // pixel for the grey text too).
  SpriteSheet parts[2] = {
      SpriteSheet(sheet_options_.width_px, sheet_options_.align_px),
      SpriteSheet(sheet_options_.width_px, sheet_options_.align_px)};
  std::vector<std::pair<size_t, size_t>> split(sheet_.sprites());
  for (size_t n = 0; n < sheet_.sprites(); ++n) {
    // (With its context: that goes on the sheet too.)
    const bool grey = IsGrey(sheet_.sprite(n)) &&
                      (sheet_.context(n).empty() || IsGrey(sheet_.context(n)));
    const size_t part = grey ? 0 : 1;
    split[n] = {part, parts[part].Add(sheet_.sprite(n), sheet_.context(n),
                                      sheet_.inside(n))};
  }
  // The sheets packed and encoded: the one, or the two parts, side by
  // side (TBB: the rest of the pipeline is idle at the final flush).
  using Encoded = std::vector<EncodedSheet>;
  auto encode = [&](bool apart, Effort effort) {
    const std::vector<const SpriteSheet*> which =
        apart ? std::vector<const SpriteSheet*>{&parts[0], &parts[1]}
              : std::vector<const SpriteSheet*>{&sheet_};
    Encoded sheets(which.size());
    tbb::parallel_for(size_t{0}, which.size(), [&](size_t k) {
      std::vector<cv::Point> places;
      const cv::Mat pixels =
          which[k]->Pack(&places, RowPx(AtMost256Colours(*which[k])));
      sheets[k] = EncodeSheet(pixels, effort);
      sheets[k].places = std::move(places);
    });
    return sheets;
  };
  const Effort effort = SheetEffort();
  bool apart = false;
  Encoded sheets;
  if (parts[0].empty() || parts[1].empty()) {
    sheets = encode(false, effort);
  } else if (parts[0].area_px() >= kClearlyApartGreyPx &&
             !AtMost256Colours(sheet_)) {
    // One sheet would be RGB: the grey sprites are clearly better apart
    // (decided without encoding it, which would cost as much again).
    apart = true;
    sheets = encode(true, effort);
  } else {
    // In doubt (one palette sheet stores grey at one byte a pixel too; a
    // second sheet's header may cost more than a few grey pixels save):
    // both, at default effort at most, and the smaller kept. (The second
    // sheet's markup, "<defs><image id=.. width=.. height=.. href=...
    // "/></defs>", is about 80 bytes: 60 of binary once base64'd.)
    constexpr size_t kSheetMarkupBytes = 60;
    const Effort decide = std::min(effort, Effort::kDefault);
    Encoded one, two;
    tbb::parallel_invoke([&] { one = encode(false, decide); },
                         [&] { two = encode(true, decide); });
    auto bytes = [](const Encoded& e) {
      size_t sum = 0;
      for (const EncodedSheet& sheet : e) {
        sum += sheet.bytes.size() + kSheetMarkupBytes;
      }
      return sum;
    };
    apart = bytes(two) < bytes(one);
    sheets = effort != decide ? encode(apart, effort)
             : apart          ? std::move(two)
                              : std::move(one);
  }
  if (!apart) {
    for (size_t n = 0; n < sheet_.sprites(); ++n) split[n] = {0, n};
  }
  *where = std::move(split);
  return sheets;
}

std::string SvgWriter::PatternFor(const std::string& sheet_id,
                                  const cv::Rect& box, cv::Point moved,
                                  std::string* defs) {
  // The tile: the box (see kPatternSheetUnits), or around it in user space.
  const int a = std::max(1, sheet_options_.align_px);
  const bool even = EvenBox(box, a);
  const cv::Rect tile = even ? box : PatternTile(box, a);
  // (The sheet's point shown at the tile's top left.)
  const cv::Point view = tile.tl() - box.tl() - moved;
  std::string key = sheet_id;
  for (int v : {view.x, view.y, tile.width, tile.height}) {
    key += ' ' + std::to_string(v);
  }
  if (!even)
    key += " at " + std::to_string(tile.x) + ' ' + std::to_string(tile.y);
  auto [it, added] = pattern_ids_.try_emplace(std::move(key));
  if (!added) return it->second;
  it->second = IdFor(next_id_++);
  *defs +=
      "<pattern id=\"" + it->second + "\" href=\"#" + sheet_id + "\"" +
      (even ? std::string()
            : " patternUnits=\"userSpaceOnUse\"" + PlaceAttrs(tile.tl()) +
                  Attr("width", tile.width) + Attr("height", tile.height)) +
      " viewBox=\"" + std::to_string(view.x) + " " + std::to_string(view.y) +
      " " + std::to_string(tile.width) + " " + std::to_string(tile.height) +
      "\"/>";
  stats_.sprite_patterns += 1;
  return it->second;
}

std::string SvgWriter::ImagePattern(const std::string& image_id,
                                    std::string* defs) {
  // A browser copies a frame that a move shows again, and every later move
  // that shows that one copies it again (up to kMaxMoveDepth deep); a copy
  // of a <use> of an image copies the image, data and all, and WebKit
  // handles each copy's data again at every animation frame. A coloured
  // log whose past-the-bound bands showed 90 sprites of a 24 KB sheet
  // written as an image (559 copies, 18 MB of data: URIs) played at a frame
  // every 1.2 s in WebKit; with those sprites as <rect>s filled with
  // patterns of the sheet (one <use> of it, in the pattern, that no copy
  // copies), at a frame every 40-60 ms. It also opens the typed sessions
  // faster (the 17 px one in 1.6 s instead of 2.5; the coloured one 0.45
  // instead of 1.4). A pattern costs bytes (about 90 a sprite in user
  // space: htop 8%, the typed sessions 2% more; in box units, htop 3.4%,
  // the 17 px session 1%), so frames not shown again keep their <use>s,
  // and sheets copied often are patterns whole (kPatternSheetUnits).
  auto [it, added] = image_patterns_.try_emplace(image_id);
  if (!added) return it->second;
  it->second = IdFor(next_id_++);
  *defs += "<pattern id=\"" + it->second + "\"" + kPatternSheetUnits +
           "><use href=\"#" + image_id + "\"/></pattern>";
  stats_.image_patterns += 1;
  return it->second;
}

std::string SvgWriter::RectBox(const cv::Rect& box) {
  SizeClass& size = size_classes_[{box.width, box.height}];
  size.rects += 1;
  if (size.rects == 1) return BoxAttrs(box);
  if (size.name.empty()) {
    // (c and d are the pointer's classes.)
    do {
      size.name = IdFor(next_class_++);
    } while (size.name == "c" || size.name == "d");
    size_rules_.emplace_back(size.name, box.size());
  }
  return PlaceAttrs(box.tl()) + " class=\"" + size.name + "\"";
}

std::string SvgWriter::SheetUse(const Piece& piece, bool pattern,
                                std::string* defs) {
  const cv::Rect& box = piece.sheet_box;
  if (pattern) {
    const std::string sheet = ImagePattern(piece.sheet_id, defs);
    return "<rect" + piece.style + RectBox(box) + " fill=\"url(#" +
           PatternFor(sheet, box, piece.sheet_moved, defs) + ")\"/>";
  }
  // (The nested <svg> clips to its box; the sheet is moved so the sprite is
  // in it: shorter than a viewBox.)
  return "<svg" + piece.style + BoxAttrs(box) + "><use href=\"#" +
         piece.sheet_id + "\"" + PlaceAttrs(piece.sheet_moved) + "/></svg>";
}

void SvgWriter::FlushSheet() {
  if (sheet_.empty()) return;
  size_t uses = 0;
  for (const Entry& entry : window_) uses += entry.sprites_waiting;
  // One sprite shown once: an image in place, as if there were no sheet.
  const bool alone = uses == 1;
  std::vector<std::pair<size_t, size_t>> where;  // sprite -> sheet, number
  std::vector<EncodedSheet> sheets;
  if (alone) {
    sheets.push_back(EncodeSheet(sheet_.sprite(0), SheetEffort()));
    sheets[0].places.assign(1, cv::Point());
    where.assign(1, {0, 0});
  } else {
    sheets = PackSheets(&where);
  }
  // Where a piece shows its sprite: whole, or, in a move, the part inside
  // the clip.
  auto box_of = [this](const Piece& piece) {
    return piece.clip.empty()
               ? cv::Rect(piece.at, sheet_.sprite(piece.sprite).size())
               : piece.clip;
  };
  // What each sheet's sprites waiting to be written say, in one pass:
  // how often they are shown, where from, and their patterns' tile sizes.
  struct Uses {
    int64_t count = 0;
    std::map<int, int64_t> from_x, from_y;
  };
  std::vector<Uses> uses_of(sheets.size());
  if (!alone) {
    for (const Entry& entry : window_) {
      if (entry.sprites_waiting == 0) continue;
      for (const Piece& piece : entry.pieces) {
        if (piece.sprite == kNoSprite) continue;
        const auto [k, number] = where[piece.sprite];
        Uses& u = uses_of[k];
        const cv::Rect box = box_of(piece);
        const cv::Point from = sheets[k].places[number] - (piece.at - box.tl());
        u.count += 1;
        u.from_x[from.x] += 1;
        u.from_y[from.y] += 1;
      }
    }
  }
  // A sheet a browser copies often is a pattern (see kPatternSheetUnits).
  std::vector<bool> patterned(sheets.size(), false);
  for (size_t k = 0; k < sheets.size() && !alone; ++k) {
    const double copy_bytes =
        static_cast<double>(sheets[k].bytes.size()) *
        static_cast<double>(uses_of[k].count) *
        static_cast<double>(own_elements_ + copied_elements_) /
        static_cast<double>(std::max<int64_t>(1, own_elements_));
    patterned[k] =
        copied_image_bytes_ + copy_bytes > sheet_options_.copy_budget_bytes;
    if (!patterned[k]) copied_image_bytes_ += copy_bytes;
  }
  // The most frequent value, and how often it comes.
  auto most = [](const auto& counts) {
    return *std::max_element(
        counts.begin(), counts.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
  };
  // Each sheet is placed at (-x, -y) when that makes many sprites' <use>
  // shorter: x and y are where most of them are moved from (on a sheet of
  // sprites with their contexts, (2, 2) is the first shelf's, and every
  // sprite as wide as the screen's x), if it saves more than it costs: its
  // attribute leaves that many <use>s, and goes on the image and on every
  // <use> that was not moved before (from 0). (Not a pattern: its
  // sprites' own patterns give all four numbers anyway.)
  std::vector<cv::Point> origins(sheets.size());
  auto best = [&most](const std::map<int, int64_t>& from) {
    if (from.empty()) return 0;
    const auto [at, count] = most(from);
    const int64_t zero = from.count(0) != 0 ? from.at(0) : 0;
    return count > zero + 1 ? at : 0;
  };
  for (size_t k = 0; k < sheets.size() && !alone; ++k) {
    if (!patterned[k]) {
      origins[k] = {best(uses_of[k].from_x), best(uses_of[k].from_y)};
    }
  }
  // The sheets are written now, before the frames that show them (which
  // may stay in the window a while longer); a pattern sheet's sprites'
  // patterns with it.
  std::vector<std::string> ids;
  std::vector<std::string> defs(sheets.size());
  for (size_t k = 0; k < sheets.size(); ++k) {
    const EncodedSheet& sheet = sheets[k];
    stats_.images += 1;
    stats_.png_bytes += sheet.bytes.size();
    if (alone) continue;
    ids.push_back(IdFor(next_id_++));
    std::string& markup = defs[k];
    if (patterned[k]) {
      markup += "<defs><pattern id=\"" + ids.back() + "\"" +
                kPatternSheetUnits + "><image";
    } else {
      markup += "<defs><image id=\"" + ids.back() + "\"";
    }
    markup += (origins[k].x != 0 ? Attr("x", -origins[k].x) : std::string()) +
              (origins[k].y != 0 ? Attr("y", -origins[k].y) : std::string()) +
              Attr("width", sheet.size.width) +
              Attr("height", sheet.size.height) + DataPrefix(sheet.format);
    AppendBase64(sheet.bytes.data(), sheet.bytes.size(), &markup);
    markup += patterned[k] ? "\"/></pattern>" : "\"/>";
    stats_.sheets += 1;
    stats_.pattern_sheets += patterned[k];
  }
  for (Entry& entry : window_) {
    if (entry.sprites_waiting == 0) continue;
    entry.sprites_waiting = 0;
    for (Piece& piece : entry.pieces) {
      if (piece.sprite == kNoSprite) continue;
      const auto [k, number] = where[piece.sprite];
      const EncodedSheet& sheet = sheets[k];
      const cv::Point& place = sheet.places[number];
      const cv::Rect box = box_of(piece);
      const cv::Point moved = piece.at - place - box.tl() + origins[k];
      std::string sprite;
      if (alone) {
        stats_.sprites -= 1;  // an image of its own after all
        sprite =
            "<image" + piece.style + BoxAttrs(box) + DataPrefix(sheet.format);
        AppendBase64(sheet.bytes.data(), sheet.bytes.size(), &sprite);
        sprite += "\"/>";
      } else if (patterned[k]) {
        sprite = "<rect" + piece.style + RectBox(box) + " fill=\"url(#" +
                 PatternFor(ids[k], box, moved, &defs[k]) + ")\"/>";
      } else {
        // (Made when the frame is written: SheetUse.)
        piece.sheet_box = box;
        piece.sheet_id = ids[k];
        piece.sheet_moved = moved;
        sprite = SheetUse(piece, /*pattern=*/false, nullptr);
      }
      // (A piece is its text, then its sprite.)
      piece.sprite = kNoSprite;
      entry.bytes += sprite.size();
      window_bytes_ += sprite.size();
      if (piece.sheet_id.empty()) piece.text += sprite;
    }
  }
  std::string markup;
  for (std::string& d : defs) {
    if (!d.empty()) markup += d + "</defs>\n";
  }
  out_->Write(markup);
  // Moves to come show these sprites from their sheet (or, alone, from a
  // copy of the image in <defs>).
  for (size_t n : open_sprite_sources_) {
    Source& source = sources_[n];
    const auto [k, number] = where[source.sprite];
    if (alone) {
      source.kind = Source::Kind::kLoose;
      source.offset = source.at;
      source.file =
          std::make_shared<const std::vector<uint8_t>>(sheets[k].bytes);
      source.format = sheets[k].format;
      source.size = sheets[k].size;
    } else {
      source.kind = Source::Kind::kElement;
      source.id = ids[k];
      source.pattern = patterned[k];
      source.offset = source.at - sheets[k].places[number] + origins[k];
    }
  }
  open_sprite_sources_.clear();
  sheet_.Clear();
}

bool SvgWriter::TrackCursor(const CursorSample& cursor, std::string* markup) {
  std::optional<CursorSpan> now;
  if (cursor.visible && !cursor.image.empty()) {
    auto [it, added] = cursor_images_.try_emplace(cursor.shape_serial);
    if (added) {
      std::vector<uint8_t> png;
      if (Status s = EncodePngWithAlpha(cursor.image, PngOptions{}, &png);
          !s.ok()) {
        throw std::runtime_error(s.message());
      }
      it->second = IdFor(next_id_++);
      *markup += "<defs><image id=\"" + it->second + "\"" +
                 Attr("width", cursor.image.cols) +
                 Attr("height", cursor.image.rows) +
                 " href=\"data:image/png;base64,";
      AppendBase64(png.data(), png.size(), markup);
      *markup += "\"/></defs>\n";
      stats_.cursor_images += 1;
      stats_.png_bytes += png.size();
    }
    now = CursorSpan{it->second, cursor.position - cursor.hotspot, 0};
  }
  const bool same = now.has_value() == cursor_span_.has_value() &&
                    (!now || (now->image_id == cursor_span_->image_id &&
                              now->top_left == cursor_span_->top_left));
  cursor_next_ = now;
  return !same;
}

std::string SvgWriter::Timing(bool pointer, int64_t since_us,
                              int64_t until_us) {
  // The delays: when it appears and, for a pointer that moves on, when it
  // goes (the reader reads both; when looping, the browser uses the first).
  // A frame's delay is the custom property --d, which the header's rule
  // makes its animation-delay (12 bytes a frame less); a frame that is
  // covered later ends at --e (read by the rule Finish writes, and by the
  // reader; when looping, its keyframes end it).
  std::string style = (pointer ? "animation-delay:" : "--d:") +
                      FormatMilliseconds(since_us) + "ms";
  if (until_us >= 0) {
    style += (pointer ? "," : ";--e:") + FormatMilliseconds(until_us) + "ms";
  }
  if (!timeline_.options().loop) return style;
  const std::pair<int64_t, int64_t> key =
      until_us < 0 ? std::pair<int64_t, int64_t>{since_us, -1}
                   : std::pair<int64_t, int64_t>{-1, until_us - since_us};
  auto [it, added] = loop_rules_.try_emplace(key);
  if (added) it->second = IdFor(loop_rules_.size() - 1);
  return style + ";animation-name:" + it->second;
}

void SvgWriter::CloseCursorSpan(int64_t until_us) {
  if (!cursor_span_) return;
  const CursorSpan& span = *cursor_span_;
  // class c: shown until another span starts; d: the last, to the end.
  cursor_markup_ += "<use href=\"#" + span.image_id + "\"" +
                    Attr("x", span.top_left.x) + Attr("y", span.top_left.y) +
                    " class=\"" + (until_us >= 0 ? "c" : "d") + "\" style=\"" +
                    Timing(/*pointer=*/true, span.since_us, until_us) +
                    "\"/>\n";
  stats_.cursor_moves += 1;
  cursor_span_.reset();
}

void SvgWriter::WriteFrame(const EncodedFrame& frame) {
  WriteHeaderOnce();
  if (maps_.owner.empty()) {
    maps_.Allocate(size_);
    maps_before_.Allocate(size_);
  }
  if (frame.move && frame.ticket.seq == 0) {
    throw std::logic_error("SVG writer: a move in the poster");
  }
  if (frame.new_anchor) {
    // Kept whole while it is an anchor. (The maps now are the maps after
    // frame seq - 1; maps_before_, after frame seq - 2.)
    const uint64_t anchor = *frame.new_anchor;
    const uint64_t seq = frame.ticket.seq;
    if (anchor + 1 != seq && !(anchor + 2 == seq && frames_seen_ >= 2)) {
      throw std::logic_error("SVG writer: frame " + std::to_string(anchor) +
                             " made an anchor at frame " + std::to_string(seq));
    }
    anchor_maps_[anchor] = (anchor + 1 == seq ? maps_ : maps_before_)
                               .Clone(cv::Rect(cv::Point(), size_));
  }
  // The rows a move shows, as they were shown then; after that, the maps
  // one frame earlier are the maps now (they differ where the frame
  // written last painted).
  Maps rows;
  if (frame.move) rows = SourceRows(frame.ticket.seq, *frame.move);
  for (uint64_t seq : frame.anchors_dropped) anchor_maps_.erase(seq);
  maps_.CopyTo(&maps_before_, changed_last_);
  changed_last_ = frame.move ? frame.move->to : cv::Rect();
  for (const EncodedPatch& patch : frame.patches) changed_last_ |= patch.rect;
  changed_last_ &= cv::Rect(cv::Point(), size_);
  frames_seen_ += 1;
  WriteChanges(frame, std::move(rows));
}

void SvgWriter::WriteChanges(const EncodedFrame& frame, Maps rows) {
  std::vector<Piece> pieces(1);
  const bool cursor_changed =
      frame.cursor && TrackCursor(*frame.cursor, &pieces.back().text);
  const bool poster = frame.ticket.seq == 0;
  const bool changed = !frame.patches.empty() || frame.move.has_value();
  const int64_t time_us =
      timeline_.Place(frame.ticket.timestamp_us, cursor_changed || changed);
  if (cursor_changed) {
    CloseCursorSpan(time_us);
    cursor_span_ = cursor_next_;
    if (cursor_span_) cursor_span_->since_us = time_us;
  }
  if (!changed) {  // identical to the frame before
    if (!pieces.back().text.empty()) {
      Emit(std::move(pieces), /*poster=*/false, /*bare=*/false, Nesting{},
           time_us, /*area_px=*/0, /*paint_px=*/0);
    }
    return;
  }
  // A later frame's patches are a group with the frame's delay; a frame of
  // one patch is just that element with the delay (no <g>), unless it is
  // a new image: an element with an id may be cloned by a later <use>,
  // and a clone must not carry the delay. (The style is written with the
  // frame, once it is known whether it ends.)
  const bool bare = !poster && !frame.move && frame.patches.size() == 1 &&
                    !IsNewImage(frame.patches[0]);
  const std::string style_mark(1, kStyleMark);
  pieces.back().text += kFrameOpen;
  const uint64_t serial = first_entry_ + window_.size();
  int64_t area_px = 0;
  int64_t paint_px = 0;  // (the copies' and moved pieces' are nesting's)
  Nesting nesting;
  if (frame.move) {  // first: the patches paint over it
    const cv::Rect& to = frame.move->to;
    rows.shift += cv::Scalar(frame.move->dy);
    std::vector<MoveRun> runs =
        PlanMove(*frame.move, rows, /*sources_only=*/false);
    // Past the nesting bound (a frame still in the window whose pixels
    // PlanMove cut into their sources is one it may not show again), the
    // band is shown from the sources of its pixels alone: a keyframe that
    // copies no frame (without pixels of its own: a coloured log 21% and a
    // 13 px one 10% smaller than when such a band was painted).
    const bool past_bound =
        std::any_of(runs.begin(), runs.end(), [this](const MoveRun& run) {
          return run.source >= 0 && run.owner >= 0 &&
                 static_cast<uint64_t>(run.owner) >= first_entry_;
        });
    if (past_bound) {
      runs = PlanMove(*frame.move, rows, /*sources_only=*/true);
      stats_.source_moves += 1;
    }
    // Painted from the move's pixels where that is smaller than showing
    // earlier frames or sources again.
    if (!frame.moved_pixels.empty() &&
        (frame.moved_pixels.size() != to.size() ||
         frame.moved_pixels.type() != CV_8UC4)) {
      throw std::logic_error("SVG writer: a move's pixels not the band's size");
    }
    const bool paint =
        !frame.moved_pixels.empty() && PaintingPays(runs, frame.moved_pixels);
    if (paint) {
      AppendBandRows(frame, 0, &pieces);
      paint_px += to.area();
      stats_.painted_moves += 1;
    } else {
      // Its last rows painted, where a line was typed a character at a
      // time; shown again, they would be a piece for each character.
      const int tail = frame.moved_pixels.empty()
                           ? -1
                           : TailToPaint(runs, to, frame.moved_pixels);
      std::vector<MoveRun> shown;
      for (const MoveRun& run : runs) {
        if (tail < 0 || run.y0 < tail) shown.push_back(run);
      }
      nesting = AppendMove(*frame.move, rows, shown, &pieces);
      if (tail >= 0) {
        AppendBandRows(frame, tail, &pieces);
        paint_px += static_cast<int64_t>(to.width) * (to.height - tail);
        stats_.painted_tails += 1;
      }
    }
    area_px += to.area();
    EncodedPatch band;  // (opaque: every pixel painted)
    band.rect = frame.move->to;
    TakeOver(band, serial, time_us);
  }
  // A move's frame: the patches beside its band (a scroll bar's thumb) are
  // a group of their own at the same time, after it. Else a few of their
  // pixels that no later frame paints over keep the whole frame, and the
  // copies its band shows, painted to the end (a web page scrolling: 33
  // frames at once, 16-24 frames' area; WebKit played it at a frame every
  // 1.35 s, now 16 ms): the band's group ends once later bands cover it.
  std::vector<const EncodedPatch*> with_band, apart;
  for (const EncodedPatch& patch : frame.patches) {
    // (Beside: left or right of it; a terminal's new line below its band
    // stays in the frame's group.)
    const bool beside = frame.move && (patch.rect.x >= frame.move->to.br().x ||
                                       patch.rect.br().x <= frame.move->to.x);
    (beside ? apart : with_band).push_back(&patch);
  }
  // (Returns the patch's area: what it covers, and what it paints.)
  auto append = [&](const EncodedPatch& patch, bool bare_group, uint64_t owner,
                    std::vector<Piece>* into) -> int64_t {
    if (patch.rect.x < 0 || patch.rect.y < 0 ||
        patch.rect.br().x > size_.width || patch.rect.br().y > size_.height) {
      throw std::logic_error("SVG writer: patch outside the frame");
    }
    if (!patch.painted.empty() && patch.painted.size() != patch.rect.size()) {
      throw std::logic_error("SVG writer: a mask not the size of its patch");
    }
    Paint(patch.rect, patch.painted,
          AppendPatch(patch, bare_group ? style_mark : std::string(), into));
    TakeOver(patch, owner, time_us);
    return patch.rect.area();
  };
  for (const EncodedPatch* patch : with_band) {
    const int64_t px = append(*patch, bare, serial, &pieces);
    area_px += px;
    paint_px += px;
  }
  pieces.back().text += std::string(1, kFrameClose) + "\n";
  Emit(std::move(pieces), poster, bare, nesting, time_us, area_px, paint_px);
  if (apart.empty()) return;
  std::vector<Piece> beside(1);
  const bool bare_beside = apart.size() == 1 && !IsNewImage(*apart[0]);
  beside.back().text += kFrameOpen;
  const uint64_t beside_serial = first_entry_ + window_.size();
  int64_t beside_px = 0;  // (covered and painted alike: no move)
  for (const EncodedPatch* patch : apart) {
    beside_px += append(*patch, bare_beside, beside_serial, &beside);
  }
  beside.back().text += std::string(1, kFrameClose) + "\n";
  Emit(std::move(beside), /*poster=*/false, bare_beside, Nesting{}, time_us,
       beside_px, beside_px);
}

void SvgWriter::Finish() {
  WriteHeaderOnce();
  FlushSheet();
  Drain(/*all=*/true);
  FlushRow();
  CloseCursorSpan(-1);
  const bool loop = timeline_.options().loop;
  std::string rules;
  if (any_end_ && !loop) {
    // Frames with an end (--e) hide then (after the header's rule shows
    // them at --d; the later animation wins).
    rules +=
        "[style*=\"--e\"]{animation:a 0s var(--d) both,"
        "e 0s var(--e) forwards}@keyframes e{to{visibility:hidden}}";
  }
  for (const auto& [name, size] : size_rules_) {
    rules += "." + name + "{width:" + std::to_string(size.width) +
             "px;height:" + std::to_string(size.height) + "px}";
  }
  if (!rules.empty()) out_->Write("<style>" + rules + "</style>\n");
  if (!cursor_markup_.empty()) {
    out_->Write(loop ? "<style>.c,.d{visibility:hidden}</style>\n"
                     : "<style>.c{visibility:hidden;animation:v 0s forwards,"
                       "h 0s forwards}"
                       ".d{visibility:hidden;animation:v 0s forwards}"
                       "@keyframes v{to{visibility:visible}}"
                       "@keyframes h{to{visibility:hidden}}</style>\n");
    out_->Write(cursor_markup_);
  }
  if (loop && !loop_rules_.empty()) {
    const int64_t period_us = timeline_.PeriodUs();
    std::string style =
        "<style>[style]{animation-duration:" + FormatMilliseconds(period_us) +
        "ms;animation-timing-function:step-end;"
        "animation-iteration-count:infinite}";
    for (const auto& [span, name] : loop_rules_) {
      const int64_t shown_us =
          span.second < 0 ? period_us - span.first : span.second;
      style += "@keyframes " + name + "{0%{visibility:visible}" +
               Percent(shown_us, period_us) + "{visibility:hidden}}";
    }
    out_->Write(style + "</style>\n");
  }
  out_->Write("</svg>\n");
}

}  // namespace svgcast
