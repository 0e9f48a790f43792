// svg/svg_writer.h: scrolled bands (EncodedFrame::move) shown as the
// earlier frames again, moved; checked by decoding with svg/svg_reader.h.
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "capture/png_reader.h"
#include "processing/png_encoder.h"
#include "svg/output_file.h"
#include "svg/svg_reader.h"
#include "svg/svg_writer.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

const cv::Size kSize(48, 40);

// "Text": rows that all differ, depending on `seed`.
cv::Mat Rows(cv::Size size, int seed) {
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const int v = (seed * 131 + y * 29 + x * 7 + x * y) & 0xFF;
      image.at<cv::Vec4b>(y, x) =
          cv::Vec4b(static_cast<uint8_t>(v), static_cast<uint8_t>(v ^ 0x55),
                    static_cast<uint8_t>(seed * 40), 255);
    }
  }
  return image;
}

// How a frame paints: an image of its own, a sprite, or one colour.
enum class Kind { kImage, kSprite, kFill };

EncodedPatch Patch(cv::Point at, const cv::Mat& pixels, Kind kind) {
  EncodedPatch patch;
  patch.rect = cv::Rect(at, pixels.size());
  if (kind == Kind::kSprite) {
    patch.sprite = pixels.clone();
  } else if (kind == Kind::kFill) {
    const cv::Vec4b c = pixels.at<cv::Vec4b>(0, 0);
    patch.fill = (uint32_t{c[2]} << 16) | (uint32_t{c[1]} << 8) | c[0];
  } else {
    auto png = std::make_shared<std::vector<uint8_t>>();
    EXPECT_TRUE(EncodePng(pixels, PngOptions{}, png.get()).ok());
    patch.png = png;
  }
  return patch;
}

