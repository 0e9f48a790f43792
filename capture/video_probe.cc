#include "capture/video_probe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include "capture/ffmpeg_log.h"
#include "capture/frame.h"
#include "capture/frame_sizes.h"
#include "capture/geometry_text.h"
#include "capture/manifest.h"

namespace svgcast {
namespace {

namespace fs = std::filesystem;

struct FormatCloser {
  void operator()(AVFormatContext* context) const {
    avformat_close_input(&context);
  }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;

struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;

std::string ErrorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

// FFmpeg's own words for why it failed, else the error code's text.
std::string Reason(const FfmpegLog& log, int error) {
  if (std::optional<std::string> logged = log.first_error()) return *logged;
  return ErrorText(error);
}

std::string FourCc(uint32_t tag) {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    text += (c >= 32 && c < 127) ? c : '?';
  }
  return text;
}

// How long the container says the video stream lasts from its first
// frame (at `first_time`, in the stream's time base) (-1: it does not say):
// the stream's duration, else the DURATION tag FFmpeg's Matroska muxer
// writes for each stream (where the stream ends: the first frame's time
// is taken off, for streams that do not start at 0), else the file's
// duration when the video is its only stream.
int64_t DeclaredDurationUs(const AVFormatContext& format,
                           const AVStream& stream, int64_t first_time) {
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    return av_rescale_q(stream.duration, stream.time_base, {1, 1000000});
  }
  if (const AVDictionaryEntry* tag =
          av_dict_get(stream.metadata, "DURATION", nullptr, 0)) {
    int hours = 0, minutes = 0;
    double seconds = 0;
    if (std::sscanf(tag->value, "%d:%d:%lf", &hours, &minutes, &seconds) == 3) {
      const int64_t first_us = std::max<int64_t>(
          0, av_rescale_q(first_time, stream.time_base, {1, 1000000}));
      return std::llround(((hours * 60.0 + minutes) * 60.0 + seconds) * 1e6) -
             first_us;
    }
  }
  if (format.nb_streams == 1 && format.duration > 0) return format.duration;
  return -1;
}

// Whether the file begins with an MP4 (ISO media) 'ftyp' box.
bool StartsAsMp4(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::memcmp(head + 4, "ftyp", 4) == 0;
}

bool IsStillImageFormat(const std::string& format) {
  return format == "image2" || format.ends_with("_pipe");
}

}  // namespace

