// SvgWriter: writes the animated SVG, front to back, as frames arrive.
//
// The format (svgcast 2), which svg_reader.h reads back:
//
//   <svg xmlns=... width="W" height="H" viewBox="0 0 W H">
//   <metadata>svgcast 2</metadata>   (or "svgcast 2 --codec webp --align 4":
//                                    the settings that are not defaults)
//   <style>[style]{animation:a 0s var(--d) both}
//          @keyframes a{from{visibility:hidden}}</style>
//   <image id="a" width="W" height="H" href="data:image/png;base64,..."/>
//   <g style="--d:146ms">
//     <image id="b" x="10" y="20" width="30" height="8" href="data:..."/>
//     <use href="#b" x="0" y="16"/>
//   </g>
//   <use style="--d:200ms" href="#b" x="4" y="16"/>
//   ...
//   <defs><image id="k" width="16" height="16" href="data:..."/></defs>
//   ...
//   <style>.c{visibility:hidden;animation:v 0s forwards,h 0s forwards}
//          .d{visibility:hidden;animation:v 0s forwards}
//          @keyframes v{to{visibility:visible}}
//          @keyframes h{to{visibility:hidden}}</style>
//   <use href="#k" x="40" y="30" class="c" style="animation-delay:0ms,420ms"/>
//   <use href="#k" x="52" y="31" class="d" style="animation-delay:420ms"/>
//   </svg>
//
// Every element with a style attribute is hidden until its delay --d (the
// animation's fill before its start is the `from` keyframe), then shown
// (after it, the implicit end keyframe: the element's own visibility; the
// fill keeps the animation in effect, so it can still be seeked). A frame of
// one patch is that element with the style, without a <g> (except a new
// <image>: an element with an id may be cloned by a later <use>, and a clone
// must not carry the delay). The pointer's <use>s (classes c, d; their delays
// in animation-delay) override that rule with their own. Patches of one colour
// are <rect x y width height fill="#rrggbb"/> (a rect of a size written
// before has a class instead of its width and height, see below). Small
// patches are sprites
// (svg/sprite_sheet.h): kept until their sheet is full (SheetOptions) or the
// stream ends, then the sheet is written as <defs><image id="s" x y width
// height href="data:image/png|webp..."/></defs> followed by the groups that
// waited for it, each sprite shown as
//   <svg x="10" y="20" width="30" height="8"><use href="#s" x="-64"/></svg>
// (the nested <svg> clips to its box; the sheet is moved so that the
// sprite, at (64, 0) on it, fills the box; the sheet's x and y, when
// given, are minus the place most of its sprites are shown from, so that
// their <use>s need none: -2 on a sheet of sprites with their contexts)
// (a sheet with one sprite shown once is just an <image> in place). A
// sheet that a browser copies often (a move's <use> copies the sprites of
// the frames it shows: svg_writer.cc, kPatternSheetUnits) is written as a
// pattern, and each of its sprites as a rect filled with a pattern of its
// own that takes the sheet's image from it, in the units of the rect's box:
//   <defs><pattern id="s" width="1" height="1"><image width height
//     href="data:..."/></pattern><pattern id="p" href="#s"
//     viewBox="62 4 800 16"/></defs>
//   <rect x="10" y="20" width="800" height="16" fill="url(#p)"/>
// (the tile is the rect's box, and shows the sheet's (62, 4) at its top
// left: the sprite; any rect of that size may use the pattern, wherever it
// is; no copy of a rect copies the image, which Firefox spends time on in
// proportion to its data: URI).
// Consecutive frames that are each one sprite in the same rows of the
// screen (a line typed a character at a time) are written as a row, a
// nested <svg> with those rows' y and height, in which each sprite takes
// both from the row (its y is 0, its height 100%):
//   <svg y="20" height="8">
//   <svg style="--d:300ms" x="10" width="6"><use href="#s" x="-64"/></svg>
//   <svg style="--d:333ms" x="16" width="6"><use href="#s" x="-72"/></svg>
//   </svg>
// (about 20 bytes a sprite less; the row has no style, so it is always
// shown, and its sprites as their frames are). Where that is shorter, a
// row's sprites that show the same rows of a sheet show an alias of it,
// moved by their y, defined first in the row:
//   <svg y="20" height="8">
//   <defs><use id="t" href="#s" y="-40"/></defs>
//   <svg style="--d:300ms" x="10" width="6"><use href="#t" x="-64"/></svg>
//   ...
// When
// smaller, the grey sprites (B = G = R: screen text, mostly; their context
// too) go to a sheet of their own, a greyscale image, and the coloured ones
// to another (the pipeline cuts a patch's grey rows and columns apart from
// its coloured ones for that, and the writer the rows of a band it paints:
// processing/grey_split.h).
//
// The first frame (the poster) is shown from the start. Each later frame
// that changed is a group of patches that becomes visible at the frame's
// time and stays (so the last frame holds); later groups paint over
// earlier ones. A patch whose PNG was already written is not written again:
// a <use> places the earlier image, moved by (x, y). Identical frames add
// nothing. No script: CSS animation only, so it plays inside <img> too.
//
// A frame whose every pixel is painted over by later frames (opaque
// pixels: an image may leave the unchanged ones transparent, see
// EncodedPatch::painted) is given an end, --e, the time of the frame that
// covers its last pixel, and a rule written at the end of the file hides
// it then:
//   <g style="--d:100ms;--e:300ms">...</g>
//   <style>[style*="--e"]{animation:a 0s var(--d) both,e 0s var(--e)
//          forwards}@keyframes e{to{visibility:hidden}}</style>
// so a browser stops painting (and keeping decoded) what cannot be seen:
// a long screencast of full-screen changes plays as cheaply at its end as
// at its start. Only frames of at least 256x256 pixels (or a quarter of
// the frame) get one: a small one costs the browser little and its end
// would cost bytes. To know the end before a frame is written, frames are
// kept a while (16 MB of markup) before they are written; a frame covered
// later than that keeps no end. A covered poster becomes a group with
// --d:0ms and its end.
//
// A scrolled band (EncodedFrame::move) is shown as the frames that show
// its source rows now, moved: each such frame gets an inner group with an
// id (a frame of one element is then wrapped as a group is: its copy must
// not carry the style), and the moving frame shows it clipped to the band:
//   <g style="--d:100ms"><g id="c">...</g></g>
//   <g style="--d:200ms"><svg y="4" width="80" height="46"><use href="#c"
//     y="-12"/></svg>...patches...</g>
// (the poster's inner group is at the top level when it has no end). Of
// several frames, the oldest is drawn first: a frame is transparent where
// it did not paint, so each shows over the ones before it only what it
// painted. A frame is shown again only while it is in the window and
// nests at most kMaxMoveDepth moves and kMaxCopyElements elements, and
// its copy paints at most kMaxCopyPaintFrames frames' area (a browser
// copies all of it for every <use>). When a frame in the window
// is past that bound, the band is painted instead, from the move's pixels
// (EncodedFrame::moved_pixels), as sprites with what the frame shows around
// them (EncodedFrame::band_context): a keyframe the writer makes, which
// later moves show again at depth 1. It is painted so too where that is
// smaller than the pieces that would show it; and where that is so of its
// last rows only (a line typed a character at a time, a piece for each),
// those rows are painted, over the rest shown as the earlier frames
// moved. Pixels of frames no longer in the window (or, without
// moved_pixels, of any frame past the bound) are shown from the images,
// sheets or colours that painted them, cut into rectangles of one source
// (a sprite written alone, without an id, is written once more in <defs>
// for that). A move from two frames back (Move::frames_back) shows the
// frames that showed its source rows then: the writer keeps who painted
// each pixel as it was one frame earlier too, and as it was in each
// anchor (EncodedFrame::new_anchor: 12 bytes a pixel each, until
// EncodedFrame::anchors_dropped names it), for a move from further back.
//
// Rects (one-colour patches, sprites of pattern sheets) are many, and of
// few sizes (a line of a terminal: the screen's width, a row's height):
// the first rect of a size has its width and height, later ones a class
// (a, b, ..., ba, ...: letters, skipping the pointer's c and d) that a
// rule at the end of the file sizes, as CSS can for a rect:
//   <rect y="20" width="800" height="16" fill="url(#p)"/>
//   <rect y="36" class="a" fill="url(#q)"/>
//   ...
//   <style>.a{width:800px;height:16px}</style>
// (about 14 bytes less a rect). A copy of a rect by a move's <use> has
// its class and is sized the same. Not <svg>s: a nested <svg> copied by a
// <use> is not sized by its class in Chromium and Firefox.
//
// The mouse pointer, when recorded, is a layer of its own: each distinct
// pointer image is written once (an RGBA PNG in <defs>, when first seen),
// and each stretch of time it spends at one place is one <use>, visible from
// its first delay until its second (class c) or for good (class d, the
// last). The pointer <use>s come last, so the pointer paints over every
// patch; they are kept in memory (a few dozen bytes each) until Finish().
//
// Times are SVG times (svg/timeline.h: --speed and --idle-limit applied).
// With loop (--loop), nothing is shown for good: every group and pointer
// <use> carries, after its delay, the name of a keyframes rule that keeps
// it visible for its share of the period; the rules, and the period, are
// written at the end, when the period is known:
//
//   <style>[style]{visibility:hidden;animation-delay:var(--d)}</style>
//   <g style="--d:146ms;animation-name:b">...</g>
//   ...
//   <style>[style]{animation-duration:6000ms;animation-timing-function:
//          step-end;animation-iteration-count:infinite}
//          @keyframes b{0%{visibility:visible}97.56666421%{visibility:hidden}}
//   </style>
//
// An element shown from a to b (ms) starts its animation at a, is visible
// from 0% to 100*(b-a)/period % (a hair less: the 32-bit float below it,
// as Gecko keeps keyframe offsets in those), then hidden until the next
// period starts at a again; groups are shown until the period ends, or until
// their end (then they also carry --e, for the reader). The poster keeps no
// end.
//
// Threading: FrameSink rules (one call at a time, in frame order). Inside
// a call, a sheet's encodings run side by side on TBB's threads (they
// share nothing; the call returns when all are done).
#ifndef SVGCAST_SVG_SVG_WRITER_H_
#define SVGCAST_SVG_SVG_WRITER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "processing/frame_sink.h"
#include "processing/patch.h"
#include "processing/png_encoder.h"
#include "processing/work_meter.h"
#include "svg/output_file.h"
#include "svg/sprite_sheet.h"
#include "svg/timeline.h"

