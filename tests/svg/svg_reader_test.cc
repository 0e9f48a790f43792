// svg/svg_reader.h: golden decode, <use>, document-order painting, errors.
#include "svg/svg_reader.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "processing/png_encoder.h"
#include "svg/base64.h"
#include "tests/svg/golden_frames.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

struct Decoded {
  Status status;
  std::vector<int64_t> times;
  std::vector<cv::Mat> canvases;
};

Decoded DecodeAll(const std::string& path) {
  Decoded d;
  d.status = DecodeScreencast(path, [&](const DecodedFrame& frame) {
    d.times.push_back(frame.time_us);
    d.canvases.push_back(frame.pixels.clone());
    return Status::Ok();
  });
  return d;
}

std::string PngDataUri(const cv::Mat& bgrx) {
  std::vector<uint8_t> png;
  const Status s = EncodePng(bgrx, PngOptions{}, &png);
  EXPECT_TRUE(s.ok()) << s.message();
  std::string uri = "data:image/png;base64,";
  AppendBase64(png.data(), png.size(), &uri);
  return uri;
}

std::string ImageTag(const std::string& id, cv::Point at, const cv::Mat& bgrx) {
  return "<image id=\"" + id + "\" x=\"" + std::to_string(at.x) + "\" y=\"" +
         std::to_string(at.y) + "\" width=\"" + std::to_string(bgrx.cols) +
         "\" height=\"" + std::to_string(bgrx.rows) + "\" href=\"" +
         PngDataUri(bgrx) + "\"/>";
}

// An svgcast SVG with `body` after the header.
std::string Svg(cv::Size size, const std::string& body) {
  const std::string w = std::to_string(size.width);
  const std::string h = std::to_string(size.height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w +
         "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
         "\">\n<metadata>svgcast 1</metadata>\n"
         "<style>g{visibility:hidden;animation:a 0s forwards}"
         "@keyframes a{to{visibility:visible}}</style>\n" +
         body + "\n</svg>\n";
}

// The same in svgcast 2 (delays in --d, frames of one element, ends).
std::string Svg2(cv::Size size, const std::string& body) {
  std::string svg = Svg(size, body);
  svg.replace(svg.find("svgcast 1"), 9, "svgcast 2");
  return svg;
}

std::string Group(const std::string& delay, const std::string& content) {
  return "<g style=\"animation-delay:" + delay + "\">" + content + "</g>\n";
}

const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kRed(0, 0, 255);
const cv::Scalar kGreen(0, 255, 0);
const cv::Scalar kBlue(255, 0, 0);

TEST(SvgReader, DecodesTheGoldenFile) {
  const Decoded d = DecodeAll(GoldenSvgPath());
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  const std::vector<GoldenFrame> golden = GoldenSequence();
  // The last golden frame is a repeat: no change, no decoded frame.
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 146500, 300000}));
  for (size_t i = 0; i < d.times.size(); ++i) {
    EXPECT_TRUE(SamePixels(golden[i].canvas, d.canvases[i])) << "frame " << i;
  }
}

// The settings that made it, from its <metadata> (the defaults when it
// names none).
TEST(SvgReader, ReadsTheSettingsThatMadeIt) {
  TempDir dir;
  const struct {
    std::string metadata;
    bool webp;
    int align_px;
  } cases[] = {{"svgcast 2", false, 2},
               {"svgcast 2 --codec webp", true, 2},
               {"svgcast 2 --align 4", false, 4},
               {"svgcast 2 --codec webp --align 4", true, 4},
               {"svgcast 2 --align 4 --codec png", false, 4}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.metadata);
    std::string svg =
        Svg2({4, 2}, ImageTag("a", {0, 0}, SolidFrame({4, 2}, {0, 0, 255})));
    svg.replace(svg.find("svgcast 2"), 9, c.metadata);
    WriteFile(dir.File("s.svg"), svg);
    std::unique_ptr<ScreencastDecoder> decoder;
    ASSERT_TRUE(ScreencastDecoder::Open(dir.File("s.svg"), &decoder).ok());
    EXPECT_EQ(decoder->settings().webp, c.webp);
    EXPECT_EQ(decoder->settings().align_px, c.align_px);
  }
}

// Whether it loops, from its timing's <style> (written after the pieces):
// how long the last picture stays before the start comes back.
TEST(SvgReader, ReadsWhetherItLoopsAndItsHold) {
  TempDir dir;
  const std::string pieces =
      ImageTag("a", {0, 0}, SolidFrame({4, 2}, kWhite)) +
      Group("100ms", ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed))) +
      Group("250.5ms", ImageTag("c", {1, 0}, SolidFrame({1, 1}, kRed)));
  const struct {
    std::string style;
    int64_t hold_us;
  } cases[] = {
      {"", -1},
      {"<style>.a{width:2px;height:2px}</style>", -1},
      {"<style>[style]{animation-duration:950.5ms;animation-timing-"
       "function:step-end;animation-iteration-count:infinite}"
       "@keyframes a{0%{visibility:visible}}</style>",
       700000},
      {"<style>[style]{animation-duration:250.5ms;animation-iteration-count:"
       "infinite}</style>",
       0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.style);
    WriteFile(dir.File("s.svg"), Svg2({4, 2}, pieces + c.style));
    std::unique_ptr<ScreencastDecoder> decoder;
    const Status s = ScreencastDecoder::Open(dir.File("s.svg"), &decoder);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(decoder->settings().loop_hold_us, c.hold_us);
  }
}

TEST(SvgReader, UsePlacesTheEarlierImageMoved) {
  TempDir dir;
  const std::string path = dir.File("use.svg");
  const cv::Size size(6, 4);
  const cv::Mat red = SolidFrame({2, 2}, kRed);
  WriteFile(
      path,
      Svg(size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                    Group("100ms", ImageTag("b", {1, 0}, red)) +
                    Group("200ms", "<use href=\"#b\" x=\"2\" y=\"2\"/>") +
                    // Partly outside the canvas: clipped.
                    Group("300ms", "<use href=\"#b\" x=\"4\" y=\"-1\"/>")));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 100000, 200000, 300000}));

  cv::Mat expected = SolidFrame(size, kWhite);
  EXPECT_TRUE(SamePixels(expected, d.canvases[0]));
  expected(cv::Rect(1, 0, 2, 2)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
  expected(cv::Rect(3, 2, 2, 2)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[2]));
  expected(cv::Rect(5, 0, 1, 1)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[3]));
}

