#include "capture/frame_sizes.h"

#include "capture/png_reader.h"

namespace svgcast {
namespace {

// Bits, most significant first; past the end, reads fail.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool Read(int bits, uint32_t* value) {
    *value = 0;
    for (int i = 0; i < bits; ++i, ++at_) {
      if (at_ >= size_ * 8) return false;
      *value = *value << 1 | ((data_[at_ / 8] >> (7 - at_ % 8)) & 1u);
    }
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;  // in bits
};

}  // namespace

std::optional<cv::Size> Vp9KeyFrameSize(const uint8_t* data, size_t size) {
  BitReader bits(data, size);
  uint32_t marker, low, high, reserved = 0, show_existing, frame_type;
  uint32_t show_frame, error_resilient, sync, color_space;
  if (!bits.Read(2, &marker) || marker != 2 || !bits.Read(1, &low) ||
      !bits.Read(1, &high)) {
    return std::nullopt;
  }
  const uint32_t profile = high << 1 | low;
  if (profile == 3 && (!bits.Read(1, &reserved) || reserved != 0)) {
    return std::nullopt;
  }
  if (!bits.Read(1, &show_existing) || show_existing != 0 ||
      !bits.Read(1, &frame_type) || frame_type != 0 /* KEY_FRAME */ ||
      !bits.Read(1, &show_frame) || !bits.Read(1, &error_resilient) ||
      !bits.Read(24, &sync) || sync != 0x498342) {
    return std::nullopt;
  }
  // color_config()
  uint32_t skipped;
  if (profile >= 2 && !bits.Read(1, &skipped)) return std::nullopt;
  if (!bits.Read(3, &color_space)) return std::nullopt;
  const bool subsampling_bits = profile == 1 || profile == 3;
  if (color_space != 7 /* CS_RGB */) {
    if (!bits.Read(1, &skipped) ||
        (subsampling_bits && !bits.Read(3, &skipped))) {
      return std::nullopt;
    }
  } else if (subsampling_bits && !bits.Read(1, &skipped)) {
    return std::nullopt;
  }
  // frame_size()
  uint32_t width_minus_1, height_minus_1;
  if (!bits.Read(16, &width_minus_1) || !bits.Read(16, &height_minus_1)) {
    return std::nullopt;
  }
  return cv::Size(static_cast<int>(width_minus_1) + 1,
                  static_cast<int>(height_minus_1) + 1);
}

std::optional<cv::Size> JpegFrameSize(const uint8_t* data, size_t size) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return std::nullopt;
  size_t at = 2;
  while (at + 4 <= size) {
    if (data[at] != 0xFF) return std::nullopt;
    const uint8_t marker = data[at + 1];
    if (marker == 0xFF) {  // (fill bytes)
      at += 1;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // EOI, SOS
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;  // (markers without a length)
      continue;
    }
    const size_t length = size_t{data[at + 2]} << 8 | data[at + 3];
    // SOF0-SOF15, but for DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
        marker != 0xCC) {
      if (length < 7 || at + 9 > size) return std::nullopt;
      const int height = data[at + 5] << 8 | data[at + 6];
      const int width = data[at + 7] << 8 | data[at + 8];
      if (width == 0 || height == 0) return std::nullopt;
      return cv::Size(width, height);
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

namespace {

// Codecs whose frames' sizes svgcast reads from their own headers (FFmpeg's
// parser gives none).
bool ReadsHeaders(AVCodecID codec_id) {
  return codec_id == AV_CODEC_ID_VP9 || codec_id == AV_CODEC_ID_PNG ||
         codec_id == AV_CODEC_ID_MJPEG;
}

}  // namespace

void FrameSizes::ContextFreer::operator()(AVCodecContext* context) const {
  avcodec_free_context(&context);
}

void FrameSizes::ParserCloser::operator()(AVCodecParserContext* parser) const {
  av_parser_close(parser);
}

FrameSizes::FrameSizes(const AVCodecParameters& codec)
    : codec_id_(codec.codec_id) {
  if (ReadsHeaders(codec_id_)) return;
  parser_.reset(av_parser_init(codec_id_));
  context_.reset(avcodec_alloc_context3(nullptr));
  if (!parser_ || !context_ ||
      avcodec_parameters_to_context(context_.get(), &codec) < 0) {
    parser_.reset();
    return;
  }
  // (Demuxers hand over whole frames.)
  parser_->flags |= PARSER_FLAG_COMPLETE_FRAMES;
}

std::optional<cv::Size> FrameSizes::Of(const AVPacket& packet) {
  if (ReadsHeaders(codec_id_)) {
    if (packet.data == nullptr || packet.size <= 0) return std::nullopt;
    const auto size = static_cast<size_t>(packet.size);
    if (codec_id_ == AV_CODEC_ID_MJPEG) return JpegFrameSize(packet.data, size);
    if (codec_id_ == AV_CODEC_ID_VP9) return Vp9KeyFrameSize(packet.data, size);
    cv::Size png;
    if (!PngSize(packet.data, size, &png).ok()) return std::nullopt;
    return png;
  }
  if (!parser_) return std::nullopt;
  uint8_t* data = nullptr;
  int size = 0;
  av_parser_parse2(parser_.get(), context_.get(), &data, &size, packet.data,
                   packet.size, packet.pts, packet.dts, packet.pos);
  if (parser_->width <= 0 || parser_->height <= 0) return std::nullopt;
  return cv::Size(parser_->width, parser_->height);
}

}  // namespace svgcast