// Writes the frames and decodes the SVG back: each decoded change must be
// the canvas the frames make (moves applied, then patches pasted).
struct Result {
  std::string svg;
  SvgStats stats;
};
// With `pixels`, each move carries the pixels it shows (moved_pixels), as
// the pipeline sends it; with `context` too, what the frame shows around
// it (band_context).
Result WriteAndCheck(const std::vector<EncodedFrame>& frames,
                     bool pixels = false, bool context = false,
                     SheetOptions sheets = {}) {
  TempDir dir;
  const std::string path = dir.File("out.svg");
  std::unique_ptr<OutputFile> out;
  EXPECT_TRUE(OutputFile::Open(path, &out).ok());
  SvgWriter writer(kSize, out.get(), TimingOptions{}, sheets);
  std::vector<cv::Mat> expected;
  cv::Mat canvas(kSize, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  for (const EncodedFrame& given : frames) {
    EncodedFrame frame = given;
    cv::Mat band;
    if (frame.move) {
      const cv::Mat& shown = expected.at(
          expected.size() - static_cast<size_t>(frame.move->frames_back));
      band = shown(frame.move->to + cv::Point(0, frame.move->dy)).clone();
      if (pixels) frame.moved_pixels = band;
    }
    if (frame.move) band.copyTo(canvas(frame.move->to));
    for (const EncodedPatch& patch : frame.patches) {
      if (patch.fill) {
        const uint32_t c = *patch.fill;
        canvas(patch.rect)
            .setTo(
                cv::Scalar(c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, 255));
      } else if (!patch.sprite.empty()) {
        patch.sprite.copyTo(canvas(patch.rect));
      } else {
        cv::Mat pixels;
        EXPECT_TRUE(
            DecodePngWithAlpha(patch.png->data(), patch.png->size(), &pixels)
                .ok());
        pixels.copyTo(canvas(patch.rect));
      }
    }
    if (frame.move && context) {
      const cv::Rect around =
          ContextAround(frame.move->to, cv::Rect(cv::Point(), kSize));
      frame.band_context = canvas(around).clone();
      frame.band_inside = frame.move->to.tl() - around.tl();
    }
    writer.WriteFrame(frame);
    expected.push_back(canvas.clone());
  }
  writer.Finish();
  EXPECT_TRUE(out->Commit().ok());
  size_t n = 0;
  const Status s = DecodeScreencast(path, [&](const DecodedFrame& decoded) {
    EXPECT_LT(n, expected.size());
    if (n < expected.size()) {
      EXPECT_EQ(decoded.time_us, static_cast<int64_t>(n) * 100'000);
      EXPECT_TRUE(SamePixels(expected[n], decoded.pixels)) << "frame " << n;
    }
    ++n;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(n, expected.size());
  return {ReadFile(path), writer.stats()};
}

EncodedFrame Frame(uint64_t seq, std::vector<EncodedPatch> patches,
                   std::optional<Move> move = std::nullopt) {
  EncodedFrame frame;
  frame.ticket.seq = seq;
  frame.ticket.timestamp_us = static_cast<int64_t>(seq) * 100'000;
  frame.patches = std::move(patches);
  frame.move = move;
  return frame;
}

// A terminal: the text band (rows 0-31) scrolls up 8 rows a frame and a
// new line is painted below it, as `kind`. With `frames_back` 2, the band
// shows the frame two before (from frame 2 on; frame 1 moves from 1 back).
std::vector<EncodedFrame> Scrolling(int moves, Kind kind, int frames_back = 1) {
  std::vector<EncodedFrame> frames;
  frames.push_back(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  for (int n = 1; n <= moves; ++n) {
    frames.push_back(
        Frame(n, {Patch({0, 32}, Rows({48, 8}, n + 1), kind)},
              Move{cv::Rect(0, 0, 48, 32), 8, n == 1 ? 1 : frames_back}));
  }
  return frames;
}

TEST(SvgWriterMove, BandShowsTheFrameBeforeAgainMoved) {
  const Result r = WriteAndCheck(Scrolling(1, Kind::kImage));
  // The poster gets an inner group with an id (it has no style of its
  // own); the move is one clipped <use> of it, 8 rows up.
  EXPECT_NE(r.svg.find("<g id=\"b\"><image id=\"a\""), std::string::npos)
      << r.svg;
  EXPECT_NE(r.svg.find("<svg width=\"48\" height=\"32\"><use href=\"#b\" "
                       "y=\"-8\"/></svg>"),
            std::string::npos)
      << r.svg;
  EXPECT_EQ(r.stats.moves, 1u);
  EXPECT_EQ(r.stats.moved_pieces, 1u);
}

TEST(SvgWriterMove, EveryKindOfPatchScrollsExactly) {
  for (Kind kind : {Kind::kImage, Kind::kSprite, Kind::kFill}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result r = WriteAndCheck(Scrolling(6, kind));
    EXPECT_EQ(r.stats.moves, 6u);
    // Each move shows the frame before (band) and its new line: one piece
    // each, however long the scroll has gone on.
    EXPECT_LE(r.stats.moved_pieces, 6u);
  }
}

TEST(SvgWriterMove, FrameOfOnePatchIsWrappedWhenShownAgain) {
  // Frame 1 is one <use>-free image patch over the band: normally a bare
  // element with the style; once moved, a group whose inner <g> has the id
  // (a copy must not carry the style, or it would hide with the frame).
  std::vector<EncodedFrame> frames = {
      Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}),
      Frame(1, {Patch({0, 0}, Rows({48, 40}, 5), Kind::kFill)}),
      Frame(2, {Patch({0, 8}, Rows({8, 8}, 6), Kind::kSprite)}),
      Frame(3, {}, Move{cv::Rect(0, 0, 48, 32), 8})};
  const Result r = WriteAndCheck(frames);
  EXPECT_EQ(Count(r.svg, "<g id="), 2) << r.svg;
  EXPECT_EQ(Count(r.svg, "<rect style="), 0) << r.svg;
  EXPECT_EQ(r.stats.moves, 1u);
}

TEST(SvgWriterMove, LongChainsFallBackToTheImagesThemselves) {
  // Each move shows the frame before, which shows the one before...: past
  // the depth bound, the pixels are shown from the images that painted
  // them (sprites on their sheet, images, colours), and it stays exact.
  for (Kind kind : {Kind::kImage, Kind::kSprite, Kind::kFill}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result r = WriteAndCheck(Scrolling(80, kind));
    EXPECT_EQ(r.stats.moves, 80u);
    EXPECT_GT(r.stats.moved_pieces, 80u);  // some moves took the long way
  }
}

// The same from sheets written as patterns (a browser copies them often;
// here every sheet is one): past the bound, the sprites' pixels are shown
// by rects filled with patterns of their sheet, each defined before the
// frames that show it, and it stays exact. A pattern is in the units of
// the box it fills, so a line shown again higher up takes its sprite's
// pattern: one pattern a sprite, however many times it is shown.
TEST(SvgWriterMove, LongChainsFallBackToPatternSheetsToo) {
  SheetOptions patterns;
  patterns.copy_budget_bytes = 0;
  const Result r = WriteAndCheck(Scrolling(80, Kind::kSprite),
                                 /*pixels=*/false, /*context=*/false, patterns);
  EXPECT_EQ(r.stats.moves, 80u);
  EXPECT_GT(r.stats.moved_pieces, 80u);
  EXPECT_GE(r.stats.pattern_sheets, 1u);
  EXPECT_EQ(r.stats.pattern_sheets, r.stats.sheets);
  // The fallback's pieces are whole lines, each its sprite's pattern
  // elsewhere.
  EXPECT_GT(r.stats.source_moves, 0u);
  EXPECT_EQ(r.stats.sprite_patterns, r.stats.sprites);
  EXPECT_GT(Count(r.svg, "fill=\"url(#"),
            static_cast<int>(r.stats.sprites + 3 * r.stats.source_moves));
  EXPECT_EQ(Count(r.svg, "<defs><image"), 0);  // every sheet a pattern
}

// A box at an odd place (here the band and its lines start at row 1)
// would put a tile's edges between device pixels at 50% and 150%: its
// pattern has a tile of its own in user space, at even places around it
// (patternUnits="userSpaceOnUse" x y width height), and it stays exact.
// The boxes at even places keep patterns in the units of the box.
TEST(SvgWriterMove, PatternsOfBoxesAtOddPlacesHaveATileInUserSpace) {
  SheetOptions patterns;
  patterns.copy_budget_bytes = 0;
  for (int top : {0, 1}) {
    SCOPED_TRACE(top);
    std::vector<EncodedFrame> frames;
    frames.push_back(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
    for (int n = 1; n <= 60; ++n) {
      frames.push_back(
          Frame(n, {Patch({0, top + 30}, Rows({48, 6}, n + 1), Kind::kSprite)},
                Move{cv::Rect(0, top, 48, 30), 6, 1}));
    }
    const Result r = WriteAndCheck(frames, false, false, patterns);
    EXPECT_EQ(r.stats.pattern_sheets, r.stats.sheets);
    EXPECT_GT(r.stats.source_moves, 0u);
    const int user_space = Count(r.svg, "patternUnits=\"userSpaceOnUse\"");
    if (top == 0) {
      EXPECT_EQ(user_space, 0);
      EXPECT_EQ(r.stats.sprite_patterns, r.stats.sprites);
    } else {
      // Every sprite's: the new line's box (0, 31, 48, 6) and 2 pixels
      // around it, widened to even rows: (-2, 28, 52, 12).
      EXPECT_EQ(user_space, static_cast<int>(r.stats.sprite_patterns));
      EXPECT_GE(r.stats.sprite_patterns, r.stats.sprites);
      EXPECT_TRUE(Contains(r.svg,
                           "x=\"-2\" y=\"28\" width=\"52\" "
                           "height=\"12\" viewBox=\""))
          << r.svg.substr(0, 2000);
    }
  }
}

TEST(SvgWriterMove, PastTheBoundTheBandIsShownFromItsSources) {
  // A move that would show a frame past a bound shows its band from the
  // images that painted it instead (here four lines: four pieces, fewer
  // bytes than painting it): a keyframe that copies no frame and costs no
  // pixels. The chain starts again from it, so every other move is still
  // one piece. The same with the moves' pixels or without.
  for (int back : {1, 2}) {
    for (Kind kind : {Kind::kImage, Kind::kSprite, Kind::kFill}) {
      SCOPED_TRACE(std::to_string(back) + " " +
                   std::to_string(static_cast<int>(kind)));
      const int moves = back == 1 ? 150 : 300;
      const Result r = WriteAndCheck(Scrolling(moves, kind, back));
      const Result given =
          WriteAndCheck(Scrolling(moves, kind, back), /*pixels=*/true);
      EXPECT_EQ(given.svg, r.svg);
      EXPECT_EQ(r.stats.painted_moves, 0u);
      EXPECT_EQ(r.stats.moves, static_cast<uint64_t>(moves));
      // A bound is reached after at most 25 moves in each chain: the depth
      // (24), or, here first, the copies' paint (four frames' area: after
      // the keyframe, one frame, each move adds its line, a fifth of the
      // frame; so after about 19 moves).
      EXPECT_GE(r.stats.source_moves, 2u);
      EXPECT_GE(r.stats.source_moves, static_cast<uint64_t>(moves / 25));
      EXPECT_LE(r.stats.source_moves, static_cast<uint64_t>(moves / 15));
      // One piece a move, and at most five (the band's four lines, or the
      // poster's rows and three lines) past the bound.
      EXPECT_GT(r.stats.moved_pieces, r.stats.moves);
      EXPECT_LE(r.stats.moved_pieces, r.stats.moves + 4 * r.stats.source_moves);
      // The lines' images (an <image> each, or sheets written as images)
      // are shown through patterns of them in frames shown again.
      if (kind != Kind::kFill) {
        EXPECT_GT(r.stats.image_patterns, 0u);
      }
    }
  }
}

// The frames shown again (an inner <g id> a <use> names) that hold a
// <use> of an image: a browser copies that image with each copy of the
// frame (WebKit handles its data again at every animation frame).
int FramesShownAgainThatCopyAnImage(const std::string& svg) {
  std::set<std::string> images, shown_again;
  const std::regex image("<image id=\"([^\"]+)\""),
      use("<use href=\"#([^\"]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), image);
       it != std::sregex_iterator(); ++it) {
    images.insert((*it)[1]);
  }
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), use);
       it != std::sregex_iterator(); ++it) {
    shown_again.insert((*it)[1]);
  }
  int frames = 0;
  std::istringstream lines(svg);
  const std::regex id("<g id=\"([^\"]+)\"");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, id) || !shown_again.count(m[1])) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), use);
         it != std::sregex_iterator(); ++it) {
      if (images.count((*it)[1])) {
        ++frames;
        break;
      }
    }
  }
  return frames;
}