// svgcast 2: delays in --d, and a frame of one patch is that element with
// the style, without a group.
TEST(SvgReader, ReadsOneElementFramesWithoutGroups) {
  TempDir dir;
  const std::string path = dir.File("bare.svg");
  const cv::Size size(6, 4);
  std::string svg = Svg2(
      size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                "<g style=\"--d:100ms\">" +
                ImageTag("b", {1, 0}, SolidFrame({2, 2}, kRed)) + "</g>\n" +
                "<use style=\"--d:200ms\" href=\"#b\" x=\"2\" y=\"2\"/>\n"
                "<rect style=\"--d:300.5ms\" x=\"5\" width=\"1\" height=\"4\" "
                "fill=\"#00ff00\"/>\n");
  WriteFile(path, svg);
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 100000, 200000, 300500}));
  cv::Mat expected = SolidFrame(size, kWhite);
  expected(cv::Rect(1, 0, 2, 2)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
  expected(cv::Rect(3, 2, 2, 2)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[2]));
  expected(cv::Rect(5, 0, 1, 4)).setTo(cv::Scalar(0, 255, 0, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[3]));
}

// A rect of a size written before has a class instead of its width and
// height; a <style> at the end sizes the class (its other rules, and
// other styles, do not matter).
TEST(SvgReader, RectsOfAClassTakeItsSize) {
  TempDir dir;
  const std::string path = dir.File("classes.svg");
  const cv::Size size(6, 4);
  std::string svg = Svg2(
      size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                "<rect style=\"--d:100ms\" x=\"1\" width=\"2\" "
                "height=\"3\" fill=\"#ff0000\"/>\n"
                "<g style=\"--d:200ms\"><rect x=\"4\" y=\"1\" class=\"b\" "
                "fill=\"#00ff00\"/><rect class=\"ba\" fill=\"#0000ff\"/></g>\n"
                "<style>.c{visibility:hidden}.a{width:9px}"
                ".b{width:2px;height:3px}.ba{width:1px;height:1px}</style>");
  WriteFile(path, svg);
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 100000, 200000}));
  cv::Mat expected = SolidFrame(size, kWhite);
  expected(cv::Rect(1, 0, 2, 3)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
  expected(cv::Rect(4, 1, 2, 3)).setTo(cv::Scalar(0, 255, 0, 255));
  expected(cv::Rect(0, 0, 1, 1)).setTo(cv::Scalar(255, 0, 0, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[2]));
}

// A frame with an end (;--e:) is hidden from then on: what is under it
// shows again (svgcast writes ends only for frames covered by later ones,
// but the reader does not count on that).
TEST(SvgReader, FramesWithAnEndAreHiddenFromThen) {
  TempDir dir;
  const std::string path = dir.File("ends.svg");
  const cv::Size size(6, 4);
  std::string svg = Svg2(
      size, "<g style=\"--d:0ms;--e:400ms\">" +
                ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) + "</g>\n" +
                "<g style=\"--d:100ms;--e:300ms\">" +
                ImageTag("b", {1, 0}, SolidFrame({2, 2}, kRed)) + "</g>\n" +
                "<rect style=\"--d:200ms;--e:300ms\" x=\"2\" width=\"1\" "
                "height=\"1\" fill=\"#00ff00\"/>\n"
                "<use style=\"--d:250ms\" href=\"#b\" x=\"3\" y=\"2\"/>\n");
  WriteFile(path, svg);
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times,
            (std::vector<int64_t>{0, 100000, 200000, 250000, 300000, 400000}));
  cv::Mat expected = SolidFrame(size, kWhite);
  expected(cv::Rect(1, 0, 2, 2)).setTo(kRed);
  expected(cv::Rect(2, 0, 1, 1)).setTo(kGreen);
  expected(cv::Rect(4, 2, 2, 2)).setTo(kRed);
  EXPECT_TRUE(SamePixels(expected, d.canvases[3]));
  // At 300 ms the red square and the green pixel go: white again there.
  expected(cv::Rect(1, 0, 2, 2)).setTo(kWhite);
  EXPECT_TRUE(SamePixels(expected, d.canvases[4]));
  // At 400 ms the poster goes too: nothing is under it (black).
  cv::Mat last(size, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  last(cv::Rect(4, 2, 2, 2)).setTo(kRed);
  EXPECT_TRUE(SamePixels(last, d.canvases[5]));
}

// A white 6x4 poster, then `body` at 100 ms, which shows the green 2x2
// corner of a red 4x4 sheet at (1, 0).
void ExpectTheSheetsGreenAtOneZero(const std::string& body) {
  TempDir dir;
  const cv::Size size(6, 4);
  const std::string path = dir.File("sprite.svg");
  WriteFile(path, Svg2(size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                                 body + "\n"));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 100000}));
  cv::Mat expected = SolidFrame(size, kWhite);
  expected(cv::Rect(1, 0, 2, 2)).setTo(kGreen);
  EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
}

// A sprite shows a box of a sheet: the sheet moved inside a nested <svg>
// that clips to the box, or (as svgcast wrote it before) the box as the
// nested <svg>'s viewBox.
TEST(SvgReader, SpritesShowTheirBoxOfTheSheet) {
  cv::Mat sheet = SolidFrame({4, 4}, kRed);
  sheet(cv::Rect(2, 2, 2, 2)).setTo(kGreen);
  const std::string defs =
      "<defs>" + ImageTag("s", {0, 0}, sheet) + "</defs>\n";
  for (const std::string sprite :
       {"<svg style=\"--d:100ms\" x=\"1\" width=\"2\" height=\"2\">"
        "<use href=\"#s\" x=\"-2\" y=\"-2\"/></svg>",
        "<svg style=\"--d:100ms\" x=\"1\" width=\"2\" height=\"2\" "
        "viewBox=\"2 2 2 2\"><use href=\"#s\"/></svg>"}) {
    SCOPED_TRACE(sprite);
    ExpectTheSheetsGreenAtOneZero(defs + sprite);
  }
}

