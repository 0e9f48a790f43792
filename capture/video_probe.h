// VideoProbe: what a video file holds, learned by reading its video
// stream's packets with libavformat (no decoding): the format and codec,
// the frame size, each frame's presentation time, and whether the file
// looks cut short or damaged.
//
// Why a separate pass: OpenCV 4.6's CAP_PROP_POS_MSEC is not each frame's
// presentation time everywhere (it is 0 for the frames an H.264 decoder
// hands out at the end of the stream, and garbage for APNG), and its
// CAP_PROP_FRAME_COUNT is an estimate. The packets' timestamps, sorted, are
// the presentation times of the frames a decoder returns, in order.
//
// Threading: ProbeVideo() is a pure function of the file (it may be called
// from any thread, but FFmpeg's log goes to the one FfmpegLog).
#ifndef SVGCAST_CAPTURE_VIDEO_PROBE_H_
#define SVGCAST_CAPTURE_VIDEO_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

struct VideoProbe {
  std::string format;  // FFmpeg's demuxer, e.g. "matroska,webm", "gif"
  std::string codec;   // e.g. "h264", "gif", "apng"
  cv::Size size;       // of the decoded frames
  // Presentation time of every frame, in decode output order (ascending;
  // equal neighbours possible in broken files), from the first (at 0).
  std::vector<int64_t> timestamps_us;
  // Packets that had no timestamp and were given one (previous + the
  // stream's frame interval).
  uint64_t untimed = 0;
  // How many frames the container's header says the stream has, if it
  // says (0: unknown).
  uint64_t declared_frames = 0;
  // Why the file looks cut short or damaged (corrupt packets, fewer
  // packets than declared, FFmpeg reported an error while reading), if it
  // does. The readable frames are still listed.
  std::optional<std::string> damage;
};

// Errors (one line, naming `name`, else `path`): no such file, not a video
// FFmpeg can
// read (with FFmpeg's reason), no video stream, a still image, a codec
// this FFmpeg cannot decode, no frames, frames whose size changes (where
// the codec's parser reads sizes: H.264, HEVC, VP8, AV1, MPEG-1/2/4),
// times past kMaxTimestampUs.
Status ProbeVideo(const std::string& path, VideoProbe* probe,
                  const std::string& name = "");

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_VIDEO_PROBE_H_
