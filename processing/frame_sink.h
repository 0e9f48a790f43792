// FrameSink: where the processing graph delivers frames, in frame order, to
// be written out (the SVG writer implements it).
//
// Threading: the graph calls WriteFrame() and Finish() from its one serial
// writer node: one call at a time, in seq order, never concurrently, though
// not always from the same thread.
#ifndef SVGCAST_PROCESSING_FRAME_SINK_H_
#define SVGCAST_PROCESSING_FRAME_SINK_H_

#include "processing/patch.h"

namespace svgcast {

class FrameSink {
 public:
  FrameSink() = default;
  FrameSink(const FrameSink&) = delete;
  FrameSink& operator=(const FrameSink&) = delete;
  virtual ~FrameSink() = default;

  // Every frame, seq 0, 1, 2, ... (also frames without patches). Throws
  // std::runtime_error when the output cannot be written.
  virtual void WriteFrame(const EncodedFrame& frame) = 0;

  // End of stream, after the last frame: complete the output. Throws like
  // WriteFrame(). Not called when processing failed.
  virtual void Finish() = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_FRAME_SINK_H_