// A pattern sheet: <pattern id width height patternUnits> around its
// image, or around a <use> of an image written before (where a frame shown
// again shows an image sheet's sprites); a sprite's pattern inherits it
// (href) and shows its viewBox at its tile (x, y), with the sheet's width
// and height unless it gives its own; a rect filled with one shows the
// sheet's pixels there. A sheet in box units (width="1" height="1", no
// patternUnits): its sprites' patterns are only a viewBox, the tile the
// rect's box; or, with patternUnits="userSpaceOnUse", a tile of their own.
// (Its units: userSpaceOnUse, with `size`, or kBoxUnits.)
constexpr char kBoxUnits[] = " width=\"1\" height=\"1\"";
std::string PatternSheet(const std::string& id, const cv::Mat& bgrx,
                         const std::string& size = "") {
  return "<pattern id=\"" + id + "\"" + size +
         (size == kBoxUnits ? "" : " patternUnits=\"userSpaceOnUse\"") +
         "><image width=\"" + std::to_string(bgrx.cols) + "\" height=\"" +
         std::to_string(bgrx.rows) + "\" href=\"" + PngDataUri(bgrx) +
         "\"/></pattern>";
}

TEST(SvgReader, RectsFilledWithASpritesPatternShowItsPartOfTheSheet) {
  cv::Mat sheet = SolidFrame({4, 4}, kRed);
  sheet(cv::Rect(2, 2, 2, 2)).setTo(kGreen);
  // Tile (0, -1, 4, 4) shows the sheet from (1, 1): screen (1, 0) is
  // sheet (2, 2).
  for (const std::string& defs :
       {"<defs>" + PatternSheet("s", sheet) +
            "<pattern id=\"p\" href=\"#s\" y=\"-1\" width=\"4\" "
            "height=\"4\" viewBox=\"1 1 4 4\"/></defs>",
        "<defs>" + PatternSheet("s", sheet, " width=\"4\" height=\"4\"") +
            "<pattern id=\"p\" href=\"#s\" y=\"-1\" viewBox=\"1 1 4 "
            "4\"/></defs>",
        // (The image one pixel left: the view one pixel left too.)
        "<defs>" + ImageTag("i", {-1, 0}, sheet) +
            "<pattern id=\"s\" width=\"4\" height=\"4\" "
            "patternUnits=\"userSpaceOnUse\"><use href=\"#i\"/></pattern>"
            "<pattern id=\"p\" href=\"#s\" y=\"-1\" viewBox=\"0 1 4 "
            "4\"/></defs>",
        // A sheet in the units of the box it fills: the tile is the rect's
        // box (1, 0, 2, 2), and shows the sheet from (2, 2).
        "<defs>" + PatternSheet("s", sheet, kBoxUnits) +
            "<pattern id=\"p\" href=\"#s\" viewBox=\"2 2 2 2\"/></defs>",
        "<defs>" + ImageTag("i", {-1, 0}, sheet) + "<pattern id=\"s\"" +
            kBoxUnits +
            "><use href=\"#i\"/></pattern>"
            "<pattern id=\"p\" href=\"#s\" viewBox=\"1 2 2 2\"/></defs>",
        // Of such a sheet, a tile in user space (a box at an odd place).
        "<defs>" + PatternSheet("s", sheet, kBoxUnits) +
            "<pattern id=\"p\" href=\"#s\" patternUnits=\"userSpaceOnUse\" "
            "y=\"-1\" width=\"4\" height=\"4\" viewBox=\"1 1 4 4\"/>"
            "</defs>"}) {
    SCOPED_TRACE(defs);
    ExpectTheSheetsGreenAtOneZero(
        defs +
        "\n<rect style=\"--d:100ms\" x=\"1\" width=\"2\" height=\"2\" "
        "fill=\"url(#p)\"/>");
  }
}

// A row (<svg y height>) around sprite frames: each takes its y and
// height from the row. Its <defs> may hold aliases, <use id>s of an
// earlier image, moved: a sprite that shows one shows the image moved by
// both (the sheet's lower rows here, either way).
TEST(SvgReader, SpritesInARowTakeItsRows) {
  const cv::Size size(6, 5);
  cv::Mat sheet = SolidFrame({4, 4}, kBlue);
  sheet(cv::Rect(0, 2, 2, 2)).setTo(kRed);
  sheet(cv::Rect(2, 2, 2, 2)).setTo(kGreen);
  for (bool alias : {false, true}) {
    SCOPED_TRACE(alias ? "through an alias" : "the sheet itself");
    TempDir dir;
    const std::string defs =
        alias ? "<defs><use id=\"t\" href=\"#s\" y=\"-2\"/></defs>\n" : "";
    const std::string href = alias ? "#t\"" : "#s\" y=\"-2\"";
    const std::string svg =
        Svg2(size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) + "<defs>" +
                       ImageTag("s", {0, 0}, sheet) + "</defs>\n" +
                       "<svg y=\"2\" height=\"2\">\n" + defs +
                       "<svg style=\"--d:100ms\" width=\"2\"><use href=\"" +
                       href + "/></svg>\n" +
                       "<svg style=\"--d:200ms\" x=\"3\" width=\"2\"><use "
                       "x=\"-2\" href=\"" +
                       href + "/></svg>\n</svg>\n");
    const std::string path = dir.File("row.svg");
    WriteFile(path, svg);
    const Decoded d = DecodeAll(path);
    ASSERT_TRUE(d.status.ok()) << d.status.message();
    ASSERT_EQ(d.times, (std::vector<int64_t>{0, 100000, 200000}));
    cv::Mat expected = SolidFrame(size, kWhite);
    expected(cv::Rect(0, 2, 2, 2)).setTo(kRed);
    EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
    expected(cv::Rect(3, 2, 2, 2)).setTo(kGreen);
    EXPECT_TRUE(SamePixels(expected, d.canvases[2]));
  }
}

