// processing/webp_codec.h: lossless both ways, and a stop flag that makes
// libwebp give up at kMax (Ctrl-C at --codec webp --effort max, where a
// sheet can take minutes).
#include "processing/webp_codec.h"

#include <atomic>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

cv::Mat Text() {
  cv::Mat image = SolidFrame({96, 64}, cv::Scalar(245, 245, 245));
  for (int y = 4; y < 60; y += 10) {
    for (int x = 4; x < 90; x += 7) {
      image(cv::Rect(x, y, 5, 7)).setTo(cv::Scalar(x * 2, 40, y * 3, 255));
    }
  }
  return image;
}

TEST(WebpCodec, LosslessAtEveryEffort) {
  const cv::Mat image = Text();
  for (Effort effort : {Effort::kFast, Effort::kDefault, Effort::kMax}) {
    std::vector<uint8_t> webp;
    ASSERT_TRUE(EncodeWebp(image, effort, &webp).ok());
    cv::Mat decoded;
    ASSERT_TRUE(DecodeWebp(webp.data(), webp.size(), &decoded).ok());
    EXPECT_TRUE(SamePixels(image, decoded));
  }
}

// Not stopped, the flag changes nothing; stopped, an encode at kMax gives
// up and encodes at kDefault instead (what the writer and the pipeline
// want after Ctrl-C).
TEST(WebpCodec, StoppedAtMaxItEncodesAtTheDefaultEffort) {
  const cv::Mat image = Text();
  std::atomic<bool> stop{false};
  std::vector<uint8_t> at_max, by_default, with_flag;
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &at_max).ok());
  ASSERT_TRUE(EncodeWebp(image, Effort::kDefault, &by_default).ok());
  ASSERT_NE(at_max, by_default);
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &with_flag, &stop).ok());
  EXPECT_EQ(with_flag, at_max);
  stop = true;
  std::vector<uint8_t> stopped;
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &stopped, &stop).ok());
  EXPECT_EQ(stopped, by_default);
}

// At kMax (minutes on a sheet) the meter is told of the image's bytes,
// planned and, by the time it returns, done, stopped or not; at the other
// efforts of nothing.
TEST(WebpCodec, AtMaxItReportsItsWorkToTheMeter) {
  const cv::Mat image = Text();
  const uint64_t bytes = image.total() * 4;
  WorkMeter at_max;
  std::vector<uint8_t> webp;
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &webp, nullptr, &at_max).ok());
  EXPECT_EQ(at_max.planned_bytes(), bytes);
  EXPECT_EQ(at_max.done_bytes(), bytes);
  std::atomic<bool> stop{true};
  WorkMeter stopped;
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &webp, &stop, &stopped).ok());
  EXPECT_EQ(stopped.planned_bytes(), bytes);
  EXPECT_EQ(stopped.done_bytes(), bytes);
  WorkMeter by_default;
  ASSERT_TRUE(
      EncodeWebp(image, Effort::kDefault, &webp, nullptr, &by_default).ok());
  EXPECT_EQ(by_default.planned_bytes(), 0u);
}

}  // namespace
}  // namespace svgcast::test
