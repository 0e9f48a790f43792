// Choosing the patches to emit for a frame's changed regions, by a cost
// model of what each patch adds to the SVG: a fixed part (the element's
// markup, the PNG's chunks, base64) plus a part per pixel. Two patches are
// merged into their bounding box whenever that costs less than keeping them
// apart (the box's extra pixels cost less than a patch's fixed part);
// merging repeats, best saving first, until no merge pays. A frame that
// changed all over thus becomes one patch of the changed area.
//
// Threading: pure functions; call from any thread.
#ifndef SVGCAST_PROCESSING_REGION_OPTIMIZER_H_
#define SVGCAST_PROCESSING_REGION_OPTIMIZER_H_

#include <vector>

#include <opencv2/core.hpp>

namespace svgcast {

struct CostModel {
  // Markup of an <image> with a data URI (~90 bytes) plus a minimal PNG's
  // signature, IHDR, IDAT and IEND framing in base64 (~76 bytes).
  double patch_overhead_bytes = 170;
  // What a pixel adds to the file, compressed and in base64: screen content
  // measured on the anchor-electron corpus is well under a byte.
  double bytes_per_px = 0.25;

  double Cost(const cv::Rect& rect) const {
    return patch_overhead_bytes + bytes_per_px * rect.area();
  }
};

// Patches covering every rectangle in `changed`: each patch is the
// bounding box of some of them, so every changed pixel is in at least one
// patch. Deterministic: the same input gives the same output.
std::vector<cv::Rect> PlanPatches(std::vector<cv::Rect> changed,
                                  const CostModel& model);

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_REGION_OPTIMIZER_H_