TEST(SvgWriterMove, FramesShownAgainShowImagesThroughPatterns) {
  // Sprites on sheets written as images, and lines that are images of
  // their own, in frames that moves show again: through a pattern of the
  // image each (one <use> of it, in the pattern), exactly.
  for (Kind kind : {Kind::kSprite, Kind::kImage}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result r = WriteAndCheck(Scrolling(40, kind));
    EXPECT_EQ(r.stats.pattern_sheets, 0u);
    EXPECT_GT(r.stats.image_patterns, 0u);
    EXPECT_EQ(FramesShownAgainThatCopyAnImage(r.svg), 0) << r.svg;
  }
}

TEST(SvgWriterMove, PastTheBoundABandOfManySourcesIsPainted) {
  // The same, each new line painted as twelve colours: past the bound the
  // band would be 48 pieces. Given its pixels, it is painted instead (one
  // sprite); without them, it is still shown from those pieces, exactly.
  std::vector<EncodedFrame> frames = Scrolling(60, Kind::kFill);
  for (size_t n = 1; n < frames.size(); ++n) {
    frames[n].patches.clear();
    for (int x = 0; x < 48; x += 4) {
      frames[n].patches.push_back(Patch(
          {x, 32}, Rows({4, 8}, static_cast<int>(n * 12) + x), Kind::kFill));
    }
  }
  const Result painted = WriteAndCheck(frames, /*pixels=*/true);
  const Result shown = WriteAndCheck(frames);
  EXPECT_GE(painted.stats.source_moves, 2u);
  EXPECT_EQ(painted.stats.painted_moves, painted.stats.source_moves);
  EXPECT_EQ(shown.stats.painted_moves, 0u);
  EXPECT_GE(shown.stats.moved_pieces,
            shown.stats.moves + 40 * shown.stats.source_moves);
  EXPECT_LT(painted.svg.size(), shown.svg.size());
}

