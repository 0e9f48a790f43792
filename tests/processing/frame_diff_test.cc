// DiffRegions: changed pixels become tight, 8-connected tile regions.
#include "processing/frame_diff.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// A frame of pseudo-random opaque pixels (X = 255), so that neighbouring
// pixels differ and an off-by-one in the diff shows.
cv::Mat NoiseFrame(cv::Size size, uint32_t seed) {
  std::mt19937 rng(seed);
  cv::Mat frame(size, CV_8UC4);
  for (int y = 0; y < frame.rows; ++y) {
    auto* row = frame.ptr<cv::Vec4b>(y);
    for (int x = 0; x < frame.cols; ++x) {
      row[x] =
          cv::Vec4b(static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                    static_cast<uint8_t>(rng()), 255);
    }
  }
  return frame;
}

// Flips the blue byte of one pixel (always a change).
void Touch(cv::Mat& frame, int x, int y) {
  frame.at<cv::Vec4b>(y, x)[0] ^= 0x5a;
}

bool PixelDiffers(const cv::Mat& a, const cv::Mat& b, int x, int y) {
  return a.at<cv::Vec4b>(y, x) != b.at<cv::Vec4b>(y, x);
}

std::vector<cv::Rect> Diff(const cv::Mat& prev, const cv::Mat& cur,
                           int tile_px = 16) {
  DiffOptions options;
  options.tile_px = tile_px;
  return DiffRegions(prev, cur, options);
}

// An independent, pixel-by-pixel model of the documented behaviour: tiles
// with a changed pixel, grouped 8-connected (union-find), each group the
// tight box of its changed pixels, in row-major order of the group's first
// tile.
std::vector<cv::Rect> ReferenceRegions(const cv::Mat& prev, const cv::Mat& cur,
                                       int tile) {
  const int tiles_x = (cur.cols + tile - 1) / tile;
  const int tiles_y = (cur.rows + tile - 1) / tile;
  const int count = tiles_x * tiles_y;
  std::vector<cv::Rect> tile_box(count);  // empty: unchanged
  for (int y = 0; y < cur.rows; ++y) {
    for (int x = 0; x < cur.cols; ++x) {
      if (!PixelDiffers(prev, cur, x, y)) continue;
      cv::Rect& box = tile_box[(y / tile) * tiles_x + x / tile];
      box = box.empty() ? cv::Rect(x, y, 1, 1) : (box | cv::Rect(x, y, 1, 1));
    }
  }
  std::vector<int> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int i) {
    return parent[i] == i ? i : parent[i] = find(parent[i]);
  };
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      if (tile_box[ty * tiles_x + tx].empty()) continue;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = tx + dx;
          const int ny = ty + dy;
          if (nx < 0 || ny < 0 || nx >= tiles_x || ny >= tiles_y) continue;
          if (tile_box[ny * tiles_x + nx].empty()) continue;
          // Union keeping the smallest index as the root, so a root is the
          // group's first tile in row-major order.
          const int a = find(ty * tiles_x + tx);
          const int b = find(ny * tiles_x + nx);
          parent[std::max(a, b)] = std::min(a, b);
        }
      }
    }
  }
  std::vector<cv::Rect> group_box(count);
  for (int i = 0; i < count; ++i) {
    if (tile_box[i].empty()) continue;
    cv::Rect& box = group_box[find(i)];
    box = box.empty() ? tile_box[i] : (box | tile_box[i]);
  }
  std::vector<cv::Rect> regions;
  for (int i = 0; i < count; ++i) {
    if (!group_box[i].empty()) regions.push_back(group_box[i]);
  }
  return regions;
}

TEST(FrameDiffTest, IdenticalFramesHaveNoRegions) {
  const cv::Mat a = NoiseFrame({50, 37}, 1);
  EXPECT_TRUE(Diff(a, a).empty());
  EXPECT_TRUE(Diff(a, a.clone()).empty());
  const cv::Mat solid = SolidFrame({64, 64}, cv::Scalar(10, 20, 30));
  EXPECT_TRUE(Diff(solid, solid.clone()).empty());
}

