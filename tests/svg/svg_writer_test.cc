// svg/svg_writer.h: header, poster, groups, <use> reuse, golden file.
#include "svg/svg_writer.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "processing/png_encoder.h"
#include "svg/base64.h"
#include "svg/output_file.h"
#include "svg/sprite_sheet.h"
#include "svg/svg_reader.h"
#include "tests/svg/golden_frames.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

constexpr char kStyle[] =
    "<style>[style]{animation:a 0s var(--d) both}"
    "@keyframes a{from{visibility:hidden}}</style>\n";

// A BGRX image whose pixels depend on `seed`, so different seeds give
// different PNGs.
cv::Mat Pattern(cv::Size size, int seed) {
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      image.at<cv::Vec4b>(y, x) =
          cv::Vec4b(static_cast<uint8_t>(seed * 31 + x * 7),
                    static_cast<uint8_t>(seed * 17 + y * 11),
                    static_cast<uint8_t>(seed + x * y), 255);
    }
  }
  return image;
}

EncodedPatch MakePatch(cv::Point at, const cv::Mat& pixels) {
  auto png = std::make_shared<std::vector<uint8_t>>();
  const Status s = EncodePng(pixels, PngOptions{}, png.get());
  EXPECT_TRUE(s.ok()) << s.message();
  EncodedPatch patch;
  patch.rect = cv::Rect(at, pixels.size());
  patch.png = png;
  return patch;
}

EncodedFrame MakeFrame(uint64_t seq, int64_t timestamp_us,
                       std::vector<EncodedPatch> patches) {
  EncodedFrame frame;
  frame.ticket.seq = seq;
  frame.ticket.timestamp_us = timestamp_us;
  frame.patches = std::move(patches);
  return frame;
}

std::string DataUri(const EncodedPatch& patch) {
  std::string uri = "data:image/png;base64,";
  AppendBase64(patch.png->data(), patch.png->size(), &uri);
  return uri;
}

// Writes `frames` (and the end, if `finish`) through an SvgWriter into a
// committed file and returns its bytes.
struct Written {
  std::string svg;
  SvgStats stats;
};
Written WriteSvg(cv::Size size, const std::vector<EncodedFrame>& frames,
                 bool finish = true, TimingOptions timing = {}) {
  TempDir dir;
  std::unique_ptr<OutputFile> out;
  const Status opened = OutputFile::Open(dir.File("out.svg"), &out);
  EXPECT_TRUE(opened.ok()) << opened.message();
  if (!opened.ok()) return {};
  SvgWriter writer(size, out.get(), timing);
  for (const EncodedFrame& frame : frames) writer.WriteFrame(frame);
  if (finish) writer.Finish();
  const Status committed = out->Commit();
  EXPECT_TRUE(committed.ok()) << committed.message();
  return {ReadFile(dir.File("out.svg")), writer.stats()};
}

const cv::Size kSize(64, 48);

EncodedFrame Poster() {
  return MakeFrame(0, 0, {MakePatch({0, 0}, Pattern(kSize, 1))});
}

TEST(SvgWriter, HeaderHasSizeViewBoxAndMetadata) {
  const Written w = WriteSvg(kSize, {});
  EXPECT_EQ(w.svg, std::string(
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" "
                       "height=\"48\" viewBox=\"0 0 64 48\">\n"
                       "<metadata>svgcast 2</metadata>\n") +
                       kStyle + "</svg>\n");
}

TEST(SvgWriter, HeaderIsWrittenOnceWithFrames) {
  const Written w = WriteSvg(kSize, {Poster()});
  EXPECT_EQ(Count(w.svg, "<svg "), 1);
  EXPECT_EQ(Count(w.svg, "<metadata>svgcast 2</metadata>"), 1);
  EXPECT_EQ(Count(w.svg, "<style>"), 1);
  EXPECT_EQ(w.svg.rfind("<svg ", 0), 0u);
}

TEST(SvgWriter, PosterIsATopLevelImage) {
  const EncodedFrame poster = Poster();
  const Written w = WriteSvg(kSize, {poster});
  const std::string image =
      "<image id=\"a\" width=\"64\" height=\"48\" href=\"" +
      DataUri(poster.patches[0]) + "\"/>\n";
  EXPECT_TRUE(Contains(w.svg, std::string(kStyle) + image + "</svg>\n"));
  EXPECT_EQ(Count(w.svg, "<g"), 0);
  EXPECT_EQ(w.stats.images, 1u);
  EXPECT_EQ(w.stats.reused, 0u);
  EXPECT_EQ(w.stats.png_bytes, poster.patches[0].png->size());
}

TEST(SvgWriter, LaterFrameIsAGroupWithItsDelay) {
  const EncodedPatch patch = MakePatch({10, 20}, Pattern({30, 8}, 2));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 146000, {patch})});
  EXPECT_TRUE(Contains(w.svg,
                       "\n<g style=\"--d:146ms\"><image id=\"b\" "
                       "x=\"10\" y=\"20\" width=\"30\" height=\"8\" href=\"" +
                           DataUri(patch) + "\"/></g>\n</svg>\n"));
  EXPECT_EQ(w.stats.images, 2u);
}

TEST(SvgWriter, FractionalDelay) {
  const EncodedPatch patch = MakePatch({0, 5}, Pattern({4, 4}, 3));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 146500, {patch})});
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:146.5ms\">"));
  // x="0" is left out like on the poster; y is written.
  EXPECT_TRUE(Contains(w.svg, "<image id=\"b\" y=\"5\" width=\"4\""));
}

TEST(SvgWriter, DelayWithMicroseconds) {
  const EncodedPatch patch = MakePatch({1, 1}, Pattern({2, 2}, 4));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 3600000, {patch})});
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:3600ms\">"));
  const Written v = WriteSvg(kSize, {Poster(), MakeFrame(1, 7, {patch})});
  EXPECT_TRUE(Contains(v.svg, "<g style=\"--d:0.007ms\">"));
}

TEST(SvgWriter, FrameWithoutPatchesWritesNothing) {
  const EncodedPatch patch = MakePatch({3, 4}, Pattern({5, 6}, 5));
  const Written with_empty = WriteSvg(
      kSize, {Poster(), MakeFrame(1, 100000, {}), MakeFrame(2, 200000, {patch}),
              MakeFrame(3, 300000, {})});
  const Written without =
      WriteSvg(kSize, {Poster(), MakeFrame(2, 200000, {patch})});
  EXPECT_EQ(with_empty.svg, without.svg);
  EXPECT_EQ(Count(with_empty.svg, "<g "), 1);
  EXPECT_FALSE(Contains(with_empty.svg, "animation-delay:100ms"));
}