// A web page scrolling: its text column (x 8-39) moves, then the whole
// band with what is beside it (a scroll bar), in turn; a line is painted
// below each time. So each whole-band move shows two earlier frames again
// (the column's, and the band's before it), and those two more.
std::vector<EncodedFrame> TwoBandsInTurn(int moves, Kind kind) {
  std::vector<EncodedFrame> frames;
  frames.push_back(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  for (int n = 1; n <= moves; ++n) {
    const cv::Rect band =
        n % 2 ? cv::Rect(0, 0, 48, 32) : cv::Rect(8, 0, 32, 32);
    frames.push_back(Frame(n, {Patch({0, 32}, Rows({48, 8}, n + 1), kind)},
                           Move{band, 2, 1}));
  }
  return frames;
}

// What a browser paints to draw the frame that paints most, in frames'
// area: each element its box (a whole frame where it has none), and each
// <use> of a frame all that frame paints, its own copies included (a
// browser expands every <use>; one frame a line, as the writer writes).
double MostPaintedFrames(const std::string& svg) {
  const std::regex element(
      "<svg[^>]*><use href=\"#([^\"]+)\"[^>]*/></svg>|<rect[^>]*/>");
  const std::regex width(" width=\"(\\d+)\""), height(" height=\"(\\d+)\"");
  const std::regex id("<g id=\"([^\"]+)\"");
  // Rects of a size written before have a class, sized at the end.
  const std::regex size_rule(
      "\\.([A-Za-z]+)\\{width:(\\d+)px;height:(\\d+)px\\}");
  const std::regex size_class(" class=\"([A-Za-z]+)\"");
  std::map<std::string, cv::Size> sizes;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), size_rule);
       it != std::sregex_iterator(); ++it) {
    sizes[(*it)[1]] = cv::Size(std::stoi((*it)[2]), std::stoi((*it)[3]));
  }
  std::map<std::string, double> paint_of;  // frame id -> its paint
  double most = 0;
  std::istringstream lines(svg);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("<g style", 0) != 0 && line.rfind("<rect style", 0) != 0) {
      continue;
    }
    double paint = 0;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), element);
         it != std::sregex_iterator(); ++it) {
      const std::string tag = it->str();
      if ((*it)[1].matched && paint_of.count((*it)[1].str())) {
        paint += paint_of[(*it)[1].str()];
        continue;
      }
      std::smatch w, h, c;
      if (std::regex_search(tag, c, size_class)) {
        paint += static_cast<double>(sizes.at(c[1]).area()) / kSize.area();
        continue;
      }
      const int wide =
          std::regex_search(tag, w, width) ? std::stoi(w[1]) : kSize.width;
      const int high =
          std::regex_search(tag, h, height) ? std::stoi(h[1]) : kSize.height;
      paint += static_cast<double>(wide) * high / kSize.area();
    }
    std::smatch m;
    if (std::regex_search(line, m, id)) paint_of[m[1]] = paint;
    most = std::max(most, paint);
  }
  return most;
}

