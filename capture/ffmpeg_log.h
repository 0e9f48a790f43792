// FfmpegLog: FFmpeg's log, kept instead of printed. FFmpeg (and OpenCV's
// FFmpeg backend, which shares the same libavutil) prints what it finds
// wrong with a file ("moov atom not found", "File ended prematurely") on
// stderr; svgcast's errors are one line, so while a FfmpegLog exists those
// messages go to it, and the video source quotes the first one in its own
// message.
//
// Threading: FFmpeg's log callback is process-wide and may be called from
// any thread; the messages are guarded by a mutex, and every method is
// thread-safe. FfmpegLogs may nest (the video source holds one while it
// probes with another): they share one store of messages, and FFmpeg's
// default callback comes back when the last one is destroyed.
#ifndef SVGCAST_CAPTURE_FFMPEG_LOG_H_
#define SVGCAST_CAPTURE_FFMPEG_LOG_H_

#include <optional>
#include <string>

namespace svgcast {

class FfmpegLog {
 public:
  FfmpegLog();
  FfmpegLog(const FfmpegLog&) = delete;
  FfmpegLog& operator=(const FfmpegLog&) = delete;
  ~FfmpegLog();

  // Installs the callback again (OpenCV's FFmpeg backend sets FFmpeg's log
  // level when it opens its first file).
  void Install();

  // The first error FFmpeg reported since the last Clear(), without the
  // "[h264 @ 0x...]" prefix and the trailing newline.
  std::optional<std::string> first_error() const;
  void Clear();
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FFMPEG_LOG_H_