TEST(SvgWriter, SamePngElsewhereBecomesAUse) {
  const cv::Mat pixels = Pattern({6, 4}, 6);
  const EncodedPatch first = MakePatch({10, 20}, pixels);
  // The same bytes in a different buffer, 20 right and 15 up.
  EncodedPatch again = first;
  again.rect = cv::Rect(30, 5, 6, 4);
  again.png = std::make_shared<std::vector<uint8_t>>(*first.png);
  const EncodedPatch other = MakePatch({0, 0}, Pattern({6, 4}, 7));

  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 100000, {first}),
                                     MakeFrame(2, 200000, {other, again})});
  EXPECT_TRUE(Contains(w.svg,
                       "<g style=\"--d:200ms\"><image id=\"c\" "
                       "width=\"6\" height=\"4\" href=\"" +
                           DataUri(other) +
                           "\"/><use href=\"#b\" x=\"20\" y=\"-15\"/></g>\n"));
  // The PNG is in the file once.
  EXPECT_EQ(Count(w.svg, DataUri(first)), 1);
  EXPECT_EQ(w.stats.images, 3u);
  EXPECT_EQ(w.stats.reused, 1u);
  EXPECT_EQ(w.stats.png_bytes, Poster().patches[0].png->size() +
                                   first.png->size() + other.png->size());
}

TEST(SvgWriter, SamePngTwiceInOneFrameAndAtTheSamePlace) {
  const EncodedPatch first = MakePatch({2, 3}, Pattern({4, 4}, 8));
  EncodedPatch second = first;
  second.rect.x = 40;
  const Written w =
      WriteSvg(kSize, {Poster(), MakeFrame(1, 100000, {first, second}),
                       MakeFrame(2, 200000, {first})});
  EXPECT_TRUE(Contains(w.svg, "\"/><use href=\"#b\" x=\"38\" y=\"0\"/></g>"));
  EXPECT_TRUE(Contains(
      w.svg, "\n<use style=\"--d:200ms\" href=\"#b\" x=\"0\" y=\"0\"/>\n"));
  EXPECT_EQ(w.stats.images, 2u);
  EXPECT_EQ(w.stats.reused, 2u);
}

TEST(SvgWriter, PosterPngIsReusedToo) {
  const cv::Size small(4, 4);
  const EncodedPatch poster = MakePatch({0, 0}, Pattern(small, 9));
  const Written w = WriteSvg(
      small, {MakeFrame(0, 0, {poster}), MakeFrame(1, 50000, {poster})});
  EXPECT_TRUE(Contains(w.svg,
                       "\n<use style=\"--d:50ms\" href=\"#a\" "
                       "x=\"0\" y=\"0\"/>\n"));
  EXPECT_EQ(w.stats.reused, 1u);
}

TEST(SvgWriter, DifferentPngsSameSizeAreNotReused) {
  const EncodedPatch a = MakePatch({1, 1}, Pattern({5, 5}, 10));
  const EncodedPatch b = MakePatch({1, 1}, Pattern({5, 5}, 11));
  ASSERT_NE(*a.png, *b.png);
  const Written w = WriteSvg(
      kSize, {Poster(), MakeFrame(1, 1000, {a}), MakeFrame(2, 2000, {b})});
  EXPECT_EQ(Count(w.svg, "<use"), 0);
  EXPECT_EQ(w.stats.images, 3u);
  EXPECT_EQ(w.stats.reused, 0u);
}

TEST(SvgWriter, IdsAreDistinctLetterNames) {
  // 60 distinct patches: ids a..z, A..Z, then two letters.
  std::vector<EncodedFrame> frames = {Poster()};
  for (int i = 1; i < 60; ++i) {
    frames.push_back(
        MakeFrame(i, i * 1000, {MakePatch({0, 0}, Pattern({3, 2}, 100 + i))}));
  }
  const Written w = WriteSvg(kSize, frames);
  EXPECT_EQ(w.stats.images, 60u);
  EXPECT_TRUE(Contains(w.svg, "<image id=\"z\" "));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"A\" "));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"Z\" "));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"ba\" "));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"bh\" "));
}

// --loop: each group names keyframes that show it from its delay to the
// end of the period; the rules and the period come last.
TEST(SvgWriter, LoopNamesKeyframesAndWritesThemWithThePeriodAtTheEnd) {
  const EncodedPatch a = MakePatch({2, 3}, Pattern({4, 4}, 21));
  const EncodedPatch b = MakePatch({9, 3}, Pattern({4, 4}, 22));
  TimingOptions loop;
  loop.loop = true;
  loop.hold_us = 500'000;
  const Written w =
      WriteSvg(kSize,
               {Poster(), MakeFrame(1, 100'000, {a}),
                MakeFrame(2, 700'000, {b}), MakeFrame(3, 2'200'000, {})},
               true, loop);
  EXPECT_TRUE(Contains(
      w.svg,
      "<style>[style]{visibility:hidden;animation-delay:var(--d)}</style>\n"));
  EXPECT_TRUE(Contains(w.svg,
                       "<g style=\"--d:100ms;"
                       "animation-name:a\"><image"));
  EXPECT_TRUE(Contains(w.svg,
                       "<g style=\"--d:700ms;"
                       "animation-name:b\"><image"));
  // Period: the last frame (2.2 s) + hold = 2.7 s. Group a is shown for
  // 2.6 s of it (96.296296296...%: the 32-bit float below, floored), b
  // for 2 s.
  EXPECT_TRUE(Contains(
      w.svg,
      "<style>[style]{animation-duration:2700ms;animation-timing-function:"
      "step-end;animation-iteration-count:infinite}"
      "@keyframes a{0%{visibility:visible}96.29629254%{visibility:hidden}}"
      "@keyframes b{0%{visibility:visible}74.07407164%{visibility:hidden}}"
      "</style>\n</svg>\n"));
  EXPECT_EQ(Count(w.svg, "forwards"), 0);
}

TEST(SvgWriter, LoopOffsetOfAnExactShareIsAStepLess) {
  // Shown from 1.3 s to the end of a 1.6 s period: 18.75% exactly. Blink
  // computes 3.5 s into the period as a hair under 2.1875 periods, so at
  // the third restart an offset of 18.75% would keep it visible over the
  // poster; 18.7499985% (the 32-bit float below, as Gecko keeps offsets)
  // hides it 24 ns early.
  const EncodedPatch a = MakePatch({2, 3}, Pattern({4, 4}, 24));
  TimingOptions loop;
  loop.loop = true;
  loop.hold_us = 300'000;
  const Written w =
      WriteSvg(kSize, {Poster(), MakeFrame(1, 1'300'000, {a})}, true, loop);
  EXPECT_TRUE(Contains(
      w.svg,
      "@keyframes a{0%{visibility:visible}18.7499985%{visibility:hidden}}"))
      << w.svg;
}

TEST(SvgWriter, SpeedAndIdleLimitMoveTheDelays) {
  const EncodedPatch a = MakePatch({2, 3}, Pattern({4, 4}, 23));
  const EncodedPatch b = MakePatch({9, 3}, Pattern({4, 4}, 24));
  TimingOptions timing;
  timing.speed = 2;
  timing.idle_limit_us = 1'000'000;
  const Written w =
      WriteSvg(kSize,
               {Poster(), MakeFrame(1, 300'000, {a}),
                MakeFrame(2, 5'300'000, {}), MakeFrame(3, 9'300'000, {b})},
               true, timing);
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:150ms\">"));
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:650ms\">"));
}

