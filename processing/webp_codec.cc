#include "processing/webp_codec.h"

#include <algorithm>
#include <memory>
#include <string>

#include <webp/decode.h>
#include <webp/encode.h>

namespace svgcast {
namespace {

// RAII for the encoder's picture and its output buffer.
struct PictureDeleter {
  void operator()(WebPPicture* picture) const { WebPPictureFree(picture); }
};
struct WriterDeleter {
  void operator()(WebPMemoryWriter* writer) const {
    WebPMemoryWriterClear(writer);
  }
};

int PresetFor(Effort effort) {
  switch (effort) {
    case Effort::kFast:
      return 1;
    case Effort::kMax:
      return 9;
    case Effort::kDefault:
      break;
  }
  return 6;
}

// What libwebp's progress hook reads and reports to.
struct Progress {
  const std::atomic<bool>* stop = nullptr;  // may be null
  WorkMeter* meter = nullptr;               // may be null
  uint64_t planned_bytes = 0;
  uint64_t reported_bytes = 0;

  void ReportUpTo(uint64_t bytes) {
    if (meter != nullptr && bytes > reported_bytes) {
      meter->Done(bytes - reported_bytes);
      reported_bytes = bytes;
    }
  }
};

// libwebp's progress hook: report how far it is, and go on unless the
// caller's stop flag is set.
int GoOn(int percent, const WebPPicture* picture) {
  auto* progress = static_cast<Progress*>(picture->user_data);
  progress->ReportUpTo(progress->planned_bytes *
                       static_cast<uint64_t>(std::clamp(percent, 0, 100)) /
                       100);
  return progress->stop == nullptr || !progress->stop->load() ? 1 : 0;
}

}  // namespace

Status EncodeWebp(const cv::Mat& bgra, Effort effort,
                  std::vector<uint8_t>* webp, const std::atomic<bool>* stop,
                  WorkMeter* meter) {
  if (bgra.type() != CV_8UC4 || bgra.empty() ||
      bgra.cols > WEBP_MAX_DIMENSION || bgra.rows > WEBP_MAX_DIMENSION) {
    return Status::Error(
        "WebP encoder: expected a 4-channel image of at most 16383 pixels a "
        "side");
  }
  WebPConfig config;
  if (!WebPConfigInit(&config) ||
      !WebPConfigLosslessPreset(&config, PresetFor(effort))) {
    return Status::Error("WebP encoder: libwebp version mismatch");
  }
  config.exact = 0;  // transparent pixels' colour may change: never shown
  config.thread_level = 0;  // one thread: the graph already runs in parallel
  WebPPicture picture;
  if (!WebPPictureInit(&picture)) {
    return Status::Error("WebP encoder: libwebp version mismatch");
  }
  picture.use_argb = 1;
  picture.width = bgra.cols;
  picture.height = bgra.rows;
  std::unique_ptr<WebPPicture, PictureDeleter> picture_owner(&picture);
  if (!WebPPictureImportBGRA(&picture, bgra.ptr<uint8_t>(0),
                             static_cast<int>(bgra.step[0]))) {
    return Status::Error("WebP encoder: out of memory");
  }
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  std::unique_ptr<WebPMemoryWriter, WriterDeleter> writer_owner(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  Progress progress;
  if (effort == Effort::kMax) {
    progress.stop = stop;
    progress.meter = meter;
    progress.planned_bytes = bgra.total() * bgra.elemSize();
    if (meter != nullptr) meter->Plan(progress.planned_bytes);
    picture.progress_hook = GoOn;
    picture.user_data = &progress;
  }
  const bool encoded = WebPEncode(&config, &picture) != 0;
  progress.ReportUpTo(progress.planned_bytes);  // (done, or given up)
  if (!encoded) {
    if (picture.error_code == VP8_ENC_ERROR_USER_ABORT) {
      return EncodeWebp(bgra, Effort::kDefault, webp);
    }
    return Status::Error("WebP encoder: error " +
                         std::to_string(picture.error_code));
  }
  webp->assign(writer.mem, writer.mem + writer.size);
  return Status::Ok();
}

Status WebpSize(const uint8_t* data, size_t size, cv::Size* out) {
  int width = 0, height = 0;
  if (!WebPGetInfo(data, size, &width, &height) || width <= 0 || height <= 0) {
    return Status::Error("not a WebP image");
  }
  *out = {width, height};
  return Status::Ok();
}

Status DecodeWebp(const uint8_t* data, size_t size, cv::Mat* bgra) {
  int width = 0, height = 0;
  if (!WebPGetInfo(data, size, &width, &height) || width <= 0 || height <= 0) {
    return Status::Error("not a WebP image");
  }
  cv::Mat out(height, width, CV_8UC4);
  if (WebPDecodeBGRAInto(data, size, out.ptr<uint8_t>(0),
                         out.total() * out.elemSize(),
                         static_cast<int>(out.step[0])) == nullptr) {
    return Status::Error("corrupt WebP data");
  }
  *bgra = std::move(out);
  return Status::Ok();
}

}  // namespace svgcast
