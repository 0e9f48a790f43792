// Finding what changed between two frames, fast: rows are compared with
// memcmp first (memory speed), then only the tiles of changed rows, and
// pixels are looked at only inside tiles that changed. Changed tiles that
// touch (8-connected) form one region; each region is returned as the
// tight bounding box of its changed pixels.
//
// Threading: pure functions of immutable inputs; call from any thread.
#ifndef SVGCAST_PROCESSING_FRAME_DIFF_H_
#define SVGCAST_PROCESSING_FRAME_DIFF_H_

#include <vector>

#include <opencv2/core.hpp>

namespace svgcast {

struct DiffOptions {
  int tile_px = 16;  // side of the square tiles compared first
};

// prev and cur: CV_8UC4 of one size. Regions in row-major order of their
// first changed tile; empty when the frames are identical. Every changed
// pixel lies in some region.
std::vector<cv::Rect> DiffRegions(const cv::Mat& prev, const cv::Mat& cur,
                                  const DiffOptions& options);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_FRAME_DIFF_H_