// Frames are kept a while (for a later one to cover them); Finish writes
// them and closes the SVG.
TEST(SvgWriter, FinishWritesWhatIsKeptAndClosesTheSvg) {
  const Written unfinished = WriteSvg(kSize, {Poster()}, /*finish=*/false);
  EXPECT_FALSE(Contains(unfinished.svg, "<image"));
  EXPECT_FALSE(Contains(unfinished.svg, "</svg>"));
  const Written finished = WriteSvg(kSize, {Poster()});
  EXPECT_TRUE(finished.svg.starts_with(unfinished.svg));
  EXPECT_EQ(Count(finished.svg, "<image"), 1);
  EXPECT_TRUE(finished.svg.ends_with("\"/>\n</svg>\n"));
}

// A frame whose pixels are all painted over by later frames gets an end
// (--e, the time of the frame that covers its last pixel), so a browser
// stops painting it; a rule at the end of the file hides it then.
constexpr char kEndRule[] =
    "<style>[style*=\"--e\"]{animation:a 0s var(--d) both,e 0s var(--e) "
    "forwards}@keyframes e{to{visibility:hidden}}</style>\n</svg>\n";

// Decodes `svg` and checks each change against `expected` (by time, ms).
void ExpectDecodes(const std::string& svg,
                   const std::vector<std::pair<int64_t, cv::Mat>>& expected) {
  TempDir dir;
  WriteFile(dir.File("out.svg"), svg);
  size_t n = 0;
  const Status s =
      DecodeScreencast(dir.File("out.svg"), [&](const DecodedFrame& frame) {
        EXPECT_LT(n, expected.size());
        if (n < expected.size()) {
          EXPECT_EQ(frame.time_us, expected[n].first * 1000);
          EXPECT_TRUE(SamePixels(expected[n].second, frame.pixels))
              << "at " << frame.time_us << " us";
        }
        ++n;
        return Status::Ok();
      });
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(n, expected.size());
}

TEST(SvgWriter, FrameCoveredByLaterOnesGetsAnEnd) {
  // A quarter of the frame at 100 ms, covered by two patches at 300 ms
  // (with one more pixel painted at 200 ms by a frame that stays).
  const std::vector<std::pair<cv::Point, cv::Mat>> pixels = {
      {{0, 0}, Pattern({32, 24}, 2)},
      {{5, 5}, Pattern({1, 1}, 3)},
      {{0, 0}, Pattern({20, 24}, 4)},
      {{20, 0}, Pattern({12, 30}, 5)}};
  const EncodedPatch a = MakePatch(pixels[0].first, pixels[0].second);
  const EncodedPatch dot = MakePatch(pixels[1].first, pixels[1].second);
  const EncodedPatch b = MakePatch(pixels[2].first, pixels[2].second);
  const EncodedPatch c = MakePatch(pixels[3].first, pixels[3].second);
  const EncodedFrame poster = Poster();
  const Written w = WriteSvg(
      kSize, {poster, MakeFrame(1, 100'000, {a}), MakeFrame(2, 200'000, {dot}),
              MakeFrame(3, 300'000, {b, c})});
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:100ms;--e:300ms\"><image"));
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:200ms\"><image"));
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:300ms\"><image"));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"a\""));  // the poster stays
  EXPECT_TRUE(w.svg.ends_with(kEndRule));
  EXPECT_EQ(w.stats.covered, 1u);
  // Our reader paints what is under a frame that ends: the same pictures.
  cv::Mat canvas = Pattern(kSize, 1);
  std::vector<std::pair<int64_t, cv::Mat>> expected = {{0, canvas.clone()}};
  for (const auto& [ms, which] :
       std::vector<std::pair<int64_t, std::vector<int>>>{
           {100, {0}}, {200, {1}}, {300, {2, 3}}}) {
    for (int n : which) {
      const auto& [at, image] = pixels[n];
      image.copyTo(canvas(cv::Rect(at, image.size())));
    }
    expected.emplace_back(ms, canvas.clone());
  }
  ExpectDecodes(w.svg, expected);
}

EncodedPatch MakeFill(const cv::Rect& rect, uint32_t rgb) {
  EncodedPatch patch;
  patch.rect = rect;
  patch.fill = rgb;
  return patch;
}

// A colour whose three bytes each repeat a digit is written in CSS's three
// digits ("#000", "#fed"); any other in six. Our reader reads both.
TEST(SvgWriter, ColoursOfDoubledDigitsInThreeDigits) {
  const std::vector<std::pair<uint32_t, std::string>> colours = {
      {0x000000, "#000"},    {0xffeedd, "#fed"},    {0x11aa55, "#1a5"},
      {0x102030, "#102030"}, {0xf0f0f0, "#f0f0f0"}, {0x0a0b0c, "#0a0b0c"},
      {0xaabbcd, "#aabbcd"}};
  std::vector<EncodedPatch> patches;
  for (size_t n = 0; n < colours.size(); ++n) {
    patches.push_back(
        MakeFill({static_cast<int>(n) * 3, 2, 3, 3 + static_cast<int>(n)},
                 colours[n].first));
  }
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 100'000, patches)});
  cv::Mat canvas = Pattern(kSize, 1);
  std::vector<std::pair<int64_t, cv::Mat>> expected = {{0, canvas.clone()}};
  for (size_t n = 0; n < colours.size(); ++n) {
    EXPECT_TRUE(Contains(w.svg, " fill=\"" + colours[n].second + "\"/>"))
        << colours[n].second;
    const uint32_t rgb = colours[n].first;
    canvas(patches[n].rect)
        .setTo(cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, rgb >> 16, 255));
  }
  expected.emplace_back(100, canvas.clone());
  ExpectDecodes(w.svg, expected);
}

