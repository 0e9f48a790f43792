// The fixed frame sequence behind fixtures/golden/two_frames.svg, shared by
// svg_writer_test.cc (which writes it and compares the bytes) and
// svg_reader_test.cc (which decodes the golden file back to these canvases).
//
// 12x8 pixels: a poster at 0 ms, then two changed frames, then one frame
// identical to the one before (it must add nothing):
//   0 ms       background with a red 3x2 block at (1,1)   -> <image>
//   146.5 ms   a 4x3 pattern at (6,2)                     -> <g><image>
//   300 ms     that pattern again at (1,4) (same PNG)     -> <g><use x=-5 y=2>
//              and a white 2x2 block at (10,0)               <image></g>
//   400 ms     no change                                  -> nothing
//
// Threading: pure functions building values; call from the test's thread.
#ifndef SVGCAST_TESTS_SVG_GOLDEN_FRAMES_H_
#define SVGCAST_TESTS_SVG_GOLDEN_FRAMES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "processing/patch.h"
#include "processing/png_encoder.h"
#include "tests/test_util.h"

namespace svgcast::test {

inline const cv::Size kGoldenSize(12, 8);

struct GoldenFrame {
  int64_t timestamp_us;
  cv::Mat canvas;                 // what the SVG shows from timestamp_us on
  std::vector<cv::Rect> patches;  // where it changed (whole frame for seq 0)
};

inline std::vector<GoldenFrame> GoldenSequence() {
  cv::Mat f0 = SolidFrame(kGoldenSize, cv::Scalar(200, 120, 40));
  f0(cv::Rect(1, 1, 3, 2)).setTo(cv::Scalar(0, 0, 255, 255));

  cv::Mat f1 = f0.clone();
  const cv::Rect pattern_rect(6, 2, 4, 3);
  for (int y = 0; y < pattern_rect.height; ++y) {
    for (int x = 0; x < pattern_rect.width; ++x) {
      f1.at<cv::Vec4b>(pattern_rect.y + y, pattern_rect.x + x) =
          cv::Vec4b(static_cast<uint8_t>(20 * x), static_cast<uint8_t>(60 * y),
                    static_cast<uint8_t>(10 + 30 * (x + y)), 255);
    }
  }

  cv::Mat f2 = f1.clone();
  f1(pattern_rect).copyTo(f2(cv::Rect(1, 4, 4, 3)));
  f2(cv::Rect(10, 0, 2, 2)).setTo(cv::Scalar(255, 255, 255, 255));

  return {
      {0, f0, {cv::Rect(cv::Point(0, 0), kGoldenSize)}},
      {146500, f1, {pattern_rect}},
      {300000, f2, {cv::Rect(1, 4, 4, 3), cv::Rect(10, 0, 2, 2)}},
      {400000, f2.clone(), {}},
  };
}

// A patch of `canvas` at `rect`, encoded the way the pipeline does.
inline EncodedPatch EncodeGoldenPatch(const cv::Mat& canvas, cv::Rect rect) {
  auto png = std::make_shared<std::vector<uint8_t>>();
  const Status s = EncodePng(canvas(rect), PngOptions{}, png.get());
  EXPECT_TRUE(s.ok()) << s.message();
  EncodedPatch patch;
  patch.rect = rect;
  patch.png = png;
  return patch;
}

inline std::vector<EncodedFrame> GoldenEncodedFrames() {
  std::vector<EncodedFrame> frames;
  uint64_t seq = 0;
  for (const GoldenFrame& golden : GoldenSequence()) {
    EncodedFrame frame;
    frame.ticket.seq = seq++;
    frame.ticket.timestamp_us = golden.timestamp_us;
    for (const cv::Rect& rect : golden.patches) {
      frame.patches.push_back(EncodeGoldenPatch(golden.canvas, rect));
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

inline std::string GoldenSvgPath() {
  return FixturePath("golden/two_frames.svg");
}

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_SVG_GOLDEN_FRAMES_H_
