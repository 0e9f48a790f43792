// SvgWriter: writes the animated SVG, front to back, as frames arrive.
//
// The format (svgcast 1), which svg_reader.h reads back:
//
//   <svg xmlns=... width="W" height="H" viewBox="0 0 W H">
//   <metadata>svgcast 1</metadata>
//   <style>g{visibility:hidden;animation:a 0s forwards}
//          @keyframes a{to{visibility:visible}}</style>
//   <image id="a" width="W" height="H" href="data:image/png;base64,..."/>
//   <g style="animation-delay:146ms">
//     <image id="b" x="10" y="20" width="30" height="8" href="data:..."/>
//     <use href="#b" x="0" y="16"/>
//   </g>
//   ...
//   <defs><image id="k" width="16" height="16" href="data:..."/></defs>
//   ...
//   <style>.c{visibility:hidden;animation:a 0s forwards,h 0s forwards}
//          .d{visibility:hidden;animation:a 0s forwards}
//          @keyframes h{to{visibility:hidden}}</style>
//   <use href="#k" x="40" y="30" class="c" style="animation-delay:0ms,420ms"/>
//   <use href="#k" x="52" y="31" class="d" style="animation-delay:420ms"/>
//   </svg>
//
// The first frame (the poster) is shown from the start. Each later frame
// that changed is a group of patches that becomes visible at the frame's
// time and stays (so the last frame holds); later groups paint over
// earlier ones. A patch whose PNG was already written is not written again:
// a <use> places the earlier image, moved by (x, y). Identical frames add
// nothing. No script: CSS animation only, so it plays inside <img> too.
//
// The mouse pointer, when recorded, is a layer of its own: each distinct
// pointer image is written once (an RGBA PNG in <defs>, when first seen),
// and each stretch of time it spends at one place is one <use>, visible from
// its first delay until its second (class c) or for good (class d, the
// last). The pointer <use>s come last, so the pointer paints over every
// patch; they are kept in memory (a few dozen bytes each) until Finish().
//
// Threading: FrameSink rules (one call at a time, in frame order).
#ifndef SVGCAST_SVG_SVG_WRITER_H_
#define SVGCAST_SVG_SVG_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/core.hpp>

#include "processing/frame_sink.h"
#include "processing/patch.h"
#include "svg/output_file.h"

namespace svgcast {

struct SvgStats {
  uint64_t images = 0;         // PNGs written
  uint64_t reused = 0;         // patches placed again by <use>
  uint64_t png_bytes = 0;      // PNG bytes written (before base64)
  uint64_t cursor_images = 0;  // distinct pointer images
  uint64_t cursor_moves = 0;   // pointer <use>s (one per place and time)
};

class SvgWriter final : public FrameSink {
 public:
  // `out` must outlive the writer; `size` is every frame's size.
  SvgWriter(cv::Size size, OutputFile* out);

  void WriteFrame(const EncodedFrame& frame) override;
  void Finish() override;

  SvgStats stats() const { return stats_; }

 private:
  struct StoredImage {
    PngBytes png;
    std::string id;
    cv::Point origin;
  };

  // Where the pointer is shown, and since when.
  struct CursorSpan {
    std::string image_id;
    cv::Point top_left;
    int64_t since_us = 0;
  };

  void WriteHeaderOnce();
  // Appends the markup for one patch: a new <image> or a <use>.
  void AppendPatch(const EncodedPatch& patch, std::string* markup);
  // Follows the pointer from frame to frame; a new pointer image is
  // appended to `markup` (as <defs>) the first time it is seen.
  void TrackCursor(const CursorSample& cursor, int64_t time_us,
                   std::string* markup);
  void CloseCursorSpan(int64_t until_us);

  const cv::Size size_;
  OutputFile* const out_;
  bool header_written_ = false;
  uint64_t next_id_ = 0;
  // Content hash -> images with that hash (compared byte for byte).
  std::unordered_map<uint64_t, std::vector<StoredImage>> stored_;
  // Pointer image serial -> id of its <image> in <defs>.
  std::unordered_map<uint64_t, std::string> cursor_images_;
  std::optional<CursorSpan> cursor_span_;  // shown now, if at all
  std::string cursor_markup_;              // closed spans, written at Finish
  SvgStats stats_;
};

}  // namespace svgcast

#endif  // SVGCAST_SVG_SVG_WRITER_H_