TEST(SvgWriter, RectsOfASizeWrittenBeforeHaveAClassSizedAtTheEnd) {
  // Five sizes of one-colour rect, each at 100 ms and again at 200 ms, and
  // one size once: the first rect of a size has its width and height, the
  // second a class (a, b, then e: c and d are the pointer's), sized by a
  // rule at the end; the size seen once gets no class.
  const std::vector<cv::Size> sizes = {{8, 4}, {16, 2}, {4, 4}, {2, 2}, {6, 6}};
  std::vector<EncodedPatch> first, second;
  std::vector<std::pair<int64_t, std::vector<EncodedPatch>>> frames;
  for (size_t n = 0; n < sizes.size(); ++n) {
    const int y = static_cast<int>(n) * 8;
    first.push_back(MakeFill({{0, y}, sizes[n]}, 0x102030 * (n + 1)));
    second.push_back(MakeFill({{20, y + 1}, sizes[n]}, 0x0a0b0c * (n + 1)));
  }
  const EncodedPatch once = MakeFill({40, 40, 10, 5}, 0xffeedd);
  const EncodedFrame poster = Poster();
  const Written w = WriteSvg(
      kSize, {poster, MakeFrame(1, 100'000, first),
              MakeFrame(2, 200'000, second), MakeFrame(3, 300'000, {once})});
  EXPECT_TRUE(Contains(w.svg, "<rect width=\"8\" height=\"4\" fill="));
  EXPECT_TRUE(Contains(w.svg, "<rect x=\"20\" y=\"1\" class=\"a\" fill="));
  EXPECT_TRUE(Contains(w.svg, "<rect x=\"20\" y=\"9\" class=\"b\" fill="));
  EXPECT_TRUE(Contains(w.svg, "<rect x=\"20\" y=\"17\" class=\"e\" fill="));
  EXPECT_TRUE(Contains(w.svg,
                       "<rect style=\"--d:300ms\" x=\"40\" y=\"40\" "
                       "width=\"10\" height=\"5\""));
  EXPECT_FALSE(Contains(w.svg, "class=\"c\""));
  EXPECT_FALSE(Contains(w.svg, "class=\"d\""));
  EXPECT_TRUE(
      w.svg.ends_with("<style>.a{width:8px;height:4px}.b{width:16px;height:2px}"
                      ".e{width:4px;height:4px}.f{width:2px;height:2px}"
                      ".g{width:6px;height:6px}</style>\n</svg>\n"))
      << w.svg;
  // Our reader sizes them by their class: the same pictures.
  cv::Mat canvas = Pattern(kSize, 1);
  std::vector<std::pair<int64_t, cv::Mat>> expected = {{0, canvas.clone()}};
  for (const auto& [ms, patches] :
       std::vector<std::pair<int64_t, std::vector<EncodedPatch>>>{
           {100, first}, {200, second}, {300, {once}}}) {
    for (const EncodedPatch& patch : patches) {
      const uint32_t rgb = *patch.fill;
      canvas(patch.rect)
          .setTo(cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, rgb >> 16, 255));
    }
    expected.emplace_back(ms, canvas.clone());
  }
  ExpectDecodes(w.svg, expected);
}

TEST(SvgWriter, FrameLeftShowingOnePixelGetsNoEnd) {
  const EncodedPatch a = MakePatch({0, 0}, Pattern({32, 24}, 2));
  const EncodedPatch b = MakePatch({1, 0}, Pattern({40, 30}, 4));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 100'000, {a}),
                                     MakeFrame(2, 200'000, {b})});
  EXPECT_EQ(Count(w.svg, "--e"), 0);
  EXPECT_EQ(w.stats.covered, 0u);
}

TEST(SvgWriter, PixelsATransparentPatchLeavesDoNotCover) {
  // b may leave pixel (3, 4) transparent (it was as before there): a still
  // shows there until d paints it.
  const EncodedPatch a = MakePatch({0, 0}, Pattern({32, 24}, 2));
  EncodedPatch b = MakePatch({0, 0}, Pattern({40, 30}, 4));
  b.painted = cv::Mat(b.rect.size(), CV_8UC1, cv::Scalar(255));
  b.painted.at<uint8_t>(4, 3) = 0;
  const EncodedPatch d = MakePatch({2, 4}, Pattern({2, 2}, 6));
  const Written w =
      WriteSvg(kSize, {Poster(), MakeFrame(1, 100'000, {a}),
                       MakeFrame(2, 200'000, {b}), MakeFrame(3, 300'000, {d})});
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:100ms;--e:300ms\">"));
  EXPECT_EQ(w.stats.covered, 1u);
}