namespace svgcast {

// How the writer encodes the sprite sheets it packs.
struct SheetOptions {
  ImageFormat codec = ImageFormat::kPng;  // kWebp: the smaller of both
  Effort effort = Effort::kDefault;
  // Once this is true (Ctrl-C: the stream ends, the SVG is to be finished
  // soon), sheets are encoded at kDefault at most: no Zopfli (a sheet can
  // take a minute with it), and a sheet Zopfli is recompressing stops at
  // its next megabyte (PngOptions::stop_zopfli). Read on the writer's
  // thread and the encoding tasks it runs; may be null.
  const std::atomic<bool>* hurry = nullptr;
  // At kMax, where the sheets' Zopfli and WebP encoders report how far
  // they are (the progress line, while the SVG is closed). May be null.
  WorkMeter* meter = nullptr;
  int width_px = 1024;  // the widest sprite the pipeline sends
  // Sprites' places and sheets' sides, moved bands' boxes and pattern
  // tiles on multiples of this, as the pipeline's patches are
  // (PipelineOptions::align_px): 2, or 4 for --align 4.
  int align_px = 2;
  // A sheet is written once its sprites cover this many pixels (16 MB of
  // BGRA held at most); the rest at the end.
  int64_t max_area_px = 4 << 20;
  // A sheet is written as a pattern when its copies in a browser times its
  // size, with those of the sheets written as images before it, are over
  // this (svg_writer.cc, kPatternSheetUnits says why; tests lower it to see
  // patterns in a short sequence).
  double copy_budget_bytes = 64e6;
};

struct SvgStats {
  uint64_t images = 0;     // image files written (PNG or WebP)
  uint64_t reused = 0;     // patches placed again by <use>
  uint64_t png_bytes = 0;  // image bytes written (before base64)
  uint64_t fills = 0;      // one-colour patches (<rect>)
  uint64_t sheets = 0;     // sprite sheets (each one of `images`)
  uint64_t sprites = 0;    // patches shown from a sheet
  // Sheets written as a <pattern> (a browser copies them often), and the
  // patterns of their sprites.
  uint64_t pattern_sheets = 0;
  uint64_t sprite_patterns = 0;
  // Images shown through a pattern of them, in frames a move shows again.
  uint64_t image_patterns = 0;
  uint64_t rows = 0;          // runs of sprite frames written as a row
  uint64_t covered = 0;       // frames hidden once later ones cover them
  uint64_t moves = 0;         // scrolled bands shown as earlier pixels
  uint64_t moved_pieces = 0;  // rectangles they were cut into
  // Moves past the nesting bound: their bands shown from the sources of
  // their pixels alone, no earlier frame again (in `moves`, or in
  // `painted_moves` when painting them was smaller).
  uint64_t source_moves = 0;
  // Moves whose band was painted from their pixels instead (sprites, in
  // `sprites`): that was smaller than showing earlier pixels again.
  uint64_t painted_moves = 0;
  // Moves whose band's last rows were painted from their pixels (a sprite
  // each, in `sprites`), the rest shown as earlier pixels (in `moves` too).
  uint64_t painted_tails = 0;
  // (images - sheets: patches that are images of their own)
  uint64_t cursor_images = 0;  // distinct pointer images
  uint64_t cursor_moves = 0;   // pointer <use>s (one per place and time)
};

class SvgWriter final : public FrameSink {
 public:
  // `out` must outlive the writer; `size` is every frame's size.
  SvgWriter(cv::Size size, OutputFile* out, TimingOptions timing = {},
            SheetOptions sheets = {});