// One changed pixel is found as exactly its own 1x1 rectangle wherever it
// is: corners, both sides of tile borders, and the partial tiles of the last
// column and row of a frame whose size is not a multiple of the tile.
TEST(FrameDiffTest, SinglePixelChangeIsItsOwnRect) {
  const cv::Size size(50, 37);  // 16-px tiles: 3 full + a 2-px column,
                                // 2 full + a 5-px row
  const cv::Mat prev = NoiseFrame(size, 2);
  const std::vector<cv::Point> points = {
      {0, 0},   {49, 0},  {0, 36},  {49, 36},  // corners
      {15, 15}, {16, 16}, {15, 16}, {16, 15},  // around a tile corner
      {31, 0},  {32, 0},  {0, 31},  {0, 32},   // tile borders on the edges
      {47, 20}, {48, 20}, {49, 20},            // into the last, partial column
      {20, 31}, {20, 32}, {20, 36},            // into the last, partial row
      {48, 32}, {25, 18}};
  for (const cv::Point& p : points) {
    cv::Mat cur = prev.clone();
    Touch(cur, p.x, p.y);
    const std::vector<cv::Rect> regions = Diff(prev, cur);
    ASSERT_EQ(regions.size(), 1u) << "pixel " << p;
    EXPECT_EQ(regions[0], cv::Rect(p.x, p.y, 1, 1)) << "pixel " << p;
  }
}

// Every pixel of a small frame, with a tile size that divides neither side.
TEST(FrameDiffTest, SinglePixelChangeEverywhereInASmallFrame) {
  const cv::Size size(23, 13);
  const cv::Mat prev = NoiseFrame(size, 3);
  for (int tile : {1, 5, 8, 16, 64}) {
    for (int y = 0; y < size.height; ++y) {
      for (int x = 0; x < size.width; ++x) {
        cv::Mat cur = prev.clone();
        Touch(cur, x, y);
        const std::vector<cv::Rect> regions = Diff(prev, cur, tile);
        ASSERT_EQ(regions.size(), 1u)
            << "tile " << tile << " at " << x << "," << y;
        ASSERT_EQ(regions[0], cv::Rect(x, y, 1, 1))
            << "tile " << tile << " at " << x << "," << y;
      }
    }
  }
}

TEST(FrameDiffTest, TwoDistantChangesAreTwoRectsInTileOrder) {
  const cv::Mat prev = NoiseFrame({100, 70}, 4);
  cv::Mat cur = prev.clone();
  Touch(cur, 5, 40);  // tile row 2
  Touch(cur, 90, 3);  // tile row 0: its region comes first
  EXPECT_EQ(Diff(prev, cur),
            (std::vector<cv::Rect>{{90, 3, 1, 1}, {5, 40, 1, 1}}));

  // Two changed blocks, each box tight around its own pixels.
  cur = prev.clone();
  for (int y = 2; y < 6; ++y) {
    for (int x = 3; x < 9; ++x) Touch(cur, x, y);
  }
  for (int y = 50; y < 69; ++y) Touch(cur, 70, y);
  EXPECT_EQ(Diff(prev, cur),
            (std::vector<cv::Rect>{{3, 2, 6, 4}, {70, 50, 1, 19}}));
}