TEST(SvgWriter, SmallCoveredFrameGetsNoEnd) {
  // Under a quarter of the frame (and of 256x256): not worth its bytes.
  const EncodedPatch a = MakePatch({0, 0}, Pattern({16, 16}, 2));
  const EncodedPatch b = MakePatch({0, 0}, Pattern({40, 30}, 4));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 100'000, {a}),
                                     MakeFrame(2, 200'000, {b})});
  EXPECT_EQ(Count(w.svg, "--e"), 0);
}

TEST(SvgWriter, CoveredPosterBecomesAGroupWithAnEnd) {
  const EncodedPatch all = MakePatch({0, 0}, Pattern(kSize, 2));
  const Written w = WriteSvg(kSize, {Poster(), MakeFrame(1, 100'000, {all})});
  EXPECT_TRUE(Contains(w.svg, std::string(kStyle) +
                                  "<g style=\"--d:0ms;--e:100ms\"><image "
                                  "id=\"a\" width=\"64\""));
  EXPECT_TRUE(w.svg.ends_with(kEndRule));
}

// When looping, a covered frame's keyframes show it until its end; the
// poster keeps no end (at the instant a period restarts, Blink may show
// every element as at the end of its period: the poster must still show).
TEST(SvgWriter, LoopShowsACoveredFrameUntilItsEndButKeepsThePoster) {
  const EncodedPatch all1 = MakePatch({0, 0}, Pattern(kSize, 2));
  const EncodedPatch all2 = MakePatch({0, 0}, Pattern(kSize, 3));
  TimingOptions loop;
  loop.loop = true;
  loop.hold_us = 800'000;
  const Written w = WriteSvg(
      kSize,
      {Poster(), MakeFrame(1, 100'000, {all1}), MakeFrame(2, 300'000, {all2})},
      true, loop);
  EXPECT_TRUE(Contains(w.svg, "\n<image id=\"a\" width=\"64\""));
  // Period 1.1 s: frame 1 shown for 200 ms of it, frame 2 from 300 ms on
  // (each hidden a hair early: the 32-bit float below the share).
  EXPECT_TRUE(
      Contains(w.svg, "<g style=\"--d:100ms;--e:300ms;animation-name:a\">"));
  EXPECT_TRUE(Contains(w.svg, "<g style=\"--d:300ms;animation-name:b\">"));
  EXPECT_TRUE(Contains(
      w.svg,
      "@keyframes a{0%{visibility:visible}18.18181723%{visibility:hidden}}"
      "@keyframes b{0%{visibility:visible}72.72726893%{visibility:hidden}}"));
  EXPECT_EQ(Count(w.svg, "forwards"), 0);
}

TEST(SvgWriter, PatchOutsideTheFrameThrows) {
  const cv::Mat pixels = Pattern({4, 4}, 12);
  for (const cv::Point at : {cv::Point(-1, 0), cv::Point(0, -1),
                             cv::Point(61, 0), cv::Point(0, 45)}) {
    TempDir dir;
    std::unique_ptr<OutputFile> out;
    ASSERT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
    SvgWriter writer(kSize, out.get());
    writer.WriteFrame(Poster());
    EXPECT_THROW(writer.WriteFrame(MakeFrame(1, 1000, {MakePatch(at, pixels)})),
                 std::logic_error)
        << "at " << at;
  }
  // Touching the right and bottom edges is inside.
  const Written w = WriteSvg(
      kSize, {Poster(), MakeFrame(1, 1000, {MakePatch({60, 44}, pixels)})});
  EXPECT_TRUE(Contains(w.svg, "x=\"60\" y=\"44\" width=\"4\" height=\"4\""));
}

// --- Sprite sheets ---

EncodedPatch MakeSprite(cv::Point at, const cv::Mat& pixels) {
  EncodedPatch patch;
  patch.rect = cv::Rect(at, pixels.size());
  patch.sprite = pixels;
  return patch;
}

// Grey "text": a pattern with B = G = R.
cv::Mat GreyPattern(cv::Size size, int seed) {
  cv::Mat image(size, CV_8UC4);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const auto v = static_cast<uint8_t>((x * 13 + y * 7 + seed * 29) ^ x * y);
      image.at<cv::Vec4b>(y, x) = cv::Vec4b(v, v, v, 255);
    }
  }
  return image;
}

// The sheets written: each <defs> image's PNG colour type (IHDR byte 25:
// 0 grey, 2 RGB, 3 palette).
std::vector<int> SheetColourTypes(const std::string& svg) {
  std::vector<int> types;
  const std::string start = "<defs><image id=";
  for (size_t at = svg.find(start); at != std::string::npos;
       at = svg.find(start, at + 1)) {
    const size_t data = svg.find("base64,", at) + 7;
    std::vector<uint8_t> png;
    EXPECT_TRUE(
        DecodeBase64(svg.substr(data, svg.find('"', data) - data), &png));
    types.push_back(png.size() > 25 ? png[25] : -1);
  }
  return types;
}

// The sheets written: each <defs> image's width and height.
std::vector<cv::Size> SheetSizes(const std::string& svg) {
  std::vector<cv::Size> sizes;
  const std::string start = "<defs><image id=";
  for (size_t at = svg.find(start); at != std::string::npos;
       at = svg.find(start, at + 1)) {
    auto number = [&](const std::string& name) {
      const size_t value = svg.find(" " + name + "=\"", at) + name.size() + 3;
      return std::stoi(svg.substr(value, svg.find('"', value) - value));
    };
    sizes.emplace_back(number("width"), number("height"));
  }
  return sizes;
}

// Writes the frames (sprites included) and checks that the reader shows,
// at each frame's time, exactly the poster with every patch so far pasted
// in order.
Written WriteAndCheckSprites(const std::vector<EncodedFrame>& frames,
                             const cv::Mat& poster_pixels,
                             SheetOptions sheets = {}) {
  TempDir dir;
  std::unique_ptr<OutputFile> out;
  EXPECT_TRUE(OutputFile::Open(dir.File("out.svg"), &out).ok());
  SvgWriter writer(kSize, out.get(), TimingOptions{}, sheets);
  for (const EncodedFrame& frame : frames) writer.WriteFrame(frame);
  writer.Finish();
  EXPECT_TRUE(out->Commit().ok());
  std::vector<cv::Mat> expected;
  cv::Mat canvas = poster_pixels.clone();
  for (const EncodedFrame& frame : frames) {
    for (const EncodedPatch& patch : frame.patches) {
      if (frame.ticket.seq != 0) patch.sprite.copyTo(canvas(patch.rect));
    }
    expected.push_back(canvas.clone());
  }
  size_t n = 0;
  const Status read =
      DecodeScreencast(dir.File("out.svg"), [&](const DecodedFrame& frame) {
        EXPECT_LT(n, expected.size());
        if (n < expected.size()) {
          EXPECT_EQ(frame.time_us, frames[n].ticket.timestamp_us);
          EXPECT_EQ(frame.pixels.size(), expected[n].size());
          if (frame.pixels.size() == expected[n].size()) {
            EXPECT_EQ(cv::norm(frame.pixels, expected[n], cv::NORM_INF), 0.0)
                << "frame " << n;
          }
        }
        ++n;
        return Status::Ok();
      });
  EXPECT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(n, frames.size());
  return {ReadFile(dir.File("out.svg")), writer.stats()};
}

// The poster, then eight frames of a grey sprite each (`per_row` to a row,
// rows overlapping as the frame's height needs), then one of a coloured
// sprite.
std::vector<EncodedFrame> GreySpritesThenAColourOne(cv::Size grey, int per_row,
                                                    cv::Size colour) {
  std::vector<EncodedFrame> frames = {Poster()};
  const int rows = 8 / per_row;
  const int row_step = (kSize.height - grey.height) / (rows - 1);
  for (int i = 0; i < 8; ++i) {
    const cv::Point at((i % per_row) * (kSize.width / per_row),
                       (i / per_row) * row_step);
    frames.push_back(MakeFrame(1 + i, 1000 * (1 + i),
                               {MakeSprite(at, GreyPattern(grey, i))}));
  }
  frames.push_back(
      MakeFrame(9, 9000, {MakeSprite({30, 20}, Pattern(colour, 7))}));
  return frames;
}

TEST(SvgWriter, SpritesShareOneSheetAndAreShownInPlace) {
  const EncodedFrame poster = Poster();
  const Written w = WriteAndCheckSprites(
      {poster,
       MakeFrame(1, 1000, {MakeSprite({2, 2}, GreyPattern({10, 8}, 1))}),
       MakeFrame(2, 2000,
                 {MakeSprite({20, 4}, GreyPattern({6, 12}, 2)),
                  MakeSprite({40, 30}, GreyPattern({16, 10}, 3))})},
      Pattern(kSize, 1));
  EXPECT_EQ(w.stats.sheets, 1u);
  EXPECT_EQ(w.stats.sprites, 3u);
  EXPECT_EQ(Count(w.svg, "<defs><image"), 1);
  EXPECT_EQ(Count(w.svg, "<use href="), 3);
  EXPECT_EQ(SheetColourTypes(w.svg), std::vector<int>{0});  // greyscale
}

TEST(SvgWriter, GreyAndColourSpritesGetASheetEachWhenThatIsSmaller) {
  // Mostly grey text, one coloured sprite: apart, the grey ones are
  // stored with one byte a pixel instead of three.
  const Written w = WriteAndCheckSprites(
      GreySpritesThenAColourOne({14, 20}, 4, {12, 12}), Pattern(kSize, 1));
  EXPECT_EQ(w.stats.sheets, 2u);
  EXPECT_EQ(w.stats.sprites, 9u);
  const std::vector<int> types = SheetColourTypes(w.svg);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0], 0);  // the grey sheet: greyscale
  EXPECT_NE(types[1], 0);
}

