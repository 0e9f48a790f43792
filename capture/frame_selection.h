// Which frames of a video become frames of the screencast, from their
// presentation times alone (so the count is known before decoding): frames
// that share a time with the next one are dropped (the later one is what
// stays on screen); --start/--end trim like replay's (the frame on screen
// at start_us becomes the first, shown from start_us; frames at or after
// end_us are left out); --max-fps drops every frame closer than
// min_interval_us to the last one kept, but never the last frame (the
// screencast ends on the video's last picture). Kept frames keep their
// real times.
//
// Threading: a pure function; call from any thread.
#ifndef SVGCAST_CAPTURE_FRAME_SELECTION_H_
#define SVGCAST_CAPTURE_FRAME_SELECTION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "capture/status.h"

namespace svgcast {

struct SelectionOptions {
  int64_t start_us = 0;
  int64_t end_us = -1;          // -1: to the end
  int64_t min_interval_us = 0;  // 0: every frame
};

struct SelectedFrame {
  size_t index = 0;          // in the decoder's output order
  int64_t timestamp_us = 0;  // strictly increasing over the selection
};

struct Selection {
  std::vector<SelectedFrame> frames;
  uint64_t same_time = 0;    // frames dropped for sharing the next one's time
  bool reaches_end = false;  // the last input frame is selected (no --end cut)
};

// `times_us`: ascending, the first at 0. Error (naming `name`): --start
// after the last frame.
Status SelectFrames(const std::vector<int64_t>& times_us,
                    const SelectionOptions& options, const std::string& name,
                    Selection* selection);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_SELECTION_H_
