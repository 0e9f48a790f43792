#include "capture/tolerance_filter.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <opencv2/core.hpp>

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
  // Whole-image OpenCV operations (vectorised): |frame - canvas| per
  // channel, its largest of B, G and R per pixel, where that is within
  // the tolerance; there the canvas's B, G and R are kept.
  cv::Mat diff;
  cv::absdiff(frame, canvas_, diff);
  cv::Mat channels[4];
  cv::split(diff, channels);
  cv::Mat largest;
  cv::max(channels[0], channels[1], largest);
  cv::max(largest, channels[2], largest);
  cv::Mat keep;
  cv::compare(largest, tolerance_, keep, cv::CMP_LE);
  double error = 0;
  if (cv::countNonZero(keep) > 0) {
    cv::minMaxLoc(largest, nullptr, &error, nullptr, nullptr, keep);
  }
  canvas_.copyTo(out, keep);
  const int x_channel[] = {3, 3};  // X stays the frame's
  cv::mixChannels(&frame, 1, &out, 1, x_channel, 1);
  last_error_ = static_cast<int>(error);
  max_error_ = std::max(max_error_, last_error_);
  canvas_ = out;
  return out;
}

}  // namespace svgcast
