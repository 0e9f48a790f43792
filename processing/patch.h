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

using PngBytes = std::shared_ptr<const std::vector<uint8_t>>;

// diff -> optimize: the changed regions of frame ticket.seq against the
// frame before it (for seq 0: the whole frame).
struct FrameChanges {
  FrameTicket ticket;
  std::vector<cv::Rect> regions;
  std::optional<CursorSample> cursor;  // the frame's pointer, if recorded
  bool failed = false;                 // an earlier node failed on this frame
};

struct EncodedPatch {
  cv::Rect rect;  // where the PNG goes in the frame
  PngBytes png;
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
