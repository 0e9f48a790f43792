// PlanPatches and CostModel: merging changed rects into patches by cost.
#include "processing/region_optimizer.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace svgcast::test {
namespace {

cv::Rect BoundingBox(const std::vector<cv::Rect>& rects) {
  cv::Rect box = rects.front();
  for (const cv::Rect& r : rects) box |= r;
  return box;
}

double TotalCost(const std::vector<cv::Rect>& rects, const CostModel& model) {
  double cost = 0;
  for (const cv::Rect& r : rects) cost += model.Cost(r);
  return cost;
}

bool Contains(const cv::Rect& outer, const cv::Rect& inner) {
  return (outer & inner) == inner;
}

// Every input rect lies inside some patch.
::testing::AssertionResult CoversAll(const std::vector<cv::Rect>& inputs,
                                     const std::vector<cv::Rect>& patches) {
  for (const cv::Rect& in : inputs) {
    if (std::none_of(patches.begin(), patches.end(),
                     [&](const cv::Rect& p) { return Contains(p, in); })) {
      return ::testing::AssertionFailure() << in << " is in no patch";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(CostModelTest, CostIsOverheadPlusPerPixel) {
  const CostModel defaults;
  EXPECT_DOUBLE_EQ(defaults.Cost(cv::Rect(0, 0, 10, 20)), 170 + 0.25 * 200);
  EXPECT_DOUBLE_EQ(defaults.Cost(cv::Rect(5, 7, 1, 1)), 170.25);
  // Only the area counts, not the position.
  EXPECT_DOUBLE_EQ(defaults.Cost(cv::Rect(300, 400, 10, 20)),
                   defaults.Cost(cv::Rect(0, 0, 20, 10)));
  EXPECT_DOUBLE_EQ(defaults.Cost(cv::Rect()), 170);

  CostModel model;
  model.patch_overhead_bytes = 1000;
  model.bytes_per_px = 2;
  EXPECT_DOUBLE_EQ(model.Cost(cv::Rect(1, 1, 3, 4)), 1000 + 2 * 12);
  EXPECT_DOUBLE_EQ(model.Cost(cv::Rect(0, 0, 1920, 1080)),
                   1000 + 2.0 * 1920 * 1080);
}

TEST(PlanPatchesTest, EmptyAndSingleInputUnchanged) {
  const CostModel model;
  EXPECT_TRUE(PlanPatches({}, model).empty());
  EXPECT_EQ(PlanPatches({{3, 4, 5, 6}}, model),
            (std::vector<cv::Rect>{{3, 4, 5, 6}}));
  EXPECT_EQ(PlanPatches({{0, 0, 1920, 1080}}, model),
            (std::vector<cv::Rect>{{0, 0, 1920, 1080}}));
}

TEST(PlanPatchesTest, NearbyRectsMerge) {
  const CostModel model;
  // Box 30x10: 100 extra pixels cost 25 < the 170 of a second patch.
  EXPECT_EQ(PlanPatches({{0, 0, 10, 10}, {20, 0, 10, 10}}, model),
            (std::vector<cv::Rect>{{0, 0, 30, 10}}));
  // Touching rects: the box adds nothing.
  EXPECT_EQ(PlanPatches({{10, 10, 5, 5}, {15, 10, 5, 5}}, model),
            (std::vector<cv::Rect>{{10, 10, 10, 5}}));
}

TEST(PlanPatchesTest, FarRectsStayApart) {
  const CostModel model;
  const std::vector<cv::Rect> far = {{0, 0, 10, 10}, {500, 400, 10, 10}};
  EXPECT_EQ(PlanPatches(far, model), far);
}

// The threshold is the model's: merge exactly when the box's extra pixels
// cost less than a patch's overhead.
TEST(PlanPatchesTest, MergesExactlyWhenCheaper) {
  const CostModel model;  // 170 overhead, 0.25 per pixel: 680 px break even
  // Two 1x1 rects on one row, gap g: the box adds g pixels.
  for (int gap : {0, 100, 678, 679, 680, 681, 1000}) {
    const std::vector<cv::Rect> in = {{0, 0, 1, 1}, {gap + 1, 0, 1, 1}};
    const std::vector<cv::Rect> out = PlanPatches(in, model);
    const bool cheaper =
        model.Cost(in[0] | in[1]) < model.Cost(in[0]) + model.Cost(in[1]);
    EXPECT_EQ(cheaper, gap < 680) << "gap " << gap;
    if (cheaper) {
      EXPECT_EQ(out, (std::vector<cv::Rect>{in[0] | in[1]})) << "gap " << gap;
    } else {
      EXPECT_EQ(out, in) << "gap " << gap;
    }
  }
}

// Overlapping rects merge whenever their box is no larger than their two
// areas together (then the merge saves at least one overhead): a rect inside
// another, equal rects, and ordinary partial overlaps of any size. (Rects
// whose box is larger than both together, such as a cross of thin bars or
// two big windows overlapping at a corner, are the exception the cost model
// demands: see the next test.)
TEST(PlanPatchesTest, OverlappingRectsMerge) {
  const CostModel model;
  EXPECT_EQ(PlanPatches({{0, 0, 400, 300}, {100, 100, 20, 20}}, model),
            (std::vector<cv::Rect>{{0, 0, 400, 300}}));
  EXPECT_EQ(PlanPatches({{100, 100, 20, 20}, {0, 0, 400, 300}}, model),
            (std::vector<cv::Rect>{{0, 0, 400, 300}}));
  EXPECT_EQ(PlanPatches({{5, 5, 50, 50}, {5, 5, 50, 50}}, model),
            (std::vector<cv::Rect>{{5, 5, 50, 50}}));
  EXPECT_EQ(PlanPatches({{0, 0, 600, 400}, {100, 50, 600, 400}}, model),
            (std::vector<cv::Rect>{{0, 0, 700, 450}}));

  std::mt19937 rng(7);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  int checked = 0;
  while (checked < 200) {
    const cv::Rect a(uniform(0, 500), uniform(0, 500), uniform(1, 300),
                     uniform(1, 300));
    const cv::Rect b(uniform(0, 500), uniform(0, 500), uniform(1, 300),
                     uniform(1, 300));
    if ((a & b).empty() || (a | b).area() > a.area() + b.area()) continue;
    ++checked;
    EXPECT_EQ(PlanPatches({a, b}, model), (std::vector<cv::Rect>{a | b}))
        << a << " " << b;
  }
}

// Overlap alone is not a reason to merge: a long horizontal and a long
// vertical bar that cross would become a huge mostly-unchanged square, and
// two large rects overlapping at a corner add two large unchanged corners,
// so the model keeps both (the shared pixels are simply in both patches,
// with the same content).
TEST(PlanPatchesTest, OverlapsWithALargerBoxStayApartByCost) {
  const CostModel model;
  const std::vector<std::vector<cv::Rect>> cases = {
      {{0, 495, 1000, 10}, {495, 0, 10, 1000}},
      {{0, 0, 600, 400}, {300, 200, 600, 400}}};
  for (const std::vector<cv::Rect>& pair : cases) {
    ASSERT_FALSE((pair[0] & pair[1]).empty());
    ASSERT_GT(model.Cost(pair[0] | pair[1]), TotalCost(pair, model));
    EXPECT_EQ(PlanPatches(pair, model), pair);
  }
}

// A grid of small changes across the frame (8x8 blocks, 2-px gaps), in a
// shuffled order: one patch of their bounding box is cheaper than all of
// them, and that is what comes out.
TEST(PlanPatchesTest, ManySmallRectsCollapseToTheirBoundingBox) {
  const CostModel model;
  std::vector<cv::Rect> grid;
  for (int y = 0; y < 12; ++y) {
    for (int x = 0; x < 16; ++x) {
      grid.emplace_back(40 + x * 10, 30 + y * 10, 8, 8);
    }
  }
  std::mt19937 rng(11);
  std::shuffle(grid.begin(), grid.end(), rng);
  const cv::Rect box = BoundingBox(grid);
  ASSERT_EQ(box, cv::Rect(40, 30, 158, 118));
  ASSERT_LT(model.Cost(box), TotalCost(grid, model));
  EXPECT_EQ(PlanPatches(grid, model), (std::vector<cv::Rect>{box}));

  // With a much higher price per pixel the same blocks stay apart.
  CostModel pricey;
  pricey.bytes_per_px = 200;
  ASSERT_GT(pricey.Cost(box), TotalCost(grid, pricey));
  const std::vector<cv::Rect> apart = PlanPatches(grid, pricey);
  EXPECT_EQ(apart.size(), grid.size());
}

// Random inputs: the patches cover every input, each patch is exactly the
// bounding box of the inputs it contains (it is the box of some of them),
// no patch lies outside the inputs' box, the total cost never grows, and no
// pair of patches would still save by merging (greedy ran to the end).
TEST(PlanPatchesTest, PropertyCoverTightAndNoMergeLeft) {
  const CostModel model;
  std::mt19937 rng(99);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 100; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    std::vector<cv::Rect> in;
    const int count = uniform(1, 30);
    const int spread = uniform(50, 2000);
    for (int i = 0; i < count; ++i) {
      in.emplace_back(uniform(0, spread), uniform(0, spread), uniform(1, 60),
                      uniform(1, 60));
    }
    const std::vector<cv::Rect> out = PlanPatches(in, model);
    ASSERT_FALSE(out.empty());
    ASSERT_LE(out.size(), in.size());
    EXPECT_TRUE(CoversAll(in, out));
    EXPECT_LE(TotalCost(out, model), TotalCost(in, model) + 1e-9);
    const cv::Rect all = BoundingBox(in);
    for (const cv::Rect& p : out) {
      EXPECT_TRUE(Contains(all, p)) << p;
      std::vector<cv::Rect> inside;
      for (const cv::Rect& r : in) {
        if (Contains(p, r)) inside.push_back(r);
      }
      ASSERT_FALSE(inside.empty()) << p;
      EXPECT_EQ(BoundingBox(inside), p) << "patch is not tight";
    }
    for (size_t i = 0; i < out.size(); ++i) {
      for (size_t j = i + 1; j < out.size(); ++j) {
        EXPECT_LE(model.Cost(out[i]) + model.Cost(out[j]) -
                      model.Cost(out[i] | out[j]),
                  0.0)
            << out[i] << " and " << out[j] << " would still save by merging";
      }
    }
  }
}

TEST(PlanPatchesTest, Deterministic) {
  const CostModel model;
  std::mt19937 rng(5);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<cv::Rect> in;
    for (int i = 0; i < 40; ++i) {
      in.emplace_back(uniform(0, 800), uniform(0, 600), uniform(1, 40),
                      uniform(1, 40));
    }
    const std::vector<cv::Rect> first = PlanPatches(in, model);
    const std::vector<cv::Rect> second = PlanPatches(in, model);
    EXPECT_EQ(first, second);
  }
}

}  // namespace
}  // namespace svgcast::test
