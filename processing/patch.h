// The messages of the processing graph, from a frame's ticket to its
// encoded patches. All are values or hold immutable shared data, so the
// graph may copy them freely (TBB requires copyable messages).
//
// Threading: immutable once made; any thread may read them.
#ifndef SVGCAST_PROCESSING_PATCH_H_
#define SVGCAST_PROCESSING_PATCH_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/frame.h"

namespace svgcast {

// An encoded image file (PNG or WebP), shared and immutable.
using PngBytes = std::shared_ptr<const std::vector<uint8_t>>;

enum class ImageFormat { kPng = 1, kWebp };

// diff -> optimize: the changed regions of frame ticket.seq against the
// frame before it (for seq 0: the whole frame).
struct FrameChanges {
  FrameTicket ticket;
  std::vector<cv::Rect> regions;
  std::optional<CursorSample> cursor;  // the frame's pointer, if recorded
  bool failed = false;                 // an earlier node failed on this frame
};

// A patch is one of three things, in this order of preference:
// - `fill`: every pixel of rect has this colour (0xRRGGBB): a <rect>;
// - `sprite`: small enough to share a sheet with other patches
//   (svg/sprite_sheet.h), which the writer encodes as one image: the
//   patch's pixels, CV_8UC4 BGRX;
// - `png`: an image file of its own, in `format`.
// `painted` tells which pixels the patch surely paints over what was shown
// (CV_8UC1, 255 there; empty: every pixel): an image may leave the pixels
// that are as before transparent, and those still show the frames below.
// The writer uses it to know when a frame is covered by later ones.
struct EncodedPatch {
  cv::Rect rect;  // where it goes in the frame
  PngBytes png;
  ImageFormat format = ImageFormat::kPng;
  cv::Mat sprite;
  std::optional<uint32_t> fill;
  cv::Mat painted;
};

// encode -> sequencer -> writer: what the SVG shows from ticket's time on.
// No patches: the frame is identical to the previous one.
struct EncodedFrame {
  FrameTicket ticket;
  std::vector<EncodedPatch> patches;
  std::optional<CursorSample> cursor;  // the frame's pointer, if recorded
  bool failed = false;
};

using EncodedFramePtr = std::shared_ptr<const EncodedFrame>;

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PATCH_H_