TEST(FrameDiffTest, DiagonallyAdjacentTilesFormOneRegion) {
  const cv::Mat prev = NoiseFrame({64, 64}, 5);

  cv::Mat cur = prev.clone();
  Touch(cur, 15, 15);  // tile (0, 0)
  Touch(cur, 16, 16);  // tile (1, 1): touches (0, 0) at a corner only
  EXPECT_EQ(Diff(prev, cur), (std::vector<cv::Rect>{{15, 15, 2, 2}}));

  // The other diagonal, pixels far apart inside their tiles.
  cur = prev.clone();
  Touch(cur, 31, 0);  // tile (1, 0)
  Touch(cur, 0, 31);  // tile (0, 1)
  EXPECT_EQ(Diff(prev, cur), (std::vector<cv::Rect>{{0, 0, 32, 32}}));

  // A diagonal chain of tiles is one region.
  cur = prev.clone();
  Touch(cur, 1, 1);    // tile (0, 0)
  Touch(cur, 20, 20);  // tile (1, 1)
  Touch(cur, 40, 40);  // tile (2, 2)
  Touch(cur, 62, 60);  // tile (3, 3)
  EXPECT_EQ(Diff(prev, cur), (std::vector<cv::Rect>{{1, 1, 62, 60}}));

  // One unchanged tile in between separates them.
  cur = prev.clone();
  Touch(cur, 15, 15);  // tile (0, 0)
  Touch(cur, 32, 32);  // tile (2, 2)
  EXPECT_EQ(Diff(prev, cur),
            (std::vector<cv::Rect>{{15, 15, 1, 1}, {32, 32, 1, 1}}));
}

// Pixels are compared as whole 32-bit BGRX values: a change of only the X
// (fourth) byte counts as a change, although X is never shown. Every source
// writes X = 255, so this costs nothing in practice, and it keeps the diff a
// plain memcmp.
TEST(FrameDiffTest, ChangedXByteCountsAsChange) {
  const cv::Mat prev = NoiseFrame({40, 30}, 6);
  cv::Mat cur = prev.clone();
  cur.at<cv::Vec4b>(9, 7)[3] = 0;
  EXPECT_EQ(Diff(prev, cur), (std::vector<cv::Rect>{{7, 9, 1, 1}}));
}

TEST(FrameDiffTest, WorksOnCropViewsWithAStride) {
  const cv::Mat big_prev = NoiseFrame({120, 90}, 7);
  cv::Mat big_cur = big_prev.clone();
  Touch(big_cur, 10, 10);  // outside the crop
  Touch(big_cur, 30, 25);  // crop (30 - 20, 25 - 15)
  Touch(big_cur, 69, 54);  // crop's last pixel
  const cv::Rect crop(20, 15, 50, 40);
  const cv::Mat prev = big_prev(crop);
  const cv::Mat cur = big_cur(crop);
  ASSERT_FALSE(prev.isContinuous());
  EXPECT_EQ(Diff(prev, cur),
            (std::vector<cv::Rect>{{10, 10, 1, 1}, {49, 39, 1, 1}}));
  EXPECT_EQ(Diff(prev, cur), Diff(prev.clone(), cur.clone()));
}

TEST(FrameDiffTest, MismatchedTypeOrSizeThrows) {
  const cv::Mat bgrx = NoiseFrame({20, 10}, 8);
  const cv::Mat bgr(10, 20, CV_8UC3, cv::Scalar::all(0));
  const cv::Mat other_size = NoiseFrame({21, 10}, 8);
  const cv::Mat transposed = NoiseFrame({10, 20}, 8);
  EXPECT_THROW(Diff(bgrx, bgr), std::invalid_argument);
  EXPECT_THROW(Diff(bgr, bgrx), std::invalid_argument);
  EXPECT_THROW(Diff(bgr, bgr.clone()), std::invalid_argument);
  EXPECT_THROW(Diff(bgrx, other_size), std::invalid_argument);
  EXPECT_THROW(Diff(bgrx, transposed), std::invalid_argument);
  EXPECT_THROW(Diff(bgrx, cv::Mat()), std::invalid_argument);
}

