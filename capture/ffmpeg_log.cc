#include "capture/ffmpeg_log.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace svgcast {
namespace {

std::mutex log_mutex;
std::optional<std::string> logged_error;  // guarded by log_mutex
int live_logs = 0;                        // guarded by log_mutex

void Callback(void* /*context*/, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  // Without the "[h264 @ 0x...] " prefix: FFmpeg adds that in its default
  // callback, not in `format`.
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  std::string line(text);
  while (!line.empty() &&
         (line.back() == '\n' || line.back() == ' ' || line.back() == '.')) {
    line.pop_back();
  }
  if (line.empty()) return;
  std::lock_guard lock(log_mutex);
  if (!logged_error) logged_error = std::move(line);
}

}  // namespace

FfmpegLog::FfmpegLog() {
  {
    std::lock_guard lock(log_mutex);
    ++live_logs;
  }
  Install();
}

FfmpegLog::~FfmpegLog() {
  std::lock_guard lock(log_mutex);
  if (--live_logs == 0) av_log_set_callback(av_log_default_callback);
}

void FfmpegLog::Install() {
  av_log_set_level(AV_LOG_ERROR);
  av_log_set_callback(Callback);
}

std::optional<std::string> FfmpegLog::first_error() const {
  std::lock_guard lock(log_mutex);
  return logged_error;
}

void FfmpegLog::Clear() {
  std::lock_guard lock(log_mutex);
  logged_error.reset();
}

}  // namespace svgcast