TEST(SvgWriterMove, CopiesPaintAtMostFourFramesArea) {
  // Within the depth bound (20 moves), the copies would grow as a
  // Fibonacci series; the band is shown from the images that painted it
  // once a frame's copy would paint over four frames' area, and no frame
  // paints more than that and its own band and line (1 + 1 frames), with
  // the moves' pixels or without.
  for (Kind kind : {Kind::kSprite, Kind::kImage}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result painted =
        WriteAndCheck(TwoBandsInTurn(20, kind), /*pixels=*/true);
    EXPECT_GE(painted.stats.source_moves, 2u);
    EXPECT_LE(MostPaintedFrames(painted.svg), 4.0 + 2.0) << painted.svg;
    const Result cut = WriteAndCheck(TwoBandsInTurn(20, kind));
    EXPECT_EQ(cut.stats.painted_moves, 0u);
    EXPECT_GE(cut.stats.source_moves, 2u);
    EXPECT_GT(cut.stats.moved_pieces, cut.stats.moves);
    EXPECT_LE(MostPaintedFrames(cut.svg), 4.0 + 2.0) << cut.svg;
  }
}

// A page's text column (x 8-39) scrolling 2 rows a frame, a new line
// painted at its foot, and a scroll bar's thumb beside it (x 44-47) a row
// lower each frame, whose top row no later frame paints over. The thumb
// is a group of its own at the frame's time, so the band's group ends once
// the next band covers it (in one group, the thumb's row would keep the
// frame, and the copies its band shows, painted to the end), and every
// frame decodes exactly.
TEST(SvgWriterMove, PatchesBesideTheBandAreAGroupOfTheirOwn) {
  const int moves = 12;
  std::vector<EncodedFrame> frames;
  frames.push_back(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  for (int n = 1; n <= moves; ++n) {
    frames.push_back(Frame(n,
                           {Patch({8, 32}, Rows({32, 2}, n + 1), Kind::kSprite),
                            Patch({44, n}, Rows({4, 6}, 100 + n), Kind::kFill)},
                           Move{cv::Rect(8, 0, 32, 32), 2, 1}));
  }
  for (bool pixels : {false, true}) {
    SCOPED_TRACE(pixels);
    const Result r = WriteAndCheck(frames, pixels);
    EXPECT_EQ(r.stats.moves + r.stats.painted_moves,
              static_cast<uint64_t>(moves));
    // Each thumb a <rect> with its own style (one element: no group).
    EXPECT_EQ(Count(r.svg, "<rect style=\"--d:"), moves);
    // Every band's group but the last ends (the next band covers it).
    int bands_ended = 0;
    std::istringstream lines(r.svg);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("<g style=\"--d:", 0) == 0 &&
          Contains(line, "<use href=") && Contains(line, ";--e:")) {
        ++bands_ended;
      }
    }
    EXPECT_GE(bands_ended, static_cast<int>(r.stats.moves) - 1) << r.svg;
  }
}

