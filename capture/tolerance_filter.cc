#include "capture/tolerance_filter.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace svgcast {

ToleranceFilter::ToleranceFilter(int tolerance) : tolerance_(tolerance) {}

cv::Mat ToleranceFilter::Apply(const cv::Mat& frame) {
  CV_Assert(frame.type() == CV_8UC4);
  cv::Mat out = frame.clone();
  last_error_ = 0;
  if (tolerance_ == 0 || canvas_.empty() || canvas_.size() != frame.size()) {
    canvas_ = out;
    return out;
  }
  int error = 0;
  for (int y = 0; y < frame.rows; ++y) {
    const uint8_t* shown = canvas_.ptr<uint8_t>(y);
    uint8_t* next = out.ptr<uint8_t>(y);
    for (int x = 0; x < frame.cols * 4; x += 4) {
      const int db = std::abs(next[x] - shown[x]);
      const int dg = std::abs(next[x + 1] - shown[x + 1]);
      const int dr = std::abs(next[x + 2] - shown[x + 2]);
      const int d = std::max(db, std::max(dg, dr));
      if (d <= tolerance_) {
        next[x] = shown[x];
        next[x + 1] = shown[x + 1];
        next[x + 2] = shown[x + 2];
        error = std::max(error, d);
      }
    }
  }
  last_error_ = error;
  max_error_ = std::max(max_error_, error);
  canvas_ = out;
  return out;
}

}  // namespace svgcast
