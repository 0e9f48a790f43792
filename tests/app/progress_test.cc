#include "app/progress.h"

#include <gtest/gtest.h>

namespace svgcast {
namespace {

TEST(ProgressEta, RoundedToWhatMatters) {
  EXPECT_EQ(FormatEta(0.4), "0 s");
  EXPECT_EQ(FormatEta(42.4), "42 s");
  EXPECT_EQ(FormatEta(185), "3:05 min");
  EXPECT_EQ(FormatEta(4800), "1:20 h");
}

}  // namespace
}  // namespace svgcast
