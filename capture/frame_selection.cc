#include "capture/frame_selection.h"

#include "capture/manifest.h"

namespace svgcast {

Status SelectFrames(const std::vector<int64_t>& times_us,
                    const SelectionOptions& options, const std::string& name,
                    Selection* selection) {
  Selection result;
  // Frames with a time of their own: of equal times, the last one.
  std::vector<SelectedFrame> timed;
  for (size_t i = 0; i < times_us.size(); ++i) {
    if (i + 1 < times_us.size() && times_us[i + 1] <= times_us[i]) {
      ++result.same_time;
      continue;
    }
    timed.push_back({i, times_us[i]});
  }
  if (timed.empty()) return Status::Error(name + ": no video frames");

  size_t first = 0;  // the frame on screen at start_us
  if (options.start_us > 0) {
    if (options.start_us > timed.back().timestamp_us) {
      return Status::Error("--start " + FormatMilliseconds(options.start_us) +
                           " ms: after the last frame of " + name + " (at " +
                           FormatMilliseconds(timed.back().timestamp_us) +
                           " ms)");
    }
    while (first + 1 < timed.size() &&
           timed[first + 1].timestamp_us <= options.start_us) {
      ++first;
    }
    timed[first].timestamp_us = options.start_us;
  }
  size_t end = timed.size();  // one past the last frame before end_us
  if (options.end_us >= 0) {
    for (size_t i = first + 1; i < timed.size(); ++i) {
      if (timed[i].timestamp_us >= options.end_us) {
        end = i;
        break;
      }
    }
  }
  result.reaches_end = end == timed.size();
  for (size_t i = first; i < end; ++i) {
    const bool last = i + 1 == end;
    if (!result.frames.empty() && !last &&
        timed[i].timestamp_us - result.frames.back().timestamp_us <
            options.min_interval_us) {
      continue;
    }
    result.frames.push_back(timed[i]);
  }
  *selection = std::move(result);
  return Status::Ok();
}

}  // namespace svgcast
