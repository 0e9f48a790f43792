// ToleranceFilter: makes a lossy video's flicker invisible to the diff.
// It keeps the canvas, the picture the SVG shows; for each new frame, a
// pixel whose B, G and R all differ from the canvas by at most `tolerance`
// keeps the canvas's value, any other pixel takes the frame's. The result
// is the new canvas, and it is what goes to the (lossless) pipeline: so
// the SVG shows exactly the canvas, no shown pixel is ever more than
// `tolerance` from its frame, and small errors cannot pile up (the
// comparison is with what is shown, not with the previous frame).
//
// Threading: not thread-safe; one thread (the capture thread) uses it.
#ifndef SVGCAST_CAPTURE_TOLERANCE_FILTER_H_
#define SVGCAST_CAPTURE_TOLERANCE_FILTER_H_

#include <opencv2/core.hpp>

namespace svgcast {

class ToleranceFilter {
 public:
  // 0..255; 0 passes every frame through unchanged.
  explicit ToleranceFilter(int tolerance);

  // `frame`: CV_8UC4 BGRX. Returns the new canvas: a new Mat (never
  // `frame`'s memory, never written again), so it can be published as an
  // immutable frame. The first frame is taken as it is. X is the frame's.
  cv::Mat Apply(const cv::Mat& frame);

  // The largest |shown - frame| over every channel of every pixel of every
  // frame so far (0 with tolerance 0; never more than the tolerance).
  int max_error() const { return max_error_; }
  // Of the last frame.
  int last_error() const { return last_error_; }

 private:
  const int tolerance_;
  cv::Mat canvas_;  // the last result; shared with whoever holds it
  int max_error_ = 0;
  int last_error_ = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_TOLERANCE_FILTER_H_