// A browser shows, at time t, every element whose time has come, painted in
// document order, whatever the order of the times. Here the 200 ms group
// comes first in the document, so the 100 ms group stays on top of it.
// A one-colour rect is painted from its colour: one far larger than the
// screen (a few bytes of file) paints the screen, without pixels of its
// own (three of 16384x16384 once took 3 GB).
TEST(SvgReader, RectsFarLargerThanTheScreenPaintIt) {
  TempDir dir;
  const std::string path = dir.File("big.svg");
  std::string rects;
  for (int i = 0; i < 3; ++i) {
    rects += "<rect style=\"--d:" + std::to_string(10 * (i + 1)) +
             "ms\" x=\"-100\" y=\"-100\" width=\"16384\" height=\"16384\" "
             "fill=\"" +
             std::string(i == 1 ? "#00f" : "#0f0") + "\"/>\n";
  }
  WriteFile(
      path,
      Svg2({4, 2}, ImageTag("a", {0, 0}, SolidFrame({4, 2}, kWhite)) + rects));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 10000, 20000, 30000}));
  EXPECT_TRUE(SamePixels(d.canvases[1], SolidFrame({4, 2}, kGreen)));
  EXPECT_TRUE(SamePixels(d.canvases[2], SolidFrame({4, 2}, kBlue)));
  EXPECT_TRUE(SamePixels(d.canvases[3], SolidFrame({4, 2}, kGreen)));
}

TEST(SvgReader, LayersOutOfTimeOrderPaintInDocumentOrder) {
  TempDir dir;
  const std::string path = dir.File("order.svg");
  const cv::Size size(4, 2);
  WriteFile(
      path,
      Svg(size,
          ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
              Group("200ms", ImageTag("b", {0, 0}, SolidFrame(size, kRed))) +
              Group("100ms",
                    ImageTag("c", {2, 0}, SolidFrame({2, 2}, kGreen))) +
              Group("50ms", ImageTag("d", {3, 1}, SolidFrame({1, 1}, kBlue)))));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 50000, 100000, 200000}));

  // W W W W    W W W W    W W G G    R R G G
  // W W W W    W W W B    W W G B    R R G B
  cv::Mat expected = SolidFrame(size, kWhite);
  EXPECT_TRUE(SamePixels(expected, d.canvases[0])) << "at 0 ms";
  expected.at<cv::Vec4b>(1, 3) = cv::Vec4b(255, 0, 0, 255);
  EXPECT_TRUE(SamePixels(expected, d.canvases[1])) << "at 50 ms";
  expected(cv::Rect(2, 0, 2, 2)).setTo(cv::Scalar(0, 255, 0, 255));
  expected.at<cv::Vec4b>(1, 3) = cv::Vec4b(255, 0, 0, 255);
  EXPECT_TRUE(SamePixels(expected, d.canvases[2])) << "at 100 ms";
  expected(cv::Rect(0, 0, 2, 2)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[3])) << "at 200 ms";
}

TEST(SvgReader, GroupsWithTheSameTimeAreOneChange) {
  TempDir dir;
  const std::string path = dir.File("same.svg");
  const cv::Size size(4, 2);
  WriteFile(
      path,
      Svg(size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                    Group("10.25ms",
                          ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed))) +
                    Group("10.25ms",
                          ImageTag("c", {1, 0}, SolidFrame({1, 1}, kRed)))));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.times, (std::vector<int64_t>{0, 10250}));
  cv::Mat expected = SolidFrame(size, kWhite);
  expected(cv::Rect(0, 0, 2, 1)).setTo(cv::Scalar(0, 0, 255, 255));
  EXPECT_TRUE(SamePixels(expected, d.canvases[1]));
}

TEST(SvgReader, StopsAtTheCallbacksError) {
  int calls = 0;
  const Status s =
      DecodeScreencast(GoldenSvgPath(), [&](const DecodedFrame&) -> Status {
        ++calls;
        return calls == 2 ? Status::Error("stop here") : Status::Ok();
      });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "stop here");
  EXPECT_EQ(calls, 2);
}

// Each malformed input: an error of one line that starts with the file's
// path and says what is wrong.
class SvgReaderError : public ::testing::Test {
 protected:
  void ExpectError(const std::string& contents, const std::string& problem) {
    const std::string path = dir_.File("bad.svg");
    WriteFile(path, contents);
    ExpectErrorAt(path, problem);
  }

  void ExpectErrorAt(const std::string& path, const std::string& problem) {
    int calls = 0;
    const Status s = DecodeScreencast(path, [&](const DecodedFrame&) {
      ++calls;
      return Status::Ok();
    });
    ASSERT_FALSE(s.ok()) << "decoded " << path;
    EXPECT_EQ(calls, 0) << "frames delivered before the error";
    EXPECT_EQ(s.message().find('\n'), std::string::npos)
        << "not one line: " << s.message();
    EXPECT_EQ(s.message().rfind(path + ": ", 0), 0u)
        << "does not start with the path: " << s.message();
    EXPECT_NE(s.message().find(problem), std::string::npos)
        << "\"" << problem << "\" not in: " << s.message();
  }

  std::string Poster() {
    return ImageTag("a", {0, 0}, SolidFrame({4, 2}, kWhite));
  }

  TempDir dir_;
};

TEST_F(SvgReaderError, MissingFile) {
  ExpectErrorAt(dir_.File("missing.svg"), "no such file");
}

TEST_F(SvgReaderError, NotXml) { ExpectError("this is not <xml", "XML error"); }

TEST_F(SvgReaderError, EmptyFile) { ExpectError("", "empty file"); }

TEST_F(SvgReaderError, AFolder) {
  ExpectErrorAt(dir_.path(), "a folder, not an SVG file");
}

