// The summary `replay`, `record` and `convert` print at the end.
#include <gtest/gtest.h>

#include "app/capture_session.h"

namespace svgcast {
namespace {

// Sheets written as patterns (a browser copies them often) are named as
// such; without any, the line reads as before.
TEST(SessionSummary, SaysHowManySheetsArePatterns) {
  SessionReport report;
  report.output_name = "out.svg";
  report.svg.sprites = 12;
  report.svg.sheets = 3;
  report.svg.images = 4;
  EXPECT_NE(FormatSessionSummary(report).find(
                "(12 sprites on 3 sheets, 0 one-colour, 1 images of their "
                "own, 0 reused)"),
            std::string::npos)
      << FormatSessionSummary(report);
  report.svg.pattern_sheets = 2;
  EXPECT_NE(FormatSessionSummary(report).find(
                "(12 sprites on 3 sheets (2 as patterns), 0 one-colour"),
            std::string::npos)
      << FormatSessionSummary(report);
}

}  // namespace
}  // namespace svgcast
