// The video source against small videos made by ffmpeg from the fixtures:
// each frame at its presentation time, pixels as OpenCV decodes them (the
// fixture's own pixels for lossless encodings), trimming, thinning,
// scaling, the tolerance filter, and files cut short.
#include "capture/video_source.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "tests/test_util.h"

namespace svgcast {
namespace {

using test::TimedFrame;
using test::VideoKind;

class VideoSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  }

  // `folder`'s frames as a `kind` video in the temporary folder.
  std::string Make(const std::string& folder, VideoKind kind,
                   const std::string& name, int interval_ms = 0) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(
        test::MakeVideo(test::FixturePath(folder), kind, path, interval_ms));
    return path;
  }

  std::unique_ptr<VideoSource> Open(const VideoOptions& options) {
    std::unique_ptr<VideoSource> source;
    const Status s = OpenVideoSource(options, &source);
    EXPECT_TRUE(s.ok()) << s.message();
    return source;
  }

  // Every frame the source gives, until it ends (`*end`: how, if not ok).
  static std::vector<TimedFrame> ReadAll(FrameSource& source,
                                         Status* end = nullptr) {
    std::vector<TimedFrame> frames;
    Tick tick;
    while (source.WaitForNextFrame(&tick)) {
      Frame frame;
      Status s = source.Capture(&frame);
      if (!s.ok()) {
        if (end != nullptr) *end = std::move(s);
        break;
      }
      EXPECT_EQ(frame.pixels.type(), CV_8UC4);
      EXPECT_EQ(frame.pixels.size(), source.frame_size());
      frames.push_back({frame.timestamp_us, frame.pixels});
    }
    return frames;
  }

  static std::vector<int64_t> Times(const std::vector<TimedFrame>& frames) {
    std::vector<int64_t> times;
    for (const TimedFrame& f : frames) times.push_back(f.time_us);
    return times;
  }

  test::TempDir dir_;
};

TEST_F(VideoSourceTest, LosslessVariableRateGivesTheFramesAtTheirTimes) {
  const std::vector<TimedFrame> expected =
      test::ReadSequence(test::FixturePath("boxes"));
  std::unique_ptr<VideoSource> source =
      Open({Make("boxes", VideoKind::kLosslessMkv, "boxes.mkv")});
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(64, 48));
  EXPECT_EQ(source->frame_count(), expected.size());
  EXPECT_EQ(source->probe().codec, "ffv1");
  EXPECT_FALSE(source->probe().damage);
  const std::vector<TimedFrame> frames = ReadAll(*source);
  ASSERT_EQ(frames.size(), expected.size());
  EXPECT_EQ(Times(frames), Times(expected));
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_TRUE(test::SamePixels(expected[i].pixels, frames[i].pixels))
        << "frame " << i;
  }
  EXPECT_EQ(source->stats().frames_decoded, expected.size());
  EXPECT_EQ(source->stats().max_error, 0);
}

// OpenCV 4.6's CAP_PROP_POS_MSEC is 0 for the frames the H.264 decoder
// returns at the end of the stream (B-frames): the times must still be
// right.
TEST_F(VideoSourceTest, H264TimesArePresentationTimes) {
  const std::string path = Make("boxes", VideoKind::kH264Mp4, "boxes.mp4");
  const std::vector<TimedFrame> expected =
      test::ReadSequence(test::FixturePath("boxes"));
  std::unique_ptr<VideoSource> source = Open({path});
  ASSERT_TRUE(source);
  const std::vector<TimedFrame> frames = ReadAll(*source);
  EXPECT_EQ(Times(frames), Times(expected));
  const std::vector<cv::Mat> decoded = test::DecodeVideoFrames(path);
  ASSERT_EQ(decoded.size(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_TRUE(test::SamePixels(decoded[i], frames[i].pixels)) << i;
  }
}

TEST_F(VideoSourceTest, AnimatedGifAndApng) {
  const std::vector<TimedFrame> expected =
      test::ReadSequence(test::FixturePath("boxes"));
  for (VideoKind kind : {VideoKind::kGif, VideoKind::kApng}) {
    const bool gif = kind == VideoKind::kGif;
    std::unique_ptr<VideoSource> source =
        Open({Make("boxes", kind, gif ? "boxes.gif" : "boxes.apng")});
    ASSERT_TRUE(source);
    const std::vector<TimedFrame> frames = ReadAll(*source);
    ASSERT_EQ(frames.size(), expected.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      // GIF delays are in hundredths of a second (433 ms -> 430 ms).
      const int64_t t = expected[i].time_us;
      EXPECT_EQ(frames[i].time_us, gif ? (t + 5000) / 10000 * 10000 : t) << i;
      // Few colours: the palette holds them all.
      EXPECT_TRUE(test::SamePixels(expected[i].pixels, frames[i].pixels)) << i;
    }
  }
}

TEST_F(VideoSourceTest, TrimThinAndScale) {
  VideoOptions options{Make("boxes", VideoKind::kLosslessMkv, "boxes.mkv")};
  options.start_us = 120000;
  options.end_us = 2000000;
  options.max_fps = 5;
  options.scale = 0.5;
  std::unique_ptr<VideoSource> source = Open(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(32, 24));
  EXPECT_EQ(source->frame_count(), 5u);
  const std::vector<TimedFrame> frames = ReadAll(*source);
  EXPECT_EQ(Times(frames),
            (std::vector<int64_t>{120000, 400000, 1000000, 1200000, 1700000}));
  const std::vector<TimedFrame> expected =
      test::ReadSequence(test::FixturePath("boxes"));
  cv::Mat scaled;
  cv::resize(expected[5].pixels, scaled, {32, 24}, 0, 0, cv::INTER_AREA);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_LE(test::MaxDifference(scaled, frames[1].pixels), 1);
  EXPECT_EQ(source->stats().frames_shown, frames.size());
}

TEST_F(VideoSourceTest, ToleranceKeepsEveryFrameWithinIt) {
  const std::string path = Make("scroll", VideoKind::kH264Mp4, "scroll.mp4");
  const std::vector<cv::Mat> decoded = test::DecodeVideoFrames(path);
  for (int tolerance : {0, 8}) {
    VideoOptions options{path};
    options.tolerance = tolerance;
    std::unique_ptr<VideoSource> source = Open(options);
    ASSERT_TRUE(source);
    const std::vector<TimedFrame> frames = ReadAll(*source);
    ASSERT_EQ(frames.size(), decoded.size());
    int most = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      most = std::max(most, test::MaxDifference(decoded[i], frames[i].pixels));
    }
    EXPECT_LE(most, tolerance);
    EXPECT_EQ(source->stats().max_error, most);
  }
}

TEST_F(VideoSourceTest, CutFileEndsAfterTheReadableFrames) {
  const std::string path = Make("boxes", VideoKind::kLosslessMkv, "boxes.mkv");
  const std::string bytes = test::ReadFile(path);
  const std::string cut = dir_.File("cut.mkv");
  test::WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  std::unique_ptr<VideoSource> source = Open({cut});
  ASSERT_TRUE(source);
  Status end;
  const std::vector<TimedFrame> frames = ReadAll(*source, &end);
  EXPECT_GE(frames.size(), 1u);
  EXPECT_LT(frames.size(), 12u);
  EXPECT_TRUE(end.source_lost()) << end.message();
  EXPECT_TRUE(test::Contains(end.message(), cut + ": cut short or damaged"));
}

}  // namespace
}  // namespace svgcast
