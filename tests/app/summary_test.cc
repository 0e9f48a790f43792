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
                "(12 sprites on 3 sheets, 0 one-colour, 1 image of their "
                "own, 0 reused)"),
            std::string::npos)
      << FormatSessionSummary(report);
  report.svg.pattern_sheets = 2;
  EXPECT_NE(FormatSessionSummary(report).find(
                "(12 sprites on 3 sheets (2 as patterns), 0 one-colour"),
            std::string::npos)
      << FormatSessionSummary(report);
}

// One of a kind is named in the singular.
TEST(SessionSummary, OneIsSingular) {
  SessionReport report;
  report.output_name = "out.svg";
  report.svg.sprites = 1;
  report.svg.sheets = 1;
  report.svg.images = 3;
  report.cache.peak_frames = 1;
  report.cache.waited = 1;
  const std::string text = FormatSessionSummary(report);
  EXPECT_NE(text.find("(1 sprite on 1 sheet, 0 one-colour, 2 images of "
                      "their own, 0 reused)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("peak 1 frame / 0.0 MB; 1 frame waited for room"),
            std::string::npos)
      << text;
}

// Moves are counted with those past the nesting bound (shown from the
// images that painted the band) and those painted afresh.
TEST(SessionSummary, SaysHowManyMovesWerePastTheBound) {
  SessionReport report;
  report.output_name = "out.svg";
  report.pipeline.frames = 10;
  report.pipeline.changed_frames = 10;
  report.svg.moves = 7;
  report.svg.painted_moves = 1;
  report.svg.source_moves = 2;
  EXPECT_NE(FormatSessionSummary(report).find(
                "; 8 scrolled (shown as earlier frames, moved; 2 past the "
                "nesting bound, from the images; 1 painted afresh)"),
            std::string::npos)
      << FormatSessionSummary(report);
  report.svg.source_moves = 0;
  EXPECT_NE(FormatSessionSummary(report).find(
                "; 8 scrolled (shown as earlier frames, moved; 1 painted "
                "afresh)"),
            std::string::npos)
      << FormatSessionSummary(report);
}

}  // namespace
}  // namespace svgcast