// What a browser refuses to show (an XML error) is refused too, though
// pugixml reads it: a second root, text after the root, an attribute
// given twice; and an id given to two elements of different kinds (a
// browser shows the first; the reader would have taken the pattern).
TEST_F(SvgReaderError, NotWellFormedOrAnIdOnTwoKindsOfElement) {
  const std::string svg = Svg({4, 2}, Poster());
  ExpectError(svg + svg, "more than one root element");
  ExpectError(svg + "garbage\n", "text outside the root element");
  std::string width_twice = svg;
  width_twice.insert(width_twice.find(" height="), " width=\"4\"");
  ExpectError(width_twice, "has width twice");
  const std::string sheet = ImageTag("s", {0, 0}, SolidFrame({4, 2}, kRed));
  std::string pattern_image = ImageTag("", {0, 0}, SolidFrame({4, 2}, kRed));
  pattern_image.erase(pattern_image.find(" id=\"\""), 6);
  ExpectError(Svg2({4, 2}, Poster() + "<defs>" + sheet +
                               "<pattern id=\"s\" width=\"1\" "
                               "height=\"1\">" +
                               pattern_image + "</pattern></defs>"),
              "id \"s\" used twice");
}

// A file of a few kilobytes whose frames each show the one before twice
// (moves of moves) would double its layers at every frame; it is refused
// at a bound (4,194,304 layers and one a byte of file) instead of taking
// all the memory there is.
TEST_F(SvgReaderError, MovesOfMovesPastTheBound) {
  std::string body = "<defs>" +
                     ImageTag("i", {0, 0}, SolidFrame({2, 2}, kRed)) +
                     "</defs>\n<g style=\"--d:0ms\"><g id=\"g0\"><use "
                     "href=\"#i\"/></g></g>\n";
  for (int k = 1; k <= 24; ++k) {
    const std::string move = "<svg width=\"4\" height=\"2\"><use href=\"#g" +
                             std::to_string(k - 1) + "\"/></svg>";
    body += "<g style=\"--d:" + std::to_string(k) + "ms\"><g id=\"g" +
            std::to_string(k) + "\">" + move + move + "</g></g>\n";
  }
  ExpectError(Svg2({4, 2}, body), "shows earlier frames again past 419");
}

// Frames' inner <g id>s nested more than 64 deep are refused (they were
// read by recursion: 20,000 of them overflowed the stack).
TEST_F(SvgReaderError, GroupsNestedPastTheBound) {
  const auto nested = [&](int depth) {
    std::string groups;
    for (int i = 0; i < depth; ++i) {
      groups += "<g id=\"g" + std::to_string(i) + "\">";
    }
    groups += "<rect width=\"1\" height=\"1\" fill=\"#f00\"/>";
    for (int i = 0; i < depth; ++i) groups += "</g>";
    return Svg2({4, 2}, Poster() + "<g style=\"--d:10ms\">" + groups + "</g>");
  };
  ExpectError(nested(20000), "is nested in more than 64 groups");
  const std::string path = dir_.File("64.svg");
  WriteFile(path, nested(64));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  ASSERT_EQ(d.canvases.size(), 2u);
  EXPECT_EQ(d.canvases[1].at<cv::Vec4b>(0, 0), cv::Vec4b(0, 0, 255, 255));
}

TEST_F(SvgReaderError, BinaryFile) {
  std::vector<uint8_t> png;
  ASSERT_TRUE(EncodePng(SolidFrame({4, 2}, kRed), PngOptions{}, &png).ok());
  ExpectError(std::string(png.begin(), png.end()), "not an svgcast SVG");
}

TEST_F(SvgReaderError, RootIsNotSvg) {
  ExpectError("<html><metadata>svgcast 1</metadata></html>",
              "the root is not <svg>");
}

TEST_F(SvgReaderError, SvgWithoutSvgcastMetadata) {
  ExpectError(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\">"
      "<rect width=\"4\" height=\"2\"/></svg>",
      "no <metadata>svgcast 2</metadata>");
}

TEST_F(SvgReaderError, OtherSvgcastVersion) {
  std::string svg = Svg({4, 2}, Poster());
  svg.replace(svg.find("svgcast 1"), 9, "svgcast 3");
  ExpectError(svg, "no <metadata>svgcast 2</metadata>");
}

TEST_F(SvgReaderError, SettingsOtherThanCodecAndAlign) {
  for (const char* metadata :
       {"svgcast 2 --codec gif", "svgcast 2 --align 3", "svgcast 2 --align",
        "svgcast 2 --colors 256", "svgcast 2  --align 4", "svgcast"}) {
    SCOPED_TRACE(metadata);
    std::string svg = Svg({4, 2}, Poster());
    svg.replace(svg.find("svgcast 1"), 9, metadata);
    ExpectError(svg, std::string(metadata) == "svgcast"
                         ? "no <metadata>svgcast 2</metadata>"
                         : "<metadata> says more than svgcast 2");
  }
}

TEST_F(SvgReaderError, LoopEndingBeforeItsLastChangeOrBadlyTimed) {
  const std::string pieces =
      Poster() +
      Group("100ms", ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed)));
  const std::string rule = "<style>[style]{animation-duration:";
  ExpectError(Svg2({4, 2}, pieces + rule + "99ms;}</style>"),
              "its loop's animation-duration ends before its last change");
  for (const char* period : {"ms;", "1s;", "-5ms;", "12ms", "1.2345ms;"}) {
    SCOPED_TRACE(period);
    ExpectError(Svg2({4, 2}, pieces + rule + period + "}</style>"),
                "<style> at byte");
  }
  ExpectError(Svg2({4, 2}, pieces + rule + "200ms;}</style>" + rule +
                               "300ms;}</style>"),
              "two loops' animation-durations");
}

TEST_F(SvgReaderError, NoSize) {
  std::string svg = Svg({4, 2}, Poster());
  svg.replace(svg.find(" width=\"4\""), 10, "");
  ExpectError(svg, "no usable width and height");
}

TEST_F(SvgReaderError, NoImages) { ExpectError(Svg({4, 2}, ""), "no images"); }

TEST_F(SvgReaderError, ImageWithNonPngHref) {
  ExpectError(Svg({4, 2},
                  "<image width=\"4\" height=\"2\" "
                  "href=\"data:image/jpeg;base64,/9j/4AAQ\"/>"),
              "is not an embedded PNG");
  ExpectError(Svg({4, 2}, "<image width=\"4\" height=\"2\" href=\"a.png\"/>"),
              "is not an embedded PNG");
}