TEST(SvgWriterMove, BandOfManySmallFramesIsPaintedWhenSmaller) {
  // A terminal where a command was typed: each character a frame of its
  // own. Shown again, the band would be a <use> for each of them; given
  // its pixels, it is one image (smaller), and it stays exact.
  std::vector<EncodedFrame> frames = {
      Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kFill)})};
  for (int n = 1; n <= 48; ++n) {
    const cv::Point at(((n - 1) % 12) * 4, ((n - 1) / 12) * 8 + 8);
    frames.push_back(Frame(n, {Patch(at, Rows({2, 2}, n), Kind::kImage)}));
  }
  frames.push_back(Frame(49, {Patch({0, 32}, Rows({48, 8}, 60), Kind::kFill)},
                         Move{cv::Rect(0, 0, 48, 32), 8}));
  const Result shown = WriteAndCheck(frames);
  const Result painted = WriteAndCheck(frames, /*pixels=*/true);
  EXPECT_EQ(shown.stats.moves, 1u);
  EXPECT_GE(shown.stats.moved_pieces, 36u);  // (the characters still in it)
  EXPECT_EQ(painted.stats.moves, 0u);
  EXPECT_EQ(painted.stats.painted_moves, 1u);
  EXPECT_LT(painted.svg.size(), shown.svg.size());
  // A few frames shown again stay a move, pixels or not.
  frames.erase(frames.begin() + 4, frames.begin() + 49);
  for (size_t n = 0; n < frames.size(); ++n) {
    frames[n].ticket.seq = n;
    frames[n].ticket.timestamp_us = static_cast<int64_t>(n) * 100'000;
  }
  EXPECT_EQ(WriteAndCheck(frames, /*pixels=*/true).stats.painted_moves, 0u);
}

// Grey "text" rows (B = G = R), depending on `seed`.
cv::Mat GreyRows(cv::Size size, int seed) {
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const auto v =
          static_cast<uint8_t>((seed * 131 + y * 29 + x * 7) ^ x * y);
      image.at<cv::Vec4b>(y, x) = cv::Vec4b(v, v, v, 255);
    }
  }
  return image;
}

TEST(SvgWriterMove, PaintedRowsOfABandHaveTheirGreyRowsApart) {
  // Grey text with a coloured line in it (rows 16-23), typed in below it
  // a character a frame, then scrolled 8 rows up: the band's last rows
  // (16-31) are painted (as in TypedLineInTheBandIsPaintedAsOneSprite),
  // the grey ones apart from the coloured ones, for the grey sheet, given
  // the frame around them (a grey part's context must be grey too).
  cv::Mat poster = GreyRows(kSize, 1);
  Rows({48, 8}, 3).copyTo(poster(cv::Rect(0, 16, 48, 8)));
  std::vector<EncodedFrame> frames = {
      Frame(0, {Patch({0, 0}, poster, Kind::kImage)})};
  for (int n = 1; n <= 48; ++n) {
    const cv::Point at(((n - 1) % 12) * 4, ((n - 1) / 12) * 2 + 26);
    frames.push_back(Frame(n, {Patch(at, GreyRows({2, 2}, n), Kind::kImage)}));
  }
  frames.push_back(Frame(49,
                         {Patch({0, 32}, GreyRows({48, 8}, 60), Kind::kFill)},
                         Move{cv::Rect(0, 0, 48, 32), 8}));
  const Result whole = WriteAndCheck(frames, /*pixels=*/true);
  const Result apart = WriteAndCheck(frames, /*pixels=*/true,
                                     /*context=*/true);
  EXPECT_EQ(whole.stats.painted_tails, 1u);
  EXPECT_EQ(apart.stats.painted_tails, 1u);
  // (One sprite alone is an image of its own.)
  EXPECT_NE(whole.svg.find("<image y=\"16\" width=\"48\" height=\"16\""),
            std::string::npos);
  // The coloured rows now at 8-15 and 2 rows of context below them (even):
  // rows 16-17 on the RGB sheet, 18-31 on the grey one.
  EXPECT_EQ(apart.stats.sprites, 2u);
  EXPECT_EQ(apart.stats.sheets, 2u);
  EXPECT_EQ(Count(apart.svg, "<svg y=\"16\" width=\"48\" height=\"2\">"), 1);
  EXPECT_EQ(Count(apart.svg, "<svg y=\"18\" width=\"48\" height=\"14\">"), 1);
}

