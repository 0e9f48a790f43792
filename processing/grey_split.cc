#include "processing/grey_split.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace svgcast {

std::vector<cv::Rect> GreyColumnsApart(const cv::Mat& around,
                                       cv::Point around_tl,
                                       const cv::Rect& rect,
                                       const GreySplitOptions& options) {
  const cv::Rect in = rect - around_tl;  // (in `around`)
  if (around.type() != CV_8UC4 ||
      (in & cv::Rect(0, 0, around.cols, around.rows)) != in) {
    throw std::logic_error(
        "grey split: the pixels around a patch must hold it");
  }
  // How many of the columns of `around` before x have a coloured pixel
  // (in any row: the context above and below counts too).
  std::vector<int> coloured_before(around.cols + 1, 0);
  {
    std::vector<char> coloured(around.cols, 0);
    for (int y = 0; y < around.rows; ++y) {
      const uint8_t* p = around.ptr<uint8_t>(y);
      for (int x = 0; x < around.cols; ++x, p += 4) {
        if (p[0] != p[1] || p[1] != p[2]) coloured[x] = 1;
      }
    }
    for (int x = 0; x < around.cols; ++x) {
      coloured_before[x + 1] = coloured_before[x] + coloured[x];
    }
    if (coloured_before[around.cols] == 0) return {rect};  // all grey
  }
  const int c = options.context_px;
  auto grey_with_context = [&](int x) {
    const int lo = std::max(0, x - c);
    const int hi = std::min(around.cols, x + c + 1);
    return coloured_before[hi] == coloured_before[lo];
  };
  // The pixels of columns [x0, x1) (in `around`) unlike their left
  // neighbour: what the saving is guessed from.
  auto busy_px = [&](int x0, int x1) {
    int64_t busy = 0;
    for (int y = in.y; y < in.br().y; ++y) {
      const uint32_t* row = around.ptr<uint32_t>(y);
      for (int x = std::max(x0, 1); x < x1; ++x) {
        busy += ((row[x] ^ row[x - 1]) & 0x00FFFFFFu) != 0 ? 1 : 0;
      }
    }
    return busy;
  };
  const int a = std::max(1, options.align_px);
  auto up = [a](int v) { return v + (a - v % a) % a; };
  auto down = [a](int v) { return v - v % a; };
  std::vector<cv::Rect> parts;
  int done = rect.x;  // (the columns before it are in parts)
  for (int x = in.x; x < in.br().x;) {
    if (!grey_with_context(x)) {
      ++x;
      continue;
    }
    int end = x;
    while (end < in.br().x && grey_with_context(end)) ++end;
    // The run in the frame, inward to aligned edges (but the patch's own).
    int x0 = around_tl.x + x;
    int x1 = around_tl.x + end;
    x = end;
    if (x0 != rect.x) x0 = up(x0);
    if (x1 != rect.br().x) x1 = down(x1);
    if (x1 <= x0) continue;
    const int added = (x0 != rect.x ? 1 : 0) + (x1 != rect.br().x ? 1 : 0);
    const int64_t saved =
        busy_px(x0 - around_tl.x, x1 - around_tl.x) / 2;  // (bytes)
    if (saved <= static_cast<int64_t>(added) * options.piece_bytes) continue;
    if (x0 > done) parts.emplace_back(done, rect.y, x0 - done, rect.height);
    parts.emplace_back(x0, rect.y, x1 - x0, rect.height);
    done = x1;
  }
  if (parts.empty()) return {rect};
  if (done < rect.br().x) {
    parts.emplace_back(done, rect.y, rect.br().x - done, rect.height);
  }
  return parts;
}

}  // namespace svgcast