  void WriteFrame(const EncodedFrame& frame) override;
  void Finish() override;

  SvgStats stats() const { return stats_; }

 private:
  struct StoredImage {
    PngBytes png;
    std::string id;
    cv::Point origin;
  };

  // Where the pointer is shown, and since when.
  struct CursorSpan {
    std::string image_id;
    cv::Point top_left;
    int64_t since_us = 0;
  };

  // Markup waiting for the sheet it shows sprites of: text, then (unless
  // kNoSprite) sprite number `sprite` placed at `at` in the frame, shown
  // only inside `clip` (empty: all of it). The text may hold the
  // placeholders below, replaced when it is written.
  static constexpr size_t kNoSprite = SIZE_MAX;
  struct Piece {
    std::string text;
    size_t sprite = kNoSprite;
    cv::Point at;
    cv::Rect clip;
    std::string style;  // the sprite's style attribute, if any
    // Once its sheet is written as an image: the sprite's box, the
    // sheet's id and where the sheet is moved. Its markup is made when the
    // frame is written (Expand): a <use> of the sheet, or, in a frame a
    // move shows again, a pattern of it (ImagePattern); a frame of one such
    // sprite may join a row (WriteEntry).
    cv::Rect sheet_box;
    std::string sheet_id;
    cv::Point sheet_moved;
  };
  // What painted a pixel, for a later move to show it again: a colour, an
  // element a <use> can clone (an image, a sheet), a sprite on the open
  // sheet (until the sheet is written), or a sprite written alone as an
  // <image> without an id (its file, written again into <defs> with an id
  // when a move first needs it).
  struct Source {
    enum class Kind { kFill, kElement, kSprite, kLoose };
    Kind kind = Kind::kFill;
    uint32_t colour = 0;   // kFill
    std::string id;        // kElement
    bool pattern = false;  // kElement: id is a pattern sheet's
    // kElement, kLoose: the <use> translation that shows the pixels where
    // they were painted (an image: 0; a <use> of one: its x, y; a sheet:
    // the sprite's place in the frame minus its place on the sheet, and
    // minus the sheet's x and y, when it has them).
    cv::Point offset;
    size_t sprite = kNoSprite;  // kSprite: number on the open sheet
    cv::Point at;               // kSprite: where it was painted
    PngBytes file;              // kLoose
    ImageFormat format = ImageFormat::kPng;
    cv::Size size;
  };
  // A frame's markup until it is written. It is kept while the window
  // allows (kWindowBytes), so that when later frames cover every pixel it
  // shows, it gets an end (--e) and the browser stops painting it.
  struct Entry {
    std::vector<Piece> pieces;
    size_t sprites_waiting = 0;  // pieces whose sheet is not written yet
    size_t bytes = 0;            // of the texts, roughly
    bool poster = false;
    int64_t area_px = 0;  // of its patches
    int64_t since_us = 0;
    int64_t until_us = -1;  // covered from then on (-1: not, so far)
    // One element with the style (no <g>), unless a move shows it again.
    bool bare = false;
    // Once a move shows it again: the id of a <g> inside its own.
    std::string ref_id;
    int depth = 0;         // moves nested in it (through the frames shown)
    int64_t elements = 0;  // in a browser's copy of it, copies included
    int64_t paint_px = 0;  // what a browser paints for a copy of it
  };