// A terminal where a command was typed at the bottom of the band (rows
// 24-31), a character a frame, under text costly to paint again (rows
// 0-23, one frame), then Enter: the band moves up 8 rows.
std::vector<EncodedFrame> TypedLine() {
  std::vector<EncodedFrame> frames = {
      Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)})};
  for (int n = 1; n <= 40; ++n) {
    const cv::Point at(((n - 1) % 20) * 2 + 4, 24 + ((n - 1) / 20) * 4);
    frames.push_back(Frame(n, {Patch(at, Rows({2, 2}, n), Kind::kImage)}));
  }
  frames.push_back(Frame(41, {Patch({0, 32}, Rows({48, 8}, 60), Kind::kFill)},
                         Move{cv::Rect(0, 0, 48, 32), 8}));
  return frames;
}

TEST(SvgWriterMove, TypedLineInTheBandIsPaintedAsOneSprite) {
  // Shown again, the band's last rows would be a <use> for each character;
  // given the move's pixels, those rows are one sprite (smaller), the rows
  // above them still the earlier frame moved, and it stays exact.
  const Result shown = WriteAndCheck(TypedLine());
  const Result painted = WriteAndCheck(TypedLine(), /*pixels=*/true);
  EXPECT_EQ(shown.stats.painted_tails, 0u);
  EXPECT_GE(shown.stats.moved_pieces, 40u);
  EXPECT_EQ(painted.stats.moves, 1u);
  EXPECT_EQ(painted.stats.painted_moves, 0u);
  EXPECT_EQ(painted.stats.painted_tails, 1u);
  EXPECT_LT(painted.stats.moved_pieces, 4u);
  EXPECT_LT(painted.svg.size(), shown.svg.size());
}

TEST(SvgWriterMove, TailContextNotAroundTheBandThrows) {
  // (band_context: what the frame shows around the band, which holds it.)
  std::vector<EncodedFrame> frames = TypedLine();
  frames.back().band_context = cv::Mat(10, 48, CV_8UC4, cv::Scalar::all(0));
  EXPECT_THROW(WriteAndCheck(frames, /*pixels=*/true), std::logic_error);
  frames.back().band_context = cv::Mat(34, 48, CV_8UC4, cv::Scalar::all(0));
  const Result r = WriteAndCheck(frames, /*pixels=*/true);
  EXPECT_EQ(r.stats.painted_tails, 1u);
}

TEST(SvgWriterMove, MovedPixelsNotTheBandsSizeThrow) {
  // (70 moves, each given pixels of the wrong size: the first throws.)
  std::vector<EncodedFrame> frames = Scrolling(70, Kind::kFill);
  TempDir dir;
  std::unique_ptr<OutputFile> out;
  ASSERT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
  SvgWriter writer(kSize, out.get());
  for (EncodedFrame& frame : frames) {
    if (frame.move) frame.moved_pixels = cv::Mat(31, 48, CV_8UC4);
  }
  EXPECT_THROW(for (const EncodedFrame& frame
                    : frames) writer.WriteFrame(frame),
               std::logic_error);
}

TEST(SvgWriterMove, MovesFromTwoFramesBackShowThoseFrames) {
  // Frame 2's band is frame 0's rows moved, not frame 1's: the poster is
  // shown again, though frame 1 painted over it since.
  const Result two = WriteAndCheck(Scrolling(2, Kind::kImage, 2));
  EXPECT_EQ(Count(two.svg, "<use href=\"#b\""), 2) << two.svg;
  // The two chains (odd and even frames) of a long scroll, each past the
  // depth bound: exact through the fallback too.
  for (Kind kind : {Kind::kImage, Kind::kSprite, Kind::kFill}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result r = WriteAndCheck(Scrolling(140, kind, 2));
    EXPECT_EQ(r.stats.moves, 140u);
    EXPECT_GT(r.stats.moved_pieces, 140u);  // some moves took the long way
  }
}

