// The video module's code (video_module.h): built into
// libsvgcast_video.so, not into svgcast.

#include "capture/video_source.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <utility>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "capture/ffmpeg_log.h"
#include "capture/frame_selection.h"
#include "capture/geometry_text.h"
#include "capture/manifest.h"
#include "capture/tolerance_filter.h"
#include "capture/video_module.h"

namespace svgcast {
namespace {

class OpenCvVideoSource final : public VideoSource {
 public:
  OpenCvVideoSource(const VideoOptions& options, VideoProbe probe,
                    Selection selection, cv::Size size,
                    std::unique_ptr<FfmpegLog> log, cv::VideoCapture capture)
      : name_(options.shown_name()),
        probe_(std::move(probe)),
        selection_(std::move(selection)),
        size_(size),
        log_(std::move(log)),
        capture_(std::move(capture)),
        filter_(options.tolerance) {}

  cv::Size frame_size() const override { return size_; }
  std::optional<uint64_t> frame_count() const override {
    return selection_.frames.size();
  }
  const VideoProbe& probe() const override { return probe_; }
  uint64_t same_time_frames() const override { return selection_.same_time; }
  VideoStats stats() const override {
    VideoStats stats = stats_;
    stats.max_error = filter_.max_error();
    return stats;
  }

  bool WaitForNextFrame(Tick* tick) override {
    *tick = Tick{};
    if (ended_) return false;
    if (next_ >= selection_.frames.size()) {
      // The frames before a cut are all out: now say that there was one
      // (unless --end stopped before it); or that the decoder reported
      // damage it went past (a corrupt H.264 macroblock, a GIF frame's
      // LZW data: pictures that may not be what was recorded).
      const std::optional<std::string> logged =
          probe_.damage ? std::nullopt : log_->first_error();
      if (selection_.reaches_end && (probe_.damage || logged)) {
        pending_ = Cut(probe_.damage ? *probe_.damage : *logged);
        return true;
      }
      return false;
    }
    const size_t index = selection_.frames[next_].index;
    while (stats_.frames_decoded <= index) {
      if (!capture_.grab()) {
        const std::optional<std::string> logged = log_->first_error();
        pending_ = Cut(logged ? *logged
                              : probe_.damage.value_or("the decoder stopped"));
        return true;
      }
      ++stats_.frames_decoded;
    }
    return true;
  }

  Status Capture(Frame* frame) override {
    if (pending_) {
      ended_ = true;
      return std::exchange(pending_, std::nullopt).value();
    }
    const SelectedFrame& selected = selection_.frames[next_++];
    if (!capture_.retrieve(decoded_) || decoded_.empty()) {
      ended_ = true;
      return Cut("frame " + std::to_string(selected.index + 1) +
                 " could not be converted");
    }
    if (decoded_.size() != probe_.size || decoded_.type() != CV_8UC3) {
      ended_ = true;
      return Status::Error(
          name_ + ": frame " + std::to_string(selected.index + 1) + " is " +
          SizeText(decoded_.size()) + ", the video is " +
          SizeText(probe_.size) + " (the frame size must not change)");
    }
    const cv::Mat* bgr = &decoded_;
    if (size_ != probe_.size) {
      cv::resize(decoded_, scaled_, size_, 0, 0,
                 size_.area() < probe_.size.area() ? cv::INTER_AREA
                                                   : cv::INTER_LINEAR);
      bgr = &scaled_;
    }
    cv::cvtColor(*bgr, bgrx_, cv::COLOR_BGR2BGRA);  // X = 255
    frame->pixels = filter_.Apply(bgrx_);
    frame->timestamp_us = selected.timestamp_us;
    ++stats_.frames_shown;
    return Status::Ok();
  }

  void Skip() override {
    if (pending_) {
      ended_ = true;
      pending_.reset();
      return;
    }
    ++next_;
  }

 private:
  // The stream ends at a cut: what came before is a good screencast, unless
  // nothing came before.
  Status Cut(const std::string& why) const {
    if (stats_.frames_shown == 0) {
      return Status::Error(name_ + ": no frame could be decoded (" + why + ")");
    }
    return Status::SourceLost(
        name_ + ": cut short or damaged (" + why + "): converted the " +
        std::to_string(stats_.frames_decoded) + " frames readable, to " +
        FormatMilliseconds(last_timestamp_us()) + " ms");
  }

  int64_t last_timestamp_us() const {
    return next_ == 0 ? 0 : selection_.frames[next_ - 1].timestamp_us;
  }

  const std::string name_;  // for errors
  const VideoProbe probe_;
  const Selection selection_;
  const cv::Size size_;  // of the frames handed out (scaled)
  const std::unique_ptr<FfmpegLog> log_;
  cv::VideoCapture capture_;
  ToleranceFilter filter_;
  size_t next_ = 0;  // into selection_.frames
  VideoStats stats_;
  std::optional<Status> pending_;  // the error the next Capture() returns
  bool ended_ = false;
  cv::Mat decoded_, scaled_, bgrx_;  // reused buffers
};

Status Open(const VideoOptions& options, std::unique_ptr<VideoSource>* source) {
  auto log = std::make_unique<FfmpegLog>();
  VideoProbe probe;
  const std::string& name = options.shown_name();
  if (Status s = ProbeVideo(options.path, &probe, name); !s.ok()) return s;
  SelectionOptions selection_options;
  selection_options.start_us = options.start_us;
  selection_options.end_us = options.end_us;
  if (options.max_fps > 0) {
    selection_options.min_interval_us = std::llround(1e6 / options.max_fps);
  }
  Selection selection;
  if (Status s = SelectFrames(probe.timestamps_us, selection_options, name,
                              &selection);
      !s.ok()) {
    return s;
  }
  const cv::Size size(
      std::max(1,
               static_cast<int>(std::lround(probe.size.width * options.scale))),
      std::max(
          1, static_cast<int>(std::lround(probe.size.height * options.scale))));
  log->Clear();
  // OpenCV's own log ("[ERROR:0@0.234] global ...cap_ffmpeg_impl.hpp ...")
  // would add lines to svgcast's one: what it says, FFmpeg's log or the
  // error here says.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  cv::VideoCapture capture;
  const bool opened = capture.open(options.path, cv::CAP_FFMPEG);
  log->Install();  // OpenCV sets FFmpeg's log level when it first opens
  if (!opened) {
    const std::optional<std::string> logged = log->first_error();
    return Status::Error(name + ": OpenCV's FFmpeg backend cannot open it (" +
                         probe.format + ", " + probe.codec +
                         (logged ? ": " + *logged : "") + ")");
  }
  // Frames as they are stored: no rotation from the file's metadata (the
  // probe's size is the stored one).
  capture.set(cv::CAP_PROP_ORIENTATION_AUTO, 0);
  log->Clear();
  *source = std::make_unique<OpenCvVideoSource>(
      options, std::move(probe), std::move(selection), size, std::move(log),
      std::move(capture));
  return Status::Ok();
}

}  // namespace
}  // namespace svgcast

// The module's one entry (kOpenVideoSourceSymbol).
extern "C" __attribute__((visibility("default"))) void
svgcast_open_video_source(const svgcast::VideoOptions& options,
                          std::unique_ptr<svgcast::VideoSource>* source,
                          svgcast::Status* status) {
  static_assert(std::is_same_v<decltype(svgcast_open_video_source),
                               svgcast::OpenVideoSourceFunction>);
  *status = svgcast::Open(options, source);
}