  void WriteHeaderOnce();
  // Keeps a frame's pieces in the window; writes what leaves it.
  // How deep the earlier frames a move shows are nested, and how many
  // elements their copies make.
  struct Nesting {
    int depth = 0;
    int64_t elements = 0;
    int64_t paint_px = 0;
  };
  void Emit(std::vector<Piece> pieces, bool poster, bool bare,
            const Nesting& nesting, int64_t since_us, int64_t area_px,
            int64_t paint_px);
  // Writes the oldest entries while the window is over its size (all of
  // them with `all`), as far as their sheets are written.
  void Drain(bool all);
  // `entry`'s markup with its placeholders replaced.
  std::string Expand(const Entry& entry);
  // Writes an entry that leaves the window: a frame of one sprite joins the
  // open row when it has that row's y and height, else the row is written
  // (FlushRow) and the sprite begins a new one; any other entry is written
  // after the row.
  void WriteEntry(const Entry& entry);
  // Writes the open row: as a row, or its frames one by one when that is
  // smaller (a single frame). In a row, sprites that show the same rows of
  // one sheet (the same <use> y) may show them through an alias, a <use>
  // of the sheet moved by that y in the row's <defs>, when that is shorter
  // (a typed line's sprites are side by side on the sheet).
  void FlushRow();
  // Whether a covered entry is given an end (its frame is large enough;
  // not the poster when looping).
  bool WorthAnEnd(const Entry& entry) const;
  // Entry `serial` (the frame being written) now shows `patch`'s pixels;
  // an earlier entry left showing none is covered from `time_us` on.
  void TakeOver(const EncodedPatch& patch, uint64_t serial, int64_t time_us);
  // A packed sheet, encoded: its size, the sprites' places on it, the file.
  struct EncodedSheet {
    cv::Size size;
    std::vector<cv::Point> places;
    std::vector<uint8_t> bytes;
    ImageFormat format = ImageFormat::kPng;
  };
  // Encodes the open sheet, writes it and the markup that waited for it.
  void FlushSheet();
  // The open sheet's sprites packed and encoded as one sheet or as two
  // (grey, coloured), whichever is smaller; `where` gets, for each sprite, its
  // image (an index into the result) and its number there (places on every
  // image are by number).
  std::vector<EncodedSheet> PackSheets(
      std::vector<std::pair<size_t, size_t>>* where) const;
  EncodedSheet EncodeSheet(const cv::Mat& pixels, Effort effort) const;
  // The effort sheets are encoded at now (SheetOptions::hurry).
  Effort SheetEffort() const;
  // The id of the pattern that shows a pattern sheet's pixels in `box` as
  // a <use> of the sheet moved by `moved` in a <svg> of that box would;
  // appends its definition to `defs` when it is new.
  std::string PatternFor(const std::string& sheet_id, const cv::Rect& box,
                         cv::Point moved, std::string* defs);
  // The id of a pattern sheet holding a <use> of the image `image_id`
  // (written before), through which copied frames show it as PatternFor's
  // sprites. Appends its definition to `defs` when it is new.
  std::string ImagePattern(const std::string& image_id, std::string* defs);
  // The markup of a sprite on a sheet written as an image (a piece with a
  // sheet_id): a <use> of the sheet, or with `pattern` a <rect> filled with
  // a pattern of it; appends new patterns' definitions to `defs`.
  std::string SheetUse(const Piece& piece, bool pattern, std::string* defs);
  // A <rect>'s x, y, width and height: ' x="1" y="2" width="3" height="4"'
  // for the first rect of its size; from the second, ' x="1" y="2"
  // class="b"', a class Finish() gives that width and height.
  std::string RectBox(const cv::Rect& box);
  // How wide the rows of a sheet are packed (0: as wide as may be), given
  // whether its sprites have at most 256 colours.
  int RowPx(bool few_colours) const;
  // The image written earlier with exactly these bytes, if any.
  const StoredImage* Find(const PngBytes& png);
  // Appends the markup for one patch: a <rect>, a new <image>, a <use>,
  // or a sprite (a new piece). Returns what painted it (a Source).
  // `style`: "" or the frame's style attribute, for a frame of one patch.
  Source AppendPatch(const EncodedPatch& patch, const std::string& style,
                     std::vector<Piece>* pieces);
  // Who painted each pixel: the entry shown on top (-1: none yet), the
  // source, and (CV_32SC1) how many rows it moved since: pixel p shows what
  // the source painted at p + (0, shift). 12 bytes a pixel, twice (now and
  // one frame earlier).
  struct Maps {
    cv::Mat owner;
    cv::Mat source;
    cv::Mat shift;
    void Allocate(cv::Size size);
    void CopyTo(Maps* to, const cv::Rect& rect) const;
    Maps Clone(const cv::Rect& rect) const;  // a copy of `rect`'s rows
  };
  // The maps' rows that `move` (in frame `seq`) shows (a copy), as they
  // were when the frame it shows was shown; throws if the move is outside
  // the frame, from before the first frame or from a frame neither of the
  // last two nor an anchor.
  Maps SourceRows(uint64_t seq, const Move& move) const;
  // Whether entry `serial` is in the window and may be shown again whole
  // (within the nesting bounds).
  bool Referable(int32_t serial) const;
  // What `pixels` (BGRX) would cost as an opaque PNG of their own, in
  // base64: a guess at what painting them costs.
  static size_t GuessImageBytes(const cv::Mat& pixels);
  // How a move shows its band: rectangles of it (x0..x1, y0..y1 in the
  // band), each an earlier frame shown again whole (source -1) or the
  // pixels of one source, shifted by `shift` rows since it painted them.
  struct MoveRun {
    int x0, x1, y0, y1;
    int32_t owner;
    int32_t source;
    int32_t shift;
  };
  // The rectangles, oldest frame first, for `rows` (SourceRows', with the
  // move's shift added); with `sources_only`, no earlier frame is shown
  // again whole.
  std::vector<MoveRun> PlanMove(const Move& move, const Maps& rows,
                                bool sources_only) const;
  // Whether painting the band from `pixels` is smaller than showing `runs`
  // (a band shown again from many small frames or images costs a <use>
  // each: a terminal's typed characters).
  bool PaintingPays(const std::vector<MoveRun>& runs,
                    const cv::Mat& pixels) const;
  // The first row of the band (even) from which on painting it from
  // `pixels` as a sprite is smaller than the pieces that would show those
  // rows (a terminal's line typed a character at a time ends up in the
  // band's last rows: a piece for each character); -1: none.
  int TailToPaint(const std::vector<MoveRun>& runs, const cv::Rect& to,
                  const cv::Mat& pixels) const;
  // Appends the band's rows from `row` on painted from frame.moved_pixels:
  // sprites (tiles of at most 64K pixels), each with frame.band_context
  // around it.
  void AppendBandRows(const EncodedFrame& frame, int row,
                      std::vector<Piece>* pieces);
  // Appends the markup that shows `move` as `runs` (PlanMove), and makes
  // the band's maps `rows` (PlanMove's).
  Nesting AppendMove(const Move& move, const Maps& rows,
                     const std::vector<MoveRun>& runs,
                     std::vector<Piece>* pieces);
  // WriteFrame but for keeping maps_before_; `rows`: the move's source
  // rows (SourceRows), if it has one.
  void WriteChanges(const EncodedFrame& frame, Maps rows);
  // `source` now shows in `rect` where `painted` (empty: everywhere).
  void Paint(const cv::Rect& rect, const cv::Mat& painted, Source source);
  // Whether the patch is written as a new <image> (with an id).
  bool IsNewImage(const EncodedPatch& patch);
  // Follows the pointer from frame to frame; a new pointer image is
  // appended to `markup` (as <defs>) the first time it is seen.
  // Returns whether the pointer is shown differently from before.
  bool TrackCursor(const CursorSample& cursor, std::string* markup);
  // Ends the span shown now at `until_us` (-1: shown to the end).
  void CloseCursorSpan(int64_t until_us);
  // The style attribute's value for an element shown from `since_us` on:
  // its delay and, when looping, the name of its keyframes (which need the
  // period: kept in loop_spans_, written at Finish). `until_us` -1: to the
  // end of the period.
  // A frame's delay is --d, the pointer's animation-delay.
  std::string Timing(bool pointer, int64_t since_us, int64_t until_us);

