#include "processing/frame_diff.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace svgcast {
namespace {

// Tight bounds of the changed pixels in one tile; empty while x0 > x1.
struct TileBounds {
  int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;  // inclusive
  bool changed() const { return x1 >= 0; }
};

}  // namespace

std::vector<cv::Rect> DiffRegions(const cv::Mat& prev, const cv::Mat& cur,
                                  const DiffOptions& options) {
  if (prev.type() != CV_8UC4 || cur.type() != CV_8UC4 ||
      prev.size() != cur.size()) {
    throw std::invalid_argument("DiffRegions: frames differ in type or size");
  }
  const int tile = std::max(1, options.tile_px);
  const int width = cur.cols;
  const int height = cur.rows;
  const int tiles_x = (width + tile - 1) / tile;
  const int tiles_y = (height + tile - 1) / tile;
  std::vector<TileBounds> tiles(static_cast<size_t>(tiles_x) * tiles_y);

  for (int y = 0; y < height; ++y) {
    const auto* a = prev.ptr<uint32_t>(y);
    const auto* b = cur.ptr<uint32_t>(y);
    if (std::memcmp(a, b, static_cast<size_t>(width) * 4) == 0) continue;
    TileBounds* row_tiles = &tiles[static_cast<size_t>(y / tile) * tiles_x];
    for (int tx = 0; tx < tiles_x; ++tx) {
      const int x_begin = tx * tile;
      const int x_end = std::min(width, x_begin + tile);
      if (std::memcmp(a + x_begin, b + x_begin,
                      static_cast<size_t>(x_end - x_begin) * 4) == 0) {
        continue;
      }
      int first = x_begin;
      while (a[first] == b[first]) ++first;
      int last = x_end - 1;
      while (a[last] == b[last]) --last;
      TileBounds& t = row_tiles[tx];
      t.x0 = std::min(t.x0, first);
      t.x1 = std::max(t.x1, last);
      t.y0 = std::min(t.y0, y);
      t.y1 = std::max(t.y1, y);
    }
  }

  // Group changed tiles into 8-connected regions (flood fill, row-major).
  std::vector<cv::Rect> regions;
  std::vector<uint8_t> seen(tiles.size(), 0);
  std::vector<int> stack;
  for (int start = 0; start < static_cast<int>(tiles.size()); ++start) {
    if (!tiles[start].changed() || seen[start]) continue;
    TileBounds box;
    seen[start] = 1;
    stack.push_back(start);
    while (!stack.empty()) {
      const int index = stack.back();
      stack.pop_back();
      const TileBounds& t = tiles[index];
      box.x0 = std::min(box.x0, t.x0);
      box.y0 = std::min(box.y0, t.y0);
      box.x1 = std::max(box.x1, t.x1);
      box.y1 = std::max(box.y1, t.y1);
      const int tx = index % tiles_x;
      const int ty = index / tiles_x;
      for (int ny = std::max(0, ty - 1); ny <= std::min(tiles_y - 1, ty + 1);
           ++ny) {
        for (int nx = std::max(0, tx - 1); nx <= std::min(tiles_x - 1, tx + 1);
             ++nx) {
          const int neighbour = ny * tiles_x + nx;
          if (tiles[neighbour].changed() && !seen[neighbour]) {
            seen[neighbour] = 1;
            stack.push_back(neighbour);
          }
        }
      }
    }
    regions.emplace_back(box.x0, box.y0, box.x1 - box.x0 + 1,
                         box.y1 - box.y0 + 1);
  }
  return regions;
}

}  // namespace svgcast