// Changes a few random blocks, lines and single pixels of `frame`.
void ScribbleOn(cv::Mat& frame, std::mt19937& rng) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  const int marks = uniform(0, 8);
  for (int m = 0; m < marks; ++m) {
    const int w = uniform(1, std::min(20, frame.cols));
    const int h = uniform(1, std::min(20, frame.rows));
    const int x0 = uniform(0, frame.cols - w);
    const int y0 = uniform(0, frame.rows - h);
    const int kind = uniform(0, 2);
    for (int y = y0; y < y0 + h; ++y) {
      for (int x = x0; x < x0 + w; ++x) {
        // kind 0: every pixel; 1: a sparse sprinkle; 2: the outline only.
        const bool outline =
            y == y0 || y == y0 + h - 1 || x == x0 || x == x0 + w - 1;
        if (kind == 1 && uniform(0, 3) != 0) continue;
        if (kind == 2 && !outline) continue;
        // Sometimes writes the same value again (no change) or changes
        // only the X byte.
        cv::Vec4b& px = frame.at<cv::Vec4b>(y, x);
        px[uniform(0, 3)] = static_cast<uint8_t>(uniform(0, 255));
      }
    }
  }
}

// For pseudo-random pairs: every differing pixel is inside some region, and
// every region is tight. A region is a union of tiles' tight boxes of
// changed pixels, so each of its four edges (the top and bottom rows, the
// left and right columns, within the rect) holds at least one changed pixel.
// The result also equals an independent pixel-by-pixel model.
TEST(FrameDiffTest, PropertyCoveredAndTight) {
  std::mt19937 rng(20240611);
  int nonempty_cases = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const cv::Size size(std::uniform_int_distribution<int>(1, 130)(rng),
                        std::uniform_int_distribution<int>(1, 90)(rng));
    const int tile = std::vector<int>{1, 3, 8, 16, 32}[trial % 5];
    const cv::Mat prev = NoiseFrame(size, static_cast<uint32_t>(rng()));
    cv::Mat cur = prev.clone();
    ScribbleOn(cur, rng);
    SCOPED_TRACE("trial " + std::to_string(trial) + " size " +
                 std::to_string(size.width) + "x" +
                 std::to_string(size.height) + " tile " + std::to_string(tile));

    const std::vector<cv::Rect> regions = Diff(prev, cur, tile);
    const cv::Rect frame_rect(0, 0, size.width, size.height);
    bool any_change = false;
    for (int y = 0; y < size.height; ++y) {
      for (int x = 0; x < size.width; ++x) {
        if (!PixelDiffers(prev, cur, x, y)) continue;
        any_change = true;
        const bool covered =
            std::any_of(regions.begin(), regions.end(), [&](const cv::Rect& r) {
              return r.contains({x, y});
            });
        ASSERT_TRUE(covered)
            << "changed pixel " << x << "," << y << " is in no region";
      }
    }
    EXPECT_EQ(any_change, !regions.empty());
    nonempty_cases += any_change ? 1 : 0;

    for (const cv::Rect& r : regions) {
      ASSERT_FALSE(r.empty());
      ASSERT_EQ(r & frame_rect, r) << r << " is outside the frame";
      auto row_changed = [&](int y) {
        for (int x = r.x; x < r.x + r.width; ++x) {
          if (PixelDiffers(prev, cur, x, y)) return true;
        }
        return false;
      };
      auto column_changed = [&](int x) {
        for (int y = r.y; y < r.y + r.height; ++y) {
          if (PixelDiffers(prev, cur, x, y)) return true;
        }
        return false;
      };
      EXPECT_TRUE(row_changed(r.y)) << r << ": top row unchanged";
      EXPECT_TRUE(row_changed(r.y + r.height - 1)) << r << ": bottom row";
      EXPECT_TRUE(column_changed(r.x)) << r << ": left column unchanged";
      EXPECT_TRUE(column_changed(r.x + r.width - 1)) << r << ": right column";
    }

    EXPECT_EQ(regions, ReferenceRegions(prev, cur, tile));
  }
  // The generator really produced changes in most trials.
  EXPECT_GT(nonempty_cases, 40);
}

}  // namespace
}  // namespace svgcast::test