// An interactive terminal: each command scrolls the band (rows 0-31) 8
// rows up, as a move from the anchor (the first: from the frame before),
// and paints a new line below it (rows 32-39); then two characters are
// typed on it. The frame before each scroll becomes the anchor: with the
// scroll itself (seq - 1) for odd commands, with the first character typed
// (seq - 2) for even ones, as the pipeline does.
std::vector<EncodedFrame> Session(int commands, Kind kind) {
  std::vector<EncodedFrame> frames;
  frames.push_back(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  uint64_t seq = 1;
  std::optional<uint64_t> anchor;
  const cv::Rect band(0, 0, 48, 32);
  const auto take = [&](EncodedFrame* frame, uint64_t new_anchor) {
    if (anchor) frame->anchors_dropped = {*anchor};
    frame->new_anchor = anchor = new_anchor;
  };
  for (int c = 0; c < commands; ++c, seq += 3) {
    const int back = anchor ? static_cast<int>(seq - *anchor) : 1;
    EncodedFrame scroll = Frame(
        seq, {Patch({0, 32}, Rows({48, 8}, static_cast<int>(seq) + 50), kind)},
        Move{band, 8, back});
    if (c % 2 == 1) take(&scroll, seq - 1);
    frames.push_back(scroll);
    for (uint64_t t = 1; t <= 2; ++t) {
      EncodedFrame typed = Frame(
          seq + t, {Patch({8 * static_cast<int>(t), 32},
                          Rows({8, 8}, static_cast<int>(seq + t)), kind)});
      if (c % 2 == 0 && t == 1) take(&typed, seq - 1);
      frames.push_back(typed);
    }
  }
  return frames;
}

TEST(SvgWriterMove, MovesFromAnchorsShowThoseFrames) {
  // Each move shows the anchor's rows, not the frames' since (typed
  // characters over the band's new line): exact for every kind of patch,
  // short sessions and ones past the depth bound, with and without the
  // moves' pixels.
  for (Kind kind : {Kind::kImage, Kind::kSprite, Kind::kFill}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const Result r = WriteAndCheck(Session(4, kind));
    EXPECT_EQ(r.stats.moves, 4u);
    for (bool pixels : {false, true}) {
      SCOPED_TRACE(pixels);
      const Result chain = WriteAndCheck(Session(120, kind), pixels);
      EXPECT_EQ(chain.stats.moves + chain.stats.painted_moves, 120u);
      EXPECT_GT(chain.stats.source_moves, 0u);  // (past the bound)
      if (!pixels) {
        EXPECT_EQ(chain.stats.painted_moves, 0u);
      }
    }
  }
  // (Frame 4 shows frame 0, made an anchor at frame 2; frame 7 shows
  // frame 3, made one at frame 4.)
  const std::vector<EncodedFrame> s = Session(3, Kind::kImage);
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s[4].move->frames_back, 4);
  EXPECT_EQ(s[7].move->frames_back, 4);
  EXPECT_EQ(s[2].new_anchor, 0u);
  EXPECT_EQ(s[4].new_anchor, 3u);
}

TEST(SvgWriterMove, MoveFromAFrameNotKeptThrows) {
  // From 4 frames back with no anchor there; from an anchor dropped; an
  // anchor neither one nor two frames back.
  const std::vector<EncodedFrame> frames = Session(3, Kind::kImage);
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    TempDir dir;
    std::unique_ptr<OutputFile> out;
    ASSERT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
    SvgWriter writer(kSize, out.get());
    std::vector<EncodedFrame> bad = frames;
    if (variant == 0) bad[2].new_anchor.reset();     // frame 4 moves from 0
    if (variant == 1) bad[7].move->frames_back = 7;  // from 0, dropped at 4
    if (variant == 2) bad[5].new_anchor = 2;
    EXPECT_THROW(for (const EncodedFrame& frame
                      : bad) writer.WriteFrame(frame),
                 std::logic_error);
  }
}

TEST(SvgWriterMove, MoveFromBeforeTheFirstFrameThrows) {
  TempDir dir;
  std::unique_ptr<OutputFile> out;
  ASSERT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
  SvgWriter writer(kSize, out.get());
  writer.WriteFrame(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  EXPECT_THROW(
      writer.WriteFrame(Frame(1, {}, Move{cv::Rect(0, 0, 48, 32), 8, 2})),
      std::logic_error);
  EXPECT_THROW(
      writer.WriteFrame(Frame(1, {}, Move{cv::Rect(0, 0, 48, 32), 8, 3})),
      std::logic_error);
}

TEST(SvgWriterMove, MoveOutsideTheFrameThrows) {
  TempDir dir;
  std::unique_ptr<OutputFile> out;
  ASSERT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
  SvgWriter writer(kSize, out.get());
  writer.WriteFrame(Frame(0, {Patch({0, 0}, Rows(kSize, 1), Kind::kImage)}));
  EXPECT_THROW(writer.WriteFrame(Frame(1, {}, Move{cv::Rect(0, 0, 48, 36), 8})),
               std::logic_error);
}

}  // namespace
}  // namespace svgcast::test