TEST(SvgWriter, ManyGreySpritesAndAColourfulOneGetASheetEach) {
  // Over 64x64 grey pixels and over 256 colours in all: decided without
  // encoding the mixed sheet; the outcome is the same.
  const Written w = WriteAndCheckSprites(
      GreySpritesThenAColourOne({24, 24}, 2, {24, 24}), Pattern(kSize, 1));
  EXPECT_EQ(w.stats.sheets, 2u);
  const std::vector<int> types = SheetColourTypes(w.svg);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0], 0);
  EXPECT_EQ(types[1], 2);  // RGB
}

TEST(SvgWriter, AGreySpriteWithAColouredContextGoesOnTheColourSheet) {
  // Its context goes on the sheet with it: on the grey sheet, that would
  // make the whole sheet RGB.
  std::vector<EncodedFrame> frames =
      GreySpritesThenAColourOne({24, 24}, 2, {24, 24});
  EncodedPatch& last = frames.back().patches.back();
  last.sprite = GreyPattern({24, 24}, 9);
  last.sprite_context = Pattern({28, 28}, 8);
  last.sprite_inside = {2, 2};
  last.sprite.copyTo(last.sprite_context(cv::Rect({2, 2}, last.sprite.size())));
  const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1));
  EXPECT_EQ(w.stats.sheets, 2u);
  const std::vector<int> types = SheetColourTypes(w.svg);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0], 0);  // the grey sprites alone: greyscale
  EXPECT_EQ(types[1], 2);
}

// Of one height, RGB sprites sit side by side in rows of up to 8192
// pixels: deflate's 32 KB are 13 rows of an 800-pixel RGB sprite, so like
// rows are in reach beside it, not a shelf below. Sprites of one byte a
// pixel (grey here) stay in rows of 512.
TEST(SvgWriter, RgbSpritesOfOneHeightSitSideBySide) {
  for (bool grey : {false, true}) {
    SCOPED_TRACE(grey ? "grey" : "RGB");
    std::vector<EncodedFrame> frames = {Poster()};
    for (int i = 0; i < 20; ++i) {
      const cv::Mat pixels =
          grey ? GreyPattern({40, 8}, i) : Pattern({40, 8}, i);
      frames.push_back(
          MakeFrame(1 + i, 1000 * (1 + i), {MakeSprite({0, 8}, pixels)}));
    }
    const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1));
    const std::vector<cv::Size> sizes = SheetSizes(w.svg);
    ASSERT_EQ(sizes.size(), 1u);
    EXPECT_EQ(SheetColourTypes(w.svg), std::vector<int>{grey ? 0 : 2});
    if (grey) {
      EXPECT_LE(sizes[0].width, 512 + 8);
      EXPECT_GT(sizes[0].height, 16);  // shelves
    } else {
      EXPECT_GT(sizes[0].width, 20 * 40);
      EXPECT_LT(sizes[0].height, 16);  // one shelf
    }
  }
}

// A sheet that a browser copies many times (its file's size times its
// copies over the budget) is written as a <pattern> around its image, and
// each sprite as a <rect> filled with a pattern of its own that inherits
// the sheet's (no copy of a <use> then copies the image: Firefox spends
// time in proportion to an image's data: URI on each), and every frame
// still decodes exactly; shown few times, it stays an <image> shown by
// <use>s. Grey noise (incompressible: 1,152 bytes a sprite): 60 sprites,
// about 69 KB; shown once each, 4 MB of copies, under the budget (64 MB);
// shown 21 times each (the same pixels again, at one of two places), 87
// MB: 60 patterns, one for each sprite wherever it is, each in the units
// of the 48x24 box it fills (the sheet's width and height are 1). With
// --codec webp, the same.
TEST(SvgWriter, ASheetCopiedOftenIsAPatternAndItsSpritesPatternsOfIt) {
  cv::RNG rng(7);
  std::vector<cv::Mat> sprites;
  for (int i = 0; i < 60; ++i) {
    cv::Mat grey(24, 48, CV_8UC1);
    rng.fill(grey, cv::RNG::UNIFORM, 0, 256);
    cv::Mat sprite;
    cv::cvtColor(grey, sprite, cv::COLOR_GRAY2BGRA);
    sprites.push_back(sprite);
  }
  for (int times : {1, 21}) {
    SCOPED_TRACE(times);
    std::vector<EncodedFrame> frames = {Poster()};
    for (int n = 0; n < 60 * times; ++n) {
      frames.push_back(MakeFrame(
          frames.size(), 1000 * static_cast<int64_t>(frames.size()),
          {MakeSprite({(n + n / 60) % 2 * 16, n % 3 * 12}, sprites[n % 60])}));
    }
    SheetOptions webp;
    webp.codec = ImageFormat::kWebp;
    for (const SheetOptions& options : {SheetOptions{}, webp}) {
      const Written w =
          WriteAndCheckSprites(frames, Pattern(kSize, 1), options);
      EXPECT_EQ(w.stats.sheets, 1u);
      if (times == 1) {
        EXPECT_EQ(w.stats.pattern_sheets, 0u);
        EXPECT_EQ(Count(w.svg, "<pattern"), 0);
        EXPECT_EQ(Count(w.svg, "<defs><image id="), 1);
        continue;
      }
      EXPECT_EQ(w.stats.pattern_sheets, 1u);
      EXPECT_EQ(w.stats.sprite_patterns, 60u);
      EXPECT_EQ(Count(w.svg, "<defs><image id="), 0);
      EXPECT_EQ(Count(w.svg, "<use"), 0);
      EXPECT_EQ(Count(w.svg, "fill=\"url(#"), 60 * 21);
      // (Ids: the poster a, the sheet b.)
      EXPECT_TRUE(Contains(w.svg,
                           "<defs><pattern id=\"b\" width=\"1\" "
                           "height=\"1\"><image width="))
          << w.svg.substr(0, 300);
      // Each sprite's pattern: only its viewBox, 48x24, at both places.
      EXPECT_EQ(Count(w.svg, "<pattern id="), 61);
      EXPECT_EQ(Count(w.svg, "\" href=\"#b\" viewBox=\""), 60);
      EXPECT_EQ(Count(w.svg, " 48 24\"/>"), 60);
    }
  }
}

