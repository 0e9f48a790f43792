// The pointer layer: each pointer image stored once, each stay at one place
// one <use> shown for exactly its time, painted over every frame, and read
// back (alpha-blended) by our decoder.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "processing/png_encoder.h"
#include "svg/output_file.h"
#include "svg/svg_reader.h"
#include "svg/svg_writer.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

const cv::Size kSize(16, 12);

// A 3x3 pointer image; `alpha` for every pixel but the opaque centre.
CursorSample Pointer(uint64_t serial, cv::Point position, uint8_t alpha,
                     bool visible = true) {
  CursorSample cursor;
  cursor.shape_serial = serial;
  cursor.image = cv::Mat(3, 3, CV_8UC4,
                         cv::Scalar(static_cast<double>(serial * 40), 0, 200,
                                    static_cast<double>(alpha)));
  cursor.image.at<cv::Vec4b>(1, 1) = cv::Vec4b(255, 255, 255, 255);
  cursor.hotspot = {1, 1};
  cursor.position = position;
  cursor.visible = visible;
  return cursor;
}

EncodedPatch WholeFrame(const cv::Mat& pixels) {
  auto png = std::make_shared<std::vector<uint8_t>>();
  EXPECT_TRUE(EncodePng(pixels, PngOptions{}, png.get()).ok());
  EncodedPatch patch;
  patch.rect = cv::Rect(0, 0, pixels.cols, pixels.rows);
  patch.png = png;
  return patch;
}

struct Step {
  int64_t time_us;
  std::optional<CursorSample> cursor;
  bool repaint = false;  // a full-frame patch with a new background
};

// Writes a screencast: a grey poster, then the steps.
std::string WriteScreencast(const TempDir& dir, const std::vector<Step>& steps,
                            SvgStats* stats) {
  const std::string path = dir.File("cursor.svg");
  std::unique_ptr<OutputFile> out;
  EXPECT_TRUE(OutputFile::Open(path, &out).ok());
  SvgWriter writer(kSize, out.get());
  for (size_t i = 0; i < steps.size(); ++i) {
    EncodedFrame frame;
    frame.ticket = {FrameTicket::Kind::kFrame, i, steps[i].time_us};
    frame.cursor = steps[i].cursor;
    if (i == 0 || steps[i].repaint) {
      frame.patches.push_back(
          WholeFrame(SolidFrame(kSize, cv::Scalar(i == 0 ? 90 : 30, 90, 90))));
    }
    writer.WriteFrame(frame);
  }
  writer.Finish();
  EXPECT_TRUE(out->Commit().ok());
  *stats = writer.stats();
  return path;
}

cv::Mat Composite(cv::Mat background, const std::optional<CursorSample>& c) {
  cv::Mat out = background.clone();
  if (!c || !c->visible) return out;
  for (int y = 0; y < c->image.rows; ++y) {
    for (int x = 0; x < c->image.cols; ++x) {
      const cv::Point at = c->position - c->hotspot + cv::Point(x, y);
      if (at.x < 0 || at.y < 0 || at.x >= out.cols || at.y >= out.rows) {
        continue;
      }
      const cv::Vec4b src = c->image.at<cv::Vec4b>(y, x);
      cv::Vec4b& dst = out.at<cv::Vec4b>(at);
      for (int k = 0; k < 3; ++k) {
        dst[k] = static_cast<uint8_t>(
            (src[k] * src[3] + dst[k] * (255 - src[3]) + 127) / 255);
      }
    }
  }
  return out;
}

TEST(SvgCursor, EachImageOnceEachStayOneUseShownForItsTime) {
  TempDir dir;
  const std::vector<Step> steps = {
      {0, Pointer(7, {4, 4}, 128)},
      {100000, Pointer(7, {4, 4}, 128)},         // no move: nothing new
      {200000, Pointer(7, {9, 5}, 128)},         // moves
      {300000, Pointer(8, {9, 5}, 255)},         // new shape
      {400000, Pointer(8, {9, 5}, 255, false)},  // leaves the area
      {500000, Pointer(7, {2, 8}, 128), true},   // back, first shape, repaint
  };
  SvgStats stats;
  const std::string text = ReadFile(WriteScreencast(dir, steps, &stats));
  EXPECT_EQ(stats.cursor_images, 2u);
  EXPECT_EQ(stats.cursor_moves, 4u);
  // Images are in <defs>, once each.
  size_t defs = 0;
  for (size_t at = text.find("<defs>"); at != std::string::npos;
       at = text.find("<defs>", at + 1)) {
    ++defs;
  }
  EXPECT_EQ(defs, 2u);
  // Stays: top left = position - hotspot.
  EXPECT_TRUE(Contains(text,
                       "x=\"3\" y=\"3\" class=\"c\" "
                       "style=\"animation-delay:0ms,200ms\""));
  EXPECT_TRUE(Contains(text,
                       "x=\"8\" y=\"4\" class=\"c\" "
                       "style=\"animation-delay:200ms,300ms\""));
  EXPECT_TRUE(Contains(text,
                       "x=\"8\" y=\"4\" class=\"c\" "
                       "style=\"animation-delay:300ms,400ms\""));
  EXPECT_TRUE(Contains(text,
                       "x=\"1\" y=\"7\" class=\"d\" "
                       "style=\"animation-delay:500ms\""));
  // The pointer comes after every frame group.
  EXPECT_GT(text.find("class=\"c\""), text.rfind("</g>"));
  EXPECT_TRUE(Contains(text, "@keyframes h{to{visibility:hidden}}"));
}

TEST(SvgCursor, DecodesToTheFramesWithThePointerOnTop) {
  TempDir dir;
  const std::vector<Step> steps = {
      {0, Pointer(7, {4, 4}, 128)},
      {200000, Pointer(7, {15, 11}, 128)},  // partly outside the frame
      {300000, Pointer(8, {9, 5}, 255)},
      {400000, Pointer(8, {9, 5}, 255, false)},
      {500000, Pointer(7, {2, 8}, 128), true},
  };
  SvgStats stats;
  const std::string path = WriteScreencast(dir, steps, &stats);
  std::vector<int64_t> times;
  std::vector<cv::Mat> shown;
  const Status s = DecodeScreencast(path, [&](const DecodedFrame& f) {
    times.push_back(f.time_us);
    shown.push_back(f.pixels.clone());
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(times, (std::vector<int64_t>{0, 200000, 300000, 400000, 500000}));
  const cv::Mat poster = SolidFrame(kSize, cv::Scalar(90, 90, 90));
  const cv::Mat repaint = SolidFrame(kSize, cv::Scalar(30, 90, 90));
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const cv::Mat& background = i < 4 ? poster : repaint;
    EXPECT_TRUE(SamePixels(Composite(background, steps[i].cursor), shown[i]));
  }
  // The pointer really is there (the check above can fail): the centre
  // pixel of the first stay is white.
  EXPECT_EQ(shown[0].at<cv::Vec4b>(4, 4), cv::Vec4b(255, 255, 255, 255));
}

TEST(SvgCursor, NoPointerNoPointerMarkup) {
  TempDir dir;
  SvgStats stats;
  const std::string text =
      ReadFile(WriteScreencast(dir, {{0, std::nullopt}}, &stats));
  EXPECT_EQ(text.find("<defs>"), std::string::npos);
  EXPECT_EQ(text.find("class=\"c\""), std::string::npos);
  EXPECT_EQ(stats.cursor_images, 0u);
}

}  // namespace
}  // namespace svgcast::test
