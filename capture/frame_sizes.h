// FrameSizes: the size of each frame of a video stream as its bitstream
// says, read from the packets without decoding them, so that a stream
// whose frames change size (a browser's recording of a window being
// resized, two streams joined end to end) is refused by the probe. OpenCV,
// which decodes the frames, would scale every one to the first frame's
// size without a word.
//
// Sizes come from FFmpeg's parser for the codec where it reads them
// (H.264, HEVC, VP8, AV1, MPEG-1/2/4), for VP9 from each key frame's
// header (svgcast's own reading: FFmpeg's VP9 parser gives none; an inter
// frame that changes size is not seen), and for PNG and Motion JPEG
// frames from their headers (IHDR, SOFn). Other codecs (GIF, APNG, FFV1,
// ...): nothing is known.
//
// Threading: one thread at a time.
#ifndef SVGCAST_CAPTURE_FRAME_SIZES_H_
#define SVGCAST_CAPTURE_FRAME_SIZES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include <opencv2/core.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace svgcast {

class FrameSizes {
 public:
  explicit FrameSizes(const AVCodecParameters& codec);
  FrameSizes(const FrameSizes&) = delete;
  FrameSizes& operator=(const FrameSizes&) = delete;

  // The size of the frame in `packet` (the stream's next, in decoding
  // order), if its bitstream says.
  std::optional<cv::Size> Of(const AVPacket& packet);

 private:
  struct ContextFreer {
    void operator()(AVCodecContext* context) const;
  };
  struct ParserCloser {
    void operator()(AVCodecParserContext* parser) const;
  };

  const AVCodecID codec_id_;
  std::unique_ptr<AVCodecParserContext, ParserCloser> parser_;
  std::unique_ptr<AVCodecContext, ContextFreer> context_;
};

// A VP9 frame's size, if it is a key frame (its uncompressed header: VP9
// bitstream specification 6.2); `data` is the packet (a superframe's first
// frame comes first).
std::optional<cv::Size> Vp9KeyFrameSize(const uint8_t* data, size_t size);

// A JPEG frame's size, from its SOFn segment (ITU T.81 B.2.2).
std::optional<cv::Size> JpegFrameSize(const uint8_t* data, size_t size);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_FRAME_SIZES_H_