// After Ctrl-C (replay, convert) the SVG is to be finished soon: once
// SheetOptions::hurry is true, a writer at --effort max encodes its sheets
// as at the default effort (no Zopfli, which takes a minute on a big
// sheet): the same bytes as a default writer's; before, smaller ones.
TEST(SvgWriter, OnceHurriedSheetsAreEncodedAtTheDefaultEffort) {
  // Lines of coloured "glyphs" (three shapes, in another order each line):
  // WebP's 2-D matches make its sheet smaller than the PNG.
  std::vector<EncodedFrame> frames = {Poster()};
  for (int n = 0; n < 12; ++n) {
    cv::Mat line(24, 48, CV_8UC4, cv::Scalar(250, 250, 250, 255));
    for (int g = 0; g < 6; ++g) {
      const int shape = (n * 7 + g * 3) % 3;
      line(cv::Rect(g * 8 + 1, 4 + shape * 2, 6, 14 - shape * 4))
          .setTo(cv::Scalar(40 + shape * 60, 90, 200 - shape * 50, 255));
    }
    frames.push_back(MakeFrame(frames.size(),
                               1000 * static_cast<int64_t>(frames.size()),
                               {MakeSprite({n % 2 * 16, n % 3 * 12}, line)}));
  }
  // (With --codec webp too: libwebp's preset 6, not 9.)
  for (ImageFormat codec : {ImageFormat::kPng, ImageFormat::kWebp}) {
    SCOPED_TRACE(static_cast<int>(codec));
    std::atomic<bool> hurry{false};
    SheetOptions by_default;
    by_default.codec = codec;
    SheetOptions max = by_default;
    max.effort = Effort::kMax;
    max.hurry = &hurry;
    const std::string default_svg =
        WriteAndCheckSprites(frames, Pattern(kSize, 1), by_default).svg;
    const std::string at_max =
        WriteAndCheckSprites(frames, Pattern(kSize, 1), max).svg;
    EXPECT_NE(at_max, default_svg);
    if (codec == ImageFormat::kWebp) {  // (its sheet WebP, not PNG)
      EXPECT_TRUE(Contains(default_svg, "data:image/webp;base64,"));
    }
    if (codec == ImageFormat::kPng) {
      EXPECT_LT(at_max.size(), default_svg.size());
    }
    hurry = true;
    const std::string hurried =
        WriteAndCheckSprites(frames, Pattern(kSize, 1), max).svg;
    EXPECT_EQ(hurried, default_svg);
  }
}

// The copy budget is for the image sheets together: two sheets, each of
// 30 grey noise sprites shown once (about 35 KB, about 1 MB of copies),
// each under a budget of 1.5 MB alone: the first stays an <image>, the
// second, with the first's copies over the budget, is a pattern. With a
// budget over both, neither is one.
TEST(SvgWriter, TheCopyBudgetIsForAllTheImageSheetsTogether) {
  cv::RNG rng(11);
  std::vector<EncodedFrame> frames = {Poster()};
  for (int n = 0; n < 60; ++n) {
    cv::Mat grey(24, 48, CV_8UC1);
    rng.fill(grey, cv::RNG::UNIFORM, 0, 256);
    cv::Mat sprite;
    cv::cvtColor(grey, sprite, cv::COLOR_GRAY2BGRA);
    frames.push_back(MakeFrame(frames.size(),
                               1000 * static_cast<int64_t>(frames.size()),
                               {MakeSprite({n % 2 * 16, n % 3 * 12}, sprite)}));
  }
  for (double budget : {1.5e6, 4e6}) {
    SCOPED_TRACE(budget);
    SheetOptions options;
    options.max_area_px = 30 * 48 * 24;  // (a sheet every 30 sprites)
    options.copy_budget_bytes = budget;
    const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1), options);
    ASSERT_EQ(w.stats.sheets, 2u);
    EXPECT_EQ(w.stats.pattern_sheets, budget < 2e6 ? 1u : 0u);
    EXPECT_EQ(Count(w.svg, "<defs><image id="), budget < 2e6 ? 1 : 2);
    if (budget < 2e6) {  // the first sheet is the image
      EXPECT_LT(w.svg.find("<defs><image id="), w.svg.find("<pattern"));
    }
  }
}

TEST(SvgWriter, TinyGreyAndColourSpritesShareASheet) {
  // A second sheet's header and markup would cost more than it saves.
  const Written w = WriteAndCheckSprites(
      {Poster(), MakeFrame(1, 1000,
                           {MakeSprite({0, 0}, GreyPattern({2, 2}, 1)),
                            MakeSprite({8, 8}, Pattern({2, 2}, 2))})},
      Pattern(kSize, 1));
  EXPECT_EQ(w.stats.sheets, 1u);
  EXPECT_EQ(SheetColourTypes(w.svg).size(), 1u);
}

