// Durations, regions and sizes on the command line.
#include "app/option_parsing.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

TEST(OptionParsing, Durations) {
  int64_t us = 0;
  ASSERT_TRUE(ParseDuration("--duration", "10s", &us).ok());
  EXPECT_EQ(us, 10'000'000);
  ASSERT_TRUE(ParseDuration("--duration", "500ms", &us).ok());
  EXPECT_EQ(us, 500'000);
  ASSERT_TRUE(ParseDuration("--duration", "2m", &us).ok());
  EXPECT_EQ(us, 120'000'000);
  ASSERT_TRUE(ParseDuration("--duration", "1.5s", &us).ok());
  EXPECT_EQ(us, 1'500'000);
  // (A bare number needs a unit: --hold 1500 is 1.5 s, and --duration
  // 1500 was 25 minutes.)
  const Status bare = ParseDuration("--duration", "1500", &us);
  EXPECT_TRUE(bare.usage());
  EXPECT_EQ(bare.message(),
            "--duration: '1500' needs a unit (1500ms, 1500s or 1500m)");
  for (const char* bad : {"", "s", "ten", "-1s", "0", "1h", "1e99s", "nan"}) {
    const Status s = ParseDuration("--duration", bad, &us);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(
        Contains(s.message(), "--duration: '" + std::string(bad) + "'"));
  }
}

// Options that count in milliseconds (--hold, --idle-limit, --start,
// --end): a bare number is ms, units still work, 0 where allowed.
TEST(OptionParsing, DurationsInMilliseconds) {
  const DurationRules ms{1e3, /*allow_zero=*/true};
  int64_t us = -1;
  ASSERT_TRUE(ParseDuration("--hold", "500", &us, ms).ok());
  EXPECT_EQ(us, 500'000);
  ASSERT_TRUE(ParseDuration("--hold", "1.5s", &us, ms).ok());
  EXPECT_EQ(us, 1'500'000);
  ASSERT_TRUE(ParseDuration("--hold", "250ms", &us, ms).ok());
  EXPECT_EQ(us, 250'000);
  ASSERT_TRUE(ParseDuration("--hold", "2m", &us, ms).ok());
  EXPECT_EQ(us, 120'000'000);
  ASSERT_TRUE(ParseDuration("--start", "0", &us, ms).ok());
  EXPECT_EQ(us, 0);
  const Status zero = ParseDuration("--idle-limit", "0", &us, {1e3, false});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.message(), "--idle-limit: '0': must be more than 0");
  EXPECT_EQ(ParseDuration("--duration", "0s", &us, {1e6, false}).message(),
            "--duration: '0s': must be more than 0");
  EXPECT_FALSE(ParseDuration("--hold", "-1", &us, ms).ok());
}

TEST(OptionParsing, Regions) {
  cv::Rect region;
  ASSERT_TRUE(ParseRegion("--region", "0,0,800x600", &region).ok());
  EXPECT_EQ(region, cv::Rect(0, 0, 800, 600));
  ASSERT_TRUE(ParseRegion("--region", "10,20,30x40", &region).ok());
  EXPECT_EQ(region, cv::Rect(10, 20, 30, 40));
  for (const char* bad :
       {"", "0,0", "0,0,800", "0,0,0x600", "0,0,800x0", "-1,0,10x10",
        "a,0,10x10", "0,0,10x10x1", "0 0 10x10"}) {
    const Status s = ParseRegion("--region", bad, &region);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(Contains(s.message(), "--region"));
  }
}

TEST(OptionParsing, Sizes) {
  cv::Size size;
  ASSERT_TRUE(ParseSize("--size", "1280x720", &size).ok());
  EXPECT_EQ(size, cv::Size(1280, 720));
  for (const char* bad : {"", "1280", "0x720", "1280x", "x720", "99999x10"}) {
    EXPECT_FALSE(ParseSize("--size", bad, &size).ok()) << bad;
  }
}

}  // namespace
}  // namespace svgcast::test