TEST_F(SvgReaderError, CorruptBase64) {
  std::string image = Poster();
  const size_t comma = image.find("base64,") + 7;
  image.insert(comma + 8, "*");
  ExpectError(Svg({4, 2}, image), "corrupt base64");
}

TEST_F(SvgReaderError, Base64OfSomethingThatIsNotAPng) {
  ExpectError(Svg({4, 2},
                  "<image width=\"4\" height=\"2\" "
                  "href=\"data:image/png;base64,aGVsbG8gd29ybGQ=\"/>"),
              "not a PNG");
}

TEST_F(SvgReaderError, PngSizeDoesNotMatch) {
  std::string image = Poster();
  image.replace(image.find("width=\"4\""), 9, "width=\"5\"");
  ExpectError(Svg({4, 2}, image), "is 5x2 but its image is 4x2");
}

TEST_F(SvgReaderError, CoordinateNotAWholeNumber) {
  std::string image = Poster();
  image.replace(image.find("x=\"0\""), 5, "x=\"1.5\"");
  ExpectError(Svg({4, 2}, image), "x=\"1.5\", not a whole number");
}

// Found by mutating numbers in svgcast's own SVGs (UBSan: a sprite at
// x="-2147483648" negated, a row's alias offset overflowing): places,
// sizes, viewBoxes and delays far past any screen are refused.
TEST_F(SvgReaderError, NumbersFarPastAnyScreen) {
  std::string image = Poster();
  image.replace(image.find("x=\"0\""), 5, "x=\"-2147483648\"");
  ExpectError(Svg({4, 2}, image), "x=\"-2147483648\", out of range");
  const std::string defs =
      "<defs>" + ImageTag("s", {0, 0}, SolidFrame({4, 4}, kRed)) + "</defs>\n";
  ExpectError(Svg({4, 2}, Poster() + defs +
                              "<svg style=\"--d:100ms\" x=\"1\" width=\"2\" "
                              "height=\"2\"><use href=\"#s\" "
                              "x=\"2000000\"/></svg>"),
              "x=\"2000000\", out of range");
  ExpectError(Svg({4, 2}, Poster() + defs +
                              "<svg style=\"--d:100ms\" x=\"1\" width=\"2\" "
                              "height=\"2\" viewBox=\"-2147483648 2 2 2\">"
                              "<use href=\"#s\"/></svg>"),
              "viewBox");
  ExpectError(Svg({4, 2}, Poster() + defs +
                              "<svg style=\"--d:9223372036854775ms\" "
                              "x=\"1\" width=\"2\" height=\"2\"><use "
                              "href=\"#s\" x=\"-2\"/></svg>"),
              "a frame comes at 9223372036854775 ms, past 1000000000000 ms "
              "(31 years)");
  // (Refused before it is turned into microseconds, which would overflow.)
  ExpectError(Svg({4, 2}, Poster() + defs +
                              "<svg style=\"--d:9223372036854775807ms\" "
                              "x=\"1\" width=\"2\" height=\"2\"><use "
                              "href=\"#s\" x=\"-2\"/></svg>"),
              "a frame comes at 9223372036854775807 ms, past");
  // (A delay that is not a number is still "not an svgcast SVG".)
  ExpectError(Svg({4, 2}, Poster() + defs +
                              "<svg style=\"--d:12x4ms\" "
                              "x=\"1\" width=\"2\" height=\"2\"><use "
                              "href=\"#s\" x=\"-2\"/></svg>"),
              "not an svgcast SVG (");
}

TEST_F(SvgReaderError, UseOfAnUnknownId) {
  ExpectError(Svg({4, 2}, Poster() + Group("10ms", "<use href=\"#zz\"/>")),
              "refers to #zz");
}

TEST_F(SvgReaderError, UseOfALaterId) {
  ExpectError(
      Svg({4, 2},
          Poster() + Group("10ms", "<use href=\"#b\"/>") +
              Group("20ms", ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed)))),
      "refers to #b");
}

TEST_F(SvgReaderError, IdUsedTwice) {
  ExpectError(Svg({4, 2}, Poster() + Group("10ms", Poster())),
              "id \"a\" used twice");
}

TEST_F(SvgReaderError, GroupWithoutAnimationDelay) {
  const std::string patch = ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed));
  ExpectError(Svg({4, 2}, Poster() + "<g>" + patch + "</g>"),
              "has no animation-delay");
  ExpectError(
      Svg({4, 2}, Poster() + "<g style=\"opacity:0.5\">" + patch + "</g>"),
      "has no animation-delay");
}

TEST_F(SvgReaderError, GroupWithABadAnimationDelay) {
  for (const char* delay :
       {"1.2345ms", "-5ms", "abcms", "1.ms", "ms", "1ms,"}) {
    SCOPED_TRACE(delay);
    ExpectError(Svg({4, 2}, Poster() + Group(delay, "")),
                "bad animation-delay");
  }
  // (svgcast 2: an end left empty.)
  ExpectError(Svg2({4, 2}, Poster() + "<g style=\"--d:1ms;--e:\"></g>"),
              "bad animation-delay");
}

// A looping screencast names its keyframes after the delay; the first
// period decodes like any other.
TEST(SvgReader, LoopingGroupsDecodeAtTheirDelays) {
  TempDir dir;
  const std::string path = dir.File("loop.svg");
  const cv::Size size(6, 4);
  const cv::Mat red = SolidFrame({2, 2}, kRed);
  WriteFile(path, Svg(size, ImageTag("a", {0, 0}, SolidFrame(size, kWhite)) +
                                Group("100ms;animation-name:b",
                                      ImageTag("b", {1, 0}, red))));
  const Decoded d = DecodeAll(path);
  ASSERT_TRUE(d.status.ok()) << d.status.message();
  EXPECT_EQ(d.times, (std::vector<int64_t>{0, 100000}));
}