// A line typed a character a frame: frames of one sprite each in the same
// rows are written as one row (<svg y height>) whose sprites take both from
// it; a sprite frame elsewhere, alone, and a frame of two sprites are
// written as before. Every frame decodes exactly (WriteAndCheckSprites).
TEST(SvgWriter, SpriteFramesInTheSameRowsAreWrittenAsARow) {
  std::vector<EncodedFrame> frames = {Poster()};
  for (int i = 0; i < 4; ++i) {
    frames.push_back(
        MakeFrame(1 + i, 1000 * (1 + i),
                  {MakeSprite({i * 8, 10}, GreyPattern({6, 8}, i))}));
  }
  frames.push_back(
      MakeFrame(5, 5000, {MakeSprite({0, 30}, GreyPattern({6, 8}, 5))}));
  frames.push_back(MakeFrame(6, 6000,
                             {MakeSprite({8, 30}, GreyPattern({6, 8}, 6)),
                              MakeSprite({16, 30}, GreyPattern({6, 8}, 7))}));
  const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1));
  EXPECT_EQ(w.stats.rows, 1u);
  EXPECT_TRUE(Contains(w.svg,
                       "<svg y=\"10\" height=\"8\">\n"
                       "<svg style=\"--d:1ms\" width=\"6\"><use href="))
      << w.svg;
  EXPECT_TRUE(Contains(w.svg, "<svg style=\"--d:4ms\" x=\"24\" width=\"6\">"));
  EXPECT_TRUE(Contains(w.svg,
                       "<svg style=\"--d:5ms\" y=\"30\" width=\"6\" "
                       "height=\"8\">"));
  EXPECT_EQ(Count(w.svg, "height=\"8\""), 4);  // the row, 5 ms, 6 ms (two)
}

// Two long typed lines: each line's sprites sit side by side on the
// sheet, in the same rows of it (a shelf for each line, as their heights
// differ). The sheet is placed so that the first line's need no y; the
// second line's row defines an alias (<use id> of the sheet moved by
// their y) and they show it moved only by their x. Every frame decodes
// exactly (WriteAndCheckSprites, through the reader's aliases).
TEST(SvgWriter, SpritesInARowShowTheSheetsRowsThroughAnAlias) {
  std::vector<EncodedFrame> frames = {Poster()};
  // (64 sprites fill the first shelf: the second line's go on the next.)
  for (int i = 0; i < 80; ++i) {
    const bool first = i < 64;
    frames.push_back(
        MakeFrame(1 + i, 1000 * (1 + i),
                  {MakeSprite({i % 16 * 4, first ? 10 : 30},
                              GreyPattern({4, first ? 8 : 6}, i))}));
  }
  const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1));
  EXPECT_EQ(w.stats.rows, 2u);
  EXPECT_EQ(Count(w.svg, "<defs><use id="), 1) << w.svg;
  const size_t defs = w.svg.find("<svg y=\"30\" height=\"6\">\n<defs><use id=");
  ASSERT_NE(defs, std::string::npos) << w.svg;
  // Each sprite shows an alias, moved by x only.
  const std::string row = w.svg.substr(w.svg.find("</defs>", defs));
  EXPECT_EQ(Count(row.substr(0, row.find("</svg>\n</svg>")), "/></svg>\n"), 15)
      << w.svg;  // (and the last, at the end)
  EXPECT_FALSE(Contains(row.substr(0, row.find("</svg>\n</svg>")), " y=\""))
      << w.svg;
  // The first line's: no y at all (the sheet is placed so).
  const size_t first = w.svg.find("<svg y=\"10\" height=\"8\">\n");
  ASSERT_NE(first, std::string::npos) << w.svg;
  EXPECT_FALSE(Contains(
      w.svg.substr(first, w.svg.find("</svg>\n<svg y=", first) - first),
      " y=\"-"))
      << w.svg;
}

// Most sprites on the sheet's second shelf: the sheet is placed at minus
// that shelf's y, so that their <use>s need no y (the first shelf's then
// do). Every frame decodes exactly (the reader places the sheet so too).
TEST(SvgWriter, TheSheetIsPlacedWhereMostSpritesAre) {
  std::vector<EncodedFrame> frames = {Poster()};
  // Seven 64x10 sprites fill the first shelf (of 512 pixels and gutters).
  for (int i = 0; i < 7; ++i) {
    frames.push_back(
        MakeFrame(1 + i, 1000 * (1 + i),
                  {MakeSprite({0, 30}, GreyPattern({64, 10}, 20 + i))}));
  }
  // Then frames of two 4x6 sprites each: the second shelf, at y 14.
  for (int i = 0; i < 10; ++i) {
    frames.push_back(
        MakeFrame(8 + i, 1000 * (8 + i),
                  {MakeSprite({i * 4, 10}, GreyPattern({4, 6}, 2 * i)),
                   MakeSprite({i * 4, 20}, GreyPattern({4, 6}, 2 * i + 1))}));
  }
  const Written w = WriteAndCheckSprites(frames, Pattern(kSize, 1));
  EXPECT_TRUE(Contains(w.svg, "<image id=\"b\" y=\"-14\" width=")) << w.svg;
  EXPECT_EQ(Count(w.svg, " y=\"-14\""), 1) << w.svg;
  // The first shelf's: the seven 64x10 ones (through their row's alias)
  // and the five small ones beside them; the fifteen on the second, none.
  EXPECT_EQ(Count(w.svg, " y=\"14\"/>"), 6) << w.svg;
}

// The whole output for a fixed sequence (tests/svg/golden_frames.h), byte
// for byte. The PNG bytes come from libpng/zlib, so a different zlib may
// change them; if the file must change, regenerate it with
//   SVGCAST_UPDATE_GOLDEN=1 build/tests/svgcast_tests
//       --gtest_filter=SvgWriter.GoldenFile
// (one command line)
// then read the diff and check the markup by eye before committing, and
// run SvgReader.DecodesTheGoldenFile (which checks its pixels).
TEST(SvgWriter, GoldenFile) {
  const Written w = WriteSvg(kGoldenSize, GoldenEncodedFrames());
  const std::string path = GoldenSvgPath();
  if (const char* update = std::getenv("SVGCAST_UPDATE_GOLDEN");
      update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    WriteFile(path, w.svg);
    GTEST_SKIP() << "wrote " << path;
  }
  ASSERT_TRUE(FileExists(path)) << path;
  EXPECT_EQ(w.svg, ReadFile(path));
  EXPECT_EQ(w.stats.images, 3u);
  EXPECT_EQ(w.stats.reused, 1u);
}

}  // namespace
}  // namespace svgcast::test