Status ProbeVideo(const std::string& path, VideoProbe* probe,
                  const std::string& name) {
  const std::string& shown = name.empty() ? path : name;
  std::error_code error;
  if (!fs::exists(path, error)) return Status::Error(shown + ": no such file");
  if (fs::is_directory(path, error)) {
    return Status::Error(shown +
                         ": a folder, not a video file (svgcast replay "
                         "reads folders of PNG frames)");
  }
  FfmpegLog log;
  AVFormatContext* raw = nullptr;
  if (int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
      r == AVERROR_EOF) {
    return Status::Error(shown +
                         ": no video frames (the file ends before "
                         "the first)");
  } else if (r < 0) {
    std::string reason = Reason(log, r);
    // (Only for what begins as an MP4 does: its 'ftyp' box.)
    if (reason.find("moov atom not found") != std::string::npos &&
        StartsAsMp4(path)) {
      reason += ": an MP4 cut short before its index was written?";
    }
    return Status::Error(shown + ": not a video FFmpeg can read (" + reason +
                         ")");
  }
  FormatPtr format(raw);
  if (int r = avformat_find_stream_info(format.get(), nullptr); r < 0) {
    return Status::Error(shown + ": not a video FFmpeg can read (" +
                         Reason(log, r) + ")");
  }
  VideoProbe result;
  result.format = format->iformat->name;
  const int index =
      av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) {
    return Status::Error(shown + ": no video frames (FFmpeg finds no video " +
                         "stream in this " + result.format + " file)");
  }
  const AVStream* stream = format->streams[index];
  if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) {
    return Status::Error(shown + ": no video frames (only a cover picture, " +
                         "in this " + result.format + " file)");
  }
  const AVCodecParameters* codec = stream->codecpar;
  result.codec = avcodec_get_name(codec->codec_id);
  if (codec->codec_id == AV_CODEC_ID_NONE && codec->codec_tag == 0) {
    return Status::Error(shown + ": not a video FFmpeg can read (its video " +
                         "stream's codec is not said: damaged, or cut short?)");
  }
  if (avcodec_find_decoder(codec->codec_id) == nullptr) {
    return Status::Error(shown + ": unsupported video codec '" + result.codec +
                         "' (fourcc " + FourCc(codec->codec_tag) +
                         "): this FFmpeg cannot decode it");
  }
  if (codec->width <= 0 || codec->height <= 0) {
    return Status::Error(shown + ": not a video FFmpeg can read (as " +
                         result.format + ", it has no frame size)");
  }
  result.size = {codec->width, codec->height};
  result.declared_frames = stream->nb_frames > 0 ? stream->nb_frames : 0;

  // The stream's frame interval, for packets without a timestamp.
  AVRational rate = stream->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = stream->r_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = {25, 1};
  const int64_t interval =
      std::max<int64_t>(1, av_rescale_q(1, av_inv_q(rate), stream->time_base));

  // Only the damage found while reading packets counts (a parser may
  // complain about the first packets while the stream info is found).
  log.Clear();
  PacketPtr packet(av_packet_alloc());
  std::vector<int64_t> times;  // in the stream's time base
  uint64_t corrupt = 0;
  bool have_time = false;
  int64_t last_time = 0;
  FrameSizes sizes(*codec);
  std::optional<cv::Size> first_size;
  int r = 0;
  while ((r = av_read_frame(format.get(), packet.get())) >= 0) {
    if (packet->stream_index == index &&
        (packet->flags & AV_PKT_FLAG_DISCARD) == 0) {
      if (packet->flags & AV_PKT_FLAG_CORRUPT) ++corrupt;
      if (const std::optional<cv::Size> size = sizes.Of(*packet)) {
        if (!first_size) first_size = size;
        if (*size != *first_size) {
          return Status::Error(shown + ": its frames change size, from " +
                               SizeText(*first_size) + " to " +
                               SizeText(*size) +
                               " (svgcast converts videos of one frame size)");
        }
      }
      int64_t t = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
      if (t == AV_NOPTS_VALUE) {
        t = have_time ? last_time + interval : 0;
        ++result.untimed;
      }
      times.push_back(t);
      last_time = t;
      have_time = true;
    }
    av_packet_unref(packet.get());
  }
  if (times.empty()) return Status::Error(shown + ": no video frames");
  if (times.size() == 1 && IsStillImageFormat(result.format)) {
    return Status::Error(
        shown + ": a still image (" + result.codec + "), not a video " +
        (result.codec == "svg" ? "(svgcast replay reads the SVGs svgcast "
                                 "writes)"
                               : "(svgcast replay reads folders of PNG "
                                 "frames)"));
  }
  std::sort(times.begin(), times.end());
  result.timestamps_us.reserve(times.size());
  for (int64_t t : times) {
    // (A damaged stream's times may be anything: the difference is taken
    // without overflowing, and av_rescale_q gives INT64_MIN when it would.)
    const uint64_t since =
        static_cast<uint64_t>(t) - static_cast<uint64_t>(times.front());
    const int64_t us = since > static_cast<uint64_t>(INT64_MAX)
                           ? -1
                           : av_rescale_q(static_cast<int64_t>(since),
                                          stream->time_base, {1, 1000000});
    if (us < 0 || us > kMaxTimestampUs) {
      return Status::Error(shown + ": its frames' times run past " +
                           FormatMilliseconds(kMaxTimestampUs) +
                           " ms (31 years)");
    }
    result.timestamps_us.push_back(us);
  }

  const uint64_t count = times.size();
  if (r != AVERROR_EOF) {
    result.damage = "reading stopped: " + Reason(log, r);
  } else if (std::optional<std::string> logged = log.first_error()) {
    result.damage = *logged;
  } else if (corrupt > 0) {
    result.damage = std::to_string(corrupt) + " corrupt packets";
  } else if (result.declared_frames > count) {
    result.damage = "the header lists " +
                    std::to_string(result.declared_frames) + " frames, " +
                    std::to_string(count) + " are in the file";
  } else if (const int64_t declared_us =
                 DeclaredDurationUs(*format, *stream, times.front());
             declared_us > 0) {
    // The last frame may stay on screen a while, so only a gap much longer
    // than a frame interval and than a second says the file was cut.
    const std::vector<int64_t>& t = result.timestamps_us;
    std::vector<int64_t> intervals;
    for (size_t i = 1; i < t.size(); ++i) intervals.push_back(t[i] - t[i - 1]);
    int64_t median_us = 0;
    if (!intervals.empty()) {
      std::nth_element(intervals.begin(),
                       intervals.begin() + intervals.size() / 2,
                       intervals.end());
      median_us = intervals[intervals.size() / 2];
    }
    if (declared_us - t.back() > std::max<int64_t>(1000000, 4 * median_us)) {
      result.damage =
          "the header says the video lasts " + FormatMilliseconds(declared_us) +
          " ms, its last frame is at " + FormatMilliseconds(t.back()) + " ms";
    }
  }
  *probe = std::move(result);
  return Status::Ok();
}

}  // namespace svgcast