TEST_F(SvgReaderError, GroupWithOtherStyleAfterTheDelay) {
  for (const char* style : {"100ms;color:red", "100ms;animation-name:",
                            "100ms;animation-name:a;x:y"}) {
    SCOPED_TRACE(style);
    ExpectError(Svg({4, 2}, Poster() + Group(style, "")), "unexpected style");
  }
}

TEST_F(SvgReaderError, FrameWithABadEnd) {
  const std::string image = ImageTag("b", {0, 0}, SolidFrame({1, 1}, kRed));
  for (auto [style, error] :
       {std::pair{"--d:100ms;--e:50ms", "ends before it starts"},
        std::pair{"--d:100ms,200ms", "two delays in --d"},
        std::pair{"--d:100ms;--e:abc", "bad animation-delay"},
        std::pair{"--d:100ms;--e:200ms;--e:300ms", "unexpected style"}}) {
    SCOPED_TRACE(style);
    std::string svg = Svg2(
        {4, 2}, Poster() + "<g style=\"" + style + "\">" + image + "</g>\n");
    ExpectError(svg, error);
  }
}

TEST_F(SvgReaderError, SpriteMovedTwiceOrNotTheSizeOfItsBox) {
  const std::string defs =
      "<defs>" + ImageTag("s", {0, 0}, SolidFrame({4, 2}, kRed)) + "</defs>";
  for (const char* sprite :
       {"<svg width=\"2\" height=\"2\" viewBox=\"2 0 2 2\"><use "
        "href=\"#s\" x=\"-2\"/></svg>",
        "<svg width=\"2\" height=\"2\" viewBox=\"2 0 1 2\"><use "
        "href=\"#s\"/></svg>",
        "<svg width=\"2\" height=\"2\"><rect width=\"2\" "
        "height=\"2\"/></svg>"}) {
    SCOPED_TRACE(sprite);
    std::string svg = Svg2(
        {4, 2}, Poster() + defs + "<g style=\"--d:10ms\">" + sprite + "</g>\n");
    ExpectError(svg, "is not a sprite");
  }
  std::string svg = Svg2({4, 2}, Poster() + defs + "<g style=\"--d:10ms\">" +
                                     "<svg width=\"2\" height=\"2\"><use "
                                     "href=\"#s\" x=\"-3\"/></svg></g>\n");
  ExpectError(svg, "shows more than its image");
}

TEST_F(SvgReaderError, PatternsOnlyOfSheetsAndRectsInsideTheirTiles) {
  const cv::Mat sheet = SolidFrame({4, 2}, kRed);
  const std::string good =
      "<pattern id=\"p\" href=\"#s\" width=\"4\" height=\"2\" "
      "viewBox=\"0 0 4 2\"/>";
  const std::string rect =
      "<rect style=\"--d:10ms\" width=\"2\" height=\"2\" "
      "fill=\"url(#p)\"/>";
  for (auto [defs, error] : {
           std::pair{"<pattern id=\"s\"><image width=\"4\" height=\"2\" "
                     "href=\"" +
                         PngDataUri(sheet) + "\"/></pattern>" + good,
                     "is not a sheet"},
           std::pair{PatternSheet("s", sheet) +
                         "<pattern id=\"p\" href=\"#t\" width=\"4\" "
                         "height=\"2\" viewBox=\"0 0 4 2\"/>",
                     "is not a pattern of an earlier sheet"},
           std::pair{PatternSheet("s", sheet) +
                         "<pattern id=\"p\" href=\"#s\" width=\"4\" "
                         "height=\"2\" viewBox=\"0 0 2 1\"/>",
                     "no viewBox of its tile's size"},
           std::pair{PatternSheet("s", sheet) +
                         "<pattern id=\"p\" href=\"#s\" viewBox=\"0 0 4 "
                         "2\"/>",
                     "no viewBox of its tile's size"},  // no size at all
           std::pair{PatternSheet("s", sheet) + good + good, "used twice"},
           std::pair{"<pattern id=\"s\" patternUnits=\"userSpaceOnUse\">"
                     "<use href=\"#i\"/></pattern>" +
                         ImageTag("i", {0, 0}, sheet) + good,
                     "is not a <use> of an earlier image"},
           std::pair{ImageTag("i", {0, 0}, sheet) +
                         "<pattern id=\"s\" patternUnits=\"userSpaceOnUse\">"
                         "<use href=\"#i\" x=\"1\"/></pattern>" +
                         good,
                     "is not a sheet"},
           // In box units: the sheet's width and height are 1, the
           // sprite's pattern only a viewBox, in user space a whole tile.
           std::pair{"<pattern id=\"s\" width=\"1\" height=\"2\"><image "
                     "width=\"4\" height=\"2\" href=\"" +
                         PngDataUri(sheet) + "\"/></pattern>" + good,
                     "is not a sheet"},
           std::pair{PatternSheet("s", sheet, kBoxUnits) +
                         "<pattern id=\"p\" href=\"#s\" x=\"1\" "
                         "viewBox=\"0 0 2 2\"/>",
                     "is not a box's pattern"},
           std::pair{PatternSheet("s", sheet, kBoxUnits) +
                         "<pattern id=\"p\" href=\"#s\"/>",
                     "is not a box's pattern"},
           std::pair{PatternSheet("s", sheet, kBoxUnits) +
                         "<pattern id=\"p\" href=\"#s\" "
                         "patternUnits=\"userSpaceOnUse\" viewBox=\"0 0 2 "
                         "2\"/>",
                     "no viewBox of its tile's size"},
           std::pair{PatternSheet("s", sheet, kBoxUnits) +
                         "<pattern id=\"p\" href=\"#s\" "
                         "patternUnits=\"objectBoundingBox\" viewBox=\"0 0 "
                         "2 2\"/>",
                     "patternUnits other than userSpaceOnUse"},
       }) {
    SCOPED_TRACE(defs);
    ExpectError(Svg2({4, 2}, Poster() + "<defs>" + defs + "</defs>" + rect),
                error);
  }
  const std::string defs =
      "<defs>" + PatternSheet("s", sheet) + good + "</defs>";
  for (auto [body, error] : {
           std::pair{std::string("<rect style=\"--d:10ms\" width=\"2\" "
                                 "height=\"2\" fill=\"url(#q)\"/>"),
                     "not an earlier sprite's pattern"},
           std::pair{std::string("<rect style=\"--d:10ms\" x=\"3\" "
                                 "width=\"2\" height=\"2\" "
                                 "fill=\"url(#p)\"/>"),
                     "shows more than its pattern's tile"},
           std::pair{std::string("<use style=\"--d:10ms\" href=\"#s\"/>"),
                     "is not an earlier image"},
       }) {
    SCOPED_TRACE(body);
    ExpectError(Svg2({4, 2}, Poster() + defs + body), error);
  }
  // A box's pattern fills only a rect of its viewBox's size, inside the
  // sheet.
  for (auto [pattern, error] : {
           std::pair{"viewBox=\"0 0 2 1\"", "is not of its pattern's size"},
           std::pair{"viewBox=\"3 0 2 2\"",
                     "shows more than its pattern's tile"},
       }) {
    SCOPED_TRACE(pattern);
    ExpectError(
        Svg2({4, 2}, Poster() + "<defs>" + PatternSheet("s", sheet, kBoxUnits) +
                         "<pattern id=\"p\" href=\"#s\" " + pattern +
                         "/></defs>" + rect),
        error);
  }
}

