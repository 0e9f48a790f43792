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

TEST(ProgressText, CountsWhatWasDoneOfTheTotal) {
  EXPECT_EQ(ProgressText("replay", 200, 50, std::nullopt, 5.0),
            "svgcast: replay 50/200 frames (25%), 5.0 s, 10.0 frames/s, "
            "15 s left");
}

// While recording, the frames captured, and those not written yet: a
// processing side behind capture is not frames lost.
TEST(ProgressText, RecordingCountsCapturedFramesAndThoseWaiting) {
  EXPECT_EQ(ProgressText("recording", std::nullopt, 99, 195, 6.5),
            "svgcast: recording 195 frames, 6.5 s (96 waiting to be written)");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 195, 195, 6.5),
            "svgcast: recording 195 frames, 6.5 s");
  EXPECT_EQ(ProgressText("recording", std::nullopt, 42, std::nullopt, 1.5),
            "svgcast: recording 42 frames, 1.5 s");
}

}  // namespace
}  // namespace svgcast
