// processing/webp_codec.h: lossless both ways, and a stop flag that makes
// libwebp give up (Ctrl-C at --codec webp --effort max, where a sheet can
// take minutes).
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

// Not stopped, the flag changes nothing; stopped, nothing is encoded and
// the error says so (the writer and the pipeline then keep their PNG).
TEST(WebpCodec, StoppedItGivesUp) {
  const cv::Mat image = Text();
  std::atomic<bool> stop{false};
  std::vector<uint8_t> plain, with_flag;
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &plain).ok());
  ASSERT_TRUE(EncodeWebp(image, Effort::kMax, &with_flag, &stop).ok());
  EXPECT_EQ(with_flag, plain);
  stop = true;
  std::vector<uint8_t> stopped;
  const Status s = EncodeWebp(image, Effort::kMax, &stopped, &stop);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), kWebpStopped);
  EXPECT_TRUE(stopped.empty());
}

}  // namespace
}  // namespace svgcast::test