TEST_F(SvgReaderError, RowsOnlyOfSpritesWithoutYAndHeight) {
  const std::string defs =
      "<defs>" + ImageTag("s", {0, 0}, SolidFrame({4, 2}, kRed)) + "</defs>";
  const std::string sprite =
      "<svg style=\"--d:10ms\" width=\"2\"><use href=\"#s\"/></svg>";
  for (const std::string& row :
       {"<svg height=\"2\" x=\"1\">" + sprite + "</svg>",
        "<svg height=\"2\" width=\"4\">" + sprite + "</svg>",
        "<svg y=\"1\">" + sprite + "</svg>",
        "<svg y=\"1\" height=\"2\">" + sprite + "</svg>",
        std::string("<svg height=\"2\"/>")}) {
    SCOPED_TRACE(row);
    ExpectError(Svg2({4, 2}, Poster() + defs + row), "is not a row");
  }
  for (const std::string inside :
       {"<svg style=\"--d:10ms\" y=\"0\" width=\"2\"><use "
        "href=\"#s\"/></svg>",
        "<svg style=\"--d:10ms\" width=\"2\" height=\"2\"><use "
        "href=\"#s\"/></svg>",
        "<svg width=\"2\"><use href=\"#s\"/></svg>",
        "<rect style=\"--d:10ms\" width=\"2\" fill=\"#ffffff\"/>"}) {
    SCOPED_TRACE(inside);
    ExpectError(Svg2({4, 2}, Poster() + defs + "<svg height=\"2\">" + inside +
                                 "</svg>"),
                "in a row is not a sprite frame");
  }
}

TEST_F(SvgReaderError, RectsOnlyOfAClassThatIsSizedAndWithoutASize) {
  const std::string rule = "<style>.a{width:2px;height:1px}</style>";
  ExpectError(Svg2({4, 2}, Poster() +
                               "<rect style=\"--d:10ms\" class=\"b\" "
                               "fill=\"#ffffff\"/>" +
                               rule),
              "has class=\"b\", which no <style> gives a width and height");
  ExpectError(
      Svg2({4, 2}, Poster() + "<rect style=\"--d:10ms\" class=\"a\" "
                              "fill=\"#ffffff\"/><style>.a{width:2px}</style>"),
      "which no <style> gives a width and height");
  ExpectError(Svg2({4, 2}, Poster() +
                               "<rect style=\"--d:10ms\" class=\"a\" "
                               "height=\"1\" fill=\"#ffffff\"/>" +
                               rule),
              "has both a class and a width or height");
}

TEST_F(SvgReaderError, RectsOfAColourInSixOrThreeHexDigits) {
  for (const std::string fill :
       {"#12", "#12345", "#1234567", "#ggg", "#0x1", "#-12", "123456", ""}) {
    SCOPED_TRACE(fill);
    ExpectError(Svg2({4, 2}, Poster() +
                                 "<rect style=\"--d:10ms\" width=\"2\" "
                                 "height=\"1\" fill=\"" +
                                 fill + "\"/>"),
                "is not a sized rect with fill=\"#rrggbb\" or \"#rgb\"");
  }
}

TEST_F(SvgReaderError, RowAliasesOnlyOfEarlierImages) {
  const std::string defs =
      "<defs>" + ImageTag("s", {0, 0}, SolidFrame({4, 2}, kRed)) + "</defs>";
  const std::string sprite =
      "<svg style=\"--d:10ms\" width=\"2\"><use href=\"#t\"/></svg>";
  for (const std::string& alias :
       {std::string("<use id=\"t\" href=\"#u\"/>"),
        std::string("<use href=\"#s\"/>"),
        std::string("<image id=\"t\" href=\"#s\"/>")}) {
    SCOPED_TRACE(alias);
    ExpectError(Svg2({4, 2}, Poster() + defs + "<svg height=\"2\"><defs>" +
                                 alias + "</defs>" + sprite + "</svg>"),
                "is not a <use id> of an earlier image");
  }
  ExpectError(Svg2({4, 2}, Poster() + defs +
                               "<svg height=\"2\"><defs><use id=\"s\" "
                               "href=\"#s\"/></defs>" +
                               sprite + "</svg>"),
              "used twice");
  ExpectError(Svg2({4, 2}, Poster() + defs +
                               "<svg height=\"2\"><defs><use id=\"t\" "
                               "href=\"#s\"/></defs></svg>"),
              "a row without sprites");
}

TEST_F(SvgReaderError, UnexpectedElement) {
  ExpectError(Svg({4, 2}, Poster() + "<circle r=\"4\"/>"),
              "unexpected <circle>");
}

TEST_F(SvgReaderError, UnexpectedElementInAGroup) {
  ExpectError(Svg({4, 2}, Poster() + Group("10ms", "<g/>")), "unexpected <g>");
}

}  // namespace
}  // namespace svgcast::test