  const cv::Size size_;
  OutputFile* const out_;
  const SheetOptions sheet_options_;
  SpriteSheet sheet_;  // the open sheet
  // Frames not written yet, oldest first; the first is number
  // first_entry_ (entries are numbered from 0 in frame order).
  std::deque<Entry> window_;
  uint64_t first_entry_ = 0;
  size_t window_bytes_ = 0;
  // Frames written last that are each one sprite in the same rows of the
  // screen (y, height), until the run ends: each as written alone, and
  // what it takes to write each inside a row (without y and height).
  struct RowSprite {
    std::string timing;
    cv::Rect box;
    std::string sheet;
    cv::Point moved;
  };
  struct Row {
    int y = 0;
    int height = 0;
    std::string alone;
    std::vector<RowSprite> sprites;
  };
  Row row_;
  bool any_end_ = false;  // an entry was written with an end
  // Who paints each pixel now (entries and sources by number), and how
  // many pixels each entry shows.
  Maps maps_;
  std::vector<int64_t> owned_px_;
  std::vector<Source> sources_;
  std::vector<size_t> open_sprite_sources_;  // kSprite sources, to resolve
  // The maps one frame earlier (after the frame before the one written
  // last), for a move from two frames back; kept up to date by copying
  // what each frame painted (changed_last_: the box of what the frame
  // written last painted) once the next frame has taken its rows.
  Maps maps_before_;
  cv::Rect changed_last_;
  // The maps as they were after each anchor frame (by seq), whole.
  std::map<uint64_t, Maps> anchor_maps_;
  uint64_t frames_seen_ = 0;
  bool header_written_ = false;
  uint64_t next_id_ = 0;
  // Elements written, and elements a browser copies for moves' <use>s (a
  // move counts every element of the frames it shows, with their copies):
  // how many copies a <use> gets, on average (see kPatternSheetUnits).
  int64_t own_elements_ = 0;
  int64_t copied_elements_ = 0;
  // What the sheets written as images so far will cost a browser to copy
  // (bytes: their size times their copies), against the copy budget.
  double copied_image_bytes_ = 0;
  // Rects' sizes (RectBox): how many rects of each were written, and its
  // class once it has one; the classes in the order they were given.
  struct SizeClass {
    uint64_t rects = 0;
    std::string name;
  };
  std::map<std::pair<int, int>, SizeClass> size_classes_;
  std::vector<std::pair<std::string, cv::Size>> size_rules_;
  uint64_t next_class_ = 0;
  // "sheet view-x view-y width height" -> id of a sprite's pattern.
  std::unordered_map<std::string, std::string> pattern_ids_;
  // Image id -> its pattern sheet (ImagePattern).
  std::unordered_map<std::string, std::string> image_patterns_;
  // Content hash -> images with that hash (compared byte for byte).
  std::unordered_map<uint64_t, std::vector<StoredImage>> stored_;
  // Pointer image serial -> id of its <image> in <defs>.
  std::unordered_map<uint64_t, std::string> cursor_images_;
  std::optional<CursorSpan> cursor_span_;  // shown now, if at all
  std::optional<CursorSpan> cursor_next_;  // what the frame being written shows
  std::string cursor_markup_;              // closed spans, written at Finish
  Timeline timeline_;
  // Loop: the keyframes rules needed, by what they show: (start, -1) for
  // "from start to the end of the period", (-1, length) for "for length";
  // the value is the rule's name.
  std::map<std::pair<int64_t, int64_t>, std::string> loop_rules_;
  SvgStats stats_;
};

}  // namespace svgcast

#endif  // SVGCAST_SVG_SVG_WRITER_H_
