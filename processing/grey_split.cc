#include "processing/grey_split.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace svgcast {
namespace {

bool Coloured(const uint8_t* bgrx) {
  return bgrx[0] != bgrx[1] || bgrx[1] != bgrx[2];
}

// A stretch [begin, end) of a patch's rows or columns (frame coordinates).
struct Run {
  int begin, end;
  bool grey;
};

// One axis: [lo, hi) cut into runs, the grey ones (no coloured line within
// context_px) apart where they save more than the parts they add cost.
// `coloured_before[i]`: how many of the lines first .. first + i - 1 have a
// coloured pixel; `busy(begin, end)`: the pixels of those lines, across
// the patch, unlike their left neighbour.
template <typename Busy>
std::vector<Run> CutAxis(int lo, int hi, int first,
                         const std::vector<int>& coloured_before, Busy busy,
                         const GreySplitOptions& options) {
  const int lines = static_cast<int>(coloured_before.size()) - 1;
  const int c = options.context_px;
  auto grey_with_context = [&](int v) {
    const int from = std::max(0, v - first - c);
    const int to = std::min(lines, v - first + c + 1);
    return coloured_before[to] == coloured_before[from];
  };
  const int a = std::max(1, options.align_px);
  std::vector<Run> runs;
  int done = lo;  // (the lines before it are in runs)
  for (int v = lo; v < hi;) {
    if (!grey_with_context(v)) {
      ++v;
      continue;
    }
    int end = v;
    while (end < hi && grey_with_context(end)) ++end;
    // Inward to aligned edges, but at the patch's own.
    const int begin = v == lo ? lo : AlignUp(v, a);
    const int stop = end == hi ? hi : AlignDown(end, a);
    v = end;
    if (stop <= begin) continue;
    const int added = (begin != lo ? 1 : 0) + (stop != hi ? 1 : 0);
    const int64_t saved = busy(begin, stop) / 2;  // (bytes)
    if (saved <= static_cast<int64_t>(added) * options.piece_bytes) continue;
    if (begin > done) runs.push_back({done, begin, false});
    runs.push_back({begin, stop, true});
    done = stop;
  }
  if (done < hi) runs.push_back({done, hi, false});
  return runs;
}

}  // namespace

bool IsGrey(const cv::Mat& bgrx) {
  for (int y = 0; y < bgrx.rows; ++y) {
    const uint8_t* p = bgrx.ptr<uint8_t>(y);
    for (int x = 0; x < bgrx.cols; ++x, p += 4) {
      if (Coloured(p)) return false;
    }
  }
  return true;
}

std::vector<cv::Rect> CutGreyApart(const cv::Mat& around, cv::Point around_tl,
                                   const cv::Rect& rect,
                                   const GreySplitOptions& options) {
  const cv::Rect in = rect - around_tl;  // (in `around`)
  if (around.type() != CV_8UC4 ||
      (in & cv::Rect(0, 0, around.cols, around.rows)) != in) {
    throw std::logic_error(
        "grey split: the pixels around a patch must hold it");
  }
  // The rows of `around` with a coloured pixel (the context beside counts).
  std::vector<int> rows_before(around.rows + 1, 0);
  for (int y = 0; y < around.rows; ++y) {
    const uint8_t* p = around.ptr<uint8_t>(y);
    bool coloured = false;
    for (int x = 0; x < around.cols && !coloured; ++x) {
      coloured = Coloured(p + 4 * x);
    }
    rows_before[y + 1] = rows_before[y] + (coloured ? 1 : 0);
  }
  if (rows_before[around.rows] == 0) return {rect};  // all grey
  // The pixels unlike their left neighbour in rows and columns of `rect`
  // (frame coordinates).
  auto busy_px = [&](int y0, int y1, int x0, int x1) {
    int64_t busy = 0;
    for (int y = y0 - around_tl.y; y < y1 - around_tl.y; ++y) {
      const uint32_t* row = around.ptr<uint32_t>(y);
      for (int x = std::max(x0 - around_tl.x, 1); x < x1 - around_tl.x; ++x) {
        busy += ((row[x] ^ row[x - 1]) & 0x00FFFFFFu) != 0 ? 1 : 0;
      }
    }
    return busy;
  };
  std::vector<cv::Rect> parts;
  const int c = options.context_px;
  for (const Run& band : CutAxis(
           rect.y, rect.br().y, around_tl.y, rows_before,
           [&](int y0, int y1) { return busy_px(y0, y1, rect.x, rect.br().x); },
           options)) {
    const cv::Rect rows(rect.x, band.begin, rect.width, band.end - band.begin);
    if (band.grey) {
      parts.push_back(rows);
      continue;
    }
    // The band's columns with a coloured pixel, in its rows and the
    // context above and below.
    const int y0 = std::max(0, band.begin - c - around_tl.y);
    const int y1 = std::min(around.rows, band.end + c - around_tl.y);
    std::vector<int> columns_before(around.cols + 1, 0);
    std::vector<char> coloured(around.cols, 0);
    for (int y = y0; y < y1; ++y) {
      const uint8_t* p = around.ptr<uint8_t>(y);
      for (int x = 0; x < around.cols; ++x) {
        if (Coloured(p + 4 * x)) coloured[x] = 1;
      }
    }
    for (int x = 0; x < around.cols; ++x) {
      columns_before[x + 1] = columns_before[x] + coloured[x];
    }
    for (const Run& column : CutAxis(
             rect.x, rect.br().x, around_tl.x, columns_before,
             [&](int x0, int x1) {
               return busy_px(band.begin, band.end, x0, x1);
             },
             options)) {
      parts.emplace_back(column.begin, rows.y, column.end - column.begin,
                         rows.height);
    }
  }
  if (parts.size() > 1 && options.max_parts > 0 &&
      parts.size() > static_cast<size_t>(options.max_parts)) {
    return {rect};
  }
  if (parts.size() > 1 && options.max_coloured_share < 1.0) {
    int64_t coloured_px = 0;
    for (const cv::Rect& part : parts) {
      if (!IsGrey(around(part - around_tl))) coloured_px += part.area();
    }
    if (coloured_px == 0 ||
        static_cast<double>(coloured_px) >
            options.max_coloured_share * static_cast<double>(rect.area())) {
      return {rect};
    }
  }
  return parts;
}

GreySplitOptions WebPGreySplitOptions(int align_px) {
  GreySplitOptions options;
  options.align_px = align_px;
  options.piece_bytes = 400;
  options.max_parts = 2;
  options.max_coloured_share = 0.1;
  return options;
}

}  // namespace svgcast
