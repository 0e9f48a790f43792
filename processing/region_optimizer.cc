#include "processing/region_optimizer.h"

#include <cstddef>

namespace svgcast {

std::vector<cv::Rect> PlanPatches(std::vector<cv::Rect> rects,
                                  const CostModel& model) {
  // Greedy agglomeration: merge the pair with the largest saving until no
  // merge saves anything. Savings only change for pairs that involve the
  // merged rectangle, so keep them in a matrix and update one row per step.
  const size_t n = rects.size();
  if (n < 2) return rects;
  auto saving = [&](const cv::Rect& a, const cv::Rect& b) {
    return model.Cost(a) + model.Cost(b) - model.Cost(a | b);
  };
  std::vector<double> savings(n * n, 0.0);
  std::vector<char> alive(n, 1);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      savings[i * n + j] = saving(rects[i], rects[j]);
    }
  }
  for (;;) {
    double best = 0.0;
    size_t best_i = 0, best_j = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      for (size_t j = i + 1; j < n; ++j) {
        if (alive[j] && savings[i * n + j] > best) {
          best = savings[i * n + j];
          best_i = i;
          best_j = j;
        }
      }
    }
    if (best <= 0.0) break;
    rects[best_i] = rects[best_i] | rects[best_j];
    alive[best_j] = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!alive[k] || k == best_i) continue;
      const size_t lo = k < best_i ? k : best_i;
      const size_t hi = k < best_i ? best_i : k;
      savings[lo * n + hi] = saving(rects[lo], rects[hi]);
    }
  }
  std::vector<cv::Rect> patches;
  for (size_t i = 0; i < n; ++i) {
    if (alive[i]) patches.push_back(rects[i]);
  }
  return patches;
}

}  // namespace svgcast
