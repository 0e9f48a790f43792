// SpriteSheet: sprites packed without overlap, at even places, each with
// its edge repeated around it; identical sprites stored once.
#include "svg/sprite_sheet.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast {
namespace {

cv::Mat Solid(cv::Size size, uint8_t level) {
  return cv::Mat(size, CV_8UC4, cv::Scalar(level, level, level, 255));
}

TEST(SpriteSheet, PacksSpritesAtEvenPlacesWithoutOverlap) {
  SpriteSheet sheet(40);
  std::vector<cv::Mat> sprites = {Solid({10, 6}, 10), Solid({7, 9}, 20),
                                  Solid({30, 4}, 30), Solid({12, 12}, 40)};
  for (size_t i = 0; i < sprites.size(); ++i) {
    EXPECT_EQ(sheet.Add(sprites[i]), i);
  }
  std::vector<cv::Point> places;
  const cv::Mat packed = sheet.Pack(&places);
  ASSERT_EQ(places.size(), sprites.size());
  EXPECT_LE(packed.cols, 40 + 2);
  EXPECT_EQ(packed.cols % 2, 0);
  EXPECT_EQ(packed.rows % 2, 0);
  for (size_t i = 0; i < sprites.size(); ++i) {
    const cv::Rect r(places[i], sprites[i].size());
    EXPECT_EQ(r.x % 2, 0);
    EXPECT_EQ(r.y % 2, 0);
    // The sprite itself, and two pixels of its edge around it (where the
    // sheet has them).
    const cv::Rect bled =
        cv::Rect(r.x - 2, r.y - 2, r.width + 4, r.height + 4) &
        cv::Rect(0, 0, packed.cols, packed.rows);
    const cv::Scalar expected = sprites[i].at<cv::Vec4b>(0, 0);
    cv::Mat diff;
    cv::absdiff(packed(bled), expected, diff);
    EXPECT_EQ(cv::sum(diff), cv::Scalar::all(0)) << "sprite " << i;
    for (size_t j = 0; j < i; ++j) {
      const cv::Rect other(places[j], sprites[j].size());
      EXPECT_TRUE((r & other).empty()) << i << " overlaps " << j;
    }
  }
}

TEST(SpriteSheet, IdenticalSpritesAreStoredOnce) {
  SpriteSheet sheet(64);
  cv::Mat a = Solid({8, 8}, 1);
  a.at<cv::Vec4b>(3, 3) = {9, 9, 9, 255};
  const cv::Mat same = a.clone();
  cv::Mat other = a.clone();
  other.at<cv::Vec4b>(7, 7) = {5, 5, 5, 255};
  EXPECT_EQ(sheet.Add(a), 0u);
  EXPECT_EQ(sheet.Add(other), 1u);
  EXPECT_EQ(sheet.Add(same), 0u);
  EXPECT_EQ(sheet.sprites(), 2u);
  EXPECT_EQ(sheet.area_px(), 128);
  sheet.Clear();
  EXPECT_TRUE(sheet.empty());
  EXPECT_EQ(sheet.Add(other), 0u);
}

// Narrower rows (as the writer packs PNG sheets): more shelves; a sprite
// wider than the rows asked for widens them.
TEST(SpriteSheet, IdenticalSpritesWithOtherContextsAreStoredApart) {
  // The same glyph typed at two places has other neighbours: a browser
  // scaling the SVG samples them past its edges, so each keeps its own.
  SpriteSheet sheet(64);
  const cv::Mat glyph = Solid({8, 8}, 1);
  const cv::Mat around = Solid({12, 12}, 200);
  cv::Mat other_around = around.clone();
  other_around.at<cv::Vec4b>(5, 0) = {0, 0, 0, 255};  // a pixel to the left
  EXPECT_EQ(sheet.Add(glyph, around, {2, 2}), 0u);
  EXPECT_EQ(sheet.Add(glyph, other_around, {2, 2}), 1u);
  EXPECT_EQ(sheet.Add(glyph, around.clone(), {2, 2}), 0u);
  // (At the frame's edge: less context on one side.)
  EXPECT_EQ(sheet.Add(glyph, around(cv::Rect(2, 0, 10, 12)), {0, 2}), 2u);
  EXPECT_EQ(sheet.Add(glyph), 3u);
  EXPECT_EQ(sheet.Add(glyph), 3u);
  std::vector<cv::Point> places;
  const cv::Mat packed = sheet.Pack(&places);
  // Each one's left neighbour, in the bleed.
  EXPECT_EQ(packed.at<cv::Vec4b>(places[0] + cv::Point(-2, 3))[0], 200);
  EXPECT_EQ(packed.at<cv::Vec4b>(places[1] + cv::Point(-2, 3))[0], 0);
}

// Tallest first; of one height, narrowest first, then in the order added
// (sprites of one size side by side: often the same glyph).
TEST(SpriteSheet, PacksTallestFirstThenNarrowestFirst) {
  SpriteSheet sheet(100);
  sheet.Add(Solid({12, 6}, 1));
  sheet.Add(Solid({8, 6}, 2));
  sheet.Add(Solid({12, 8}, 3));
  sheet.Add(Solid({8, 6}, 4));
  std::vector<cv::Point> places;
  sheet.Pack(&places);
  // 8 tall (12 wide, 4 apart), then the 8 wide in order, then the 12.
  EXPECT_EQ(places[2], cv::Point(0, 0));
  EXPECT_EQ(places[1], cv::Point(16, 0));
  EXPECT_EQ(places[3], cv::Point(28, 0));
  EXPECT_EQ(places[0], cv::Point(40, 0));
}

TEST(SpriteSheet, PacksIntoNarrowerRowsWhenAsked) {
  SpriteSheet sheet(100);
  for (int i = 0; i < 6; ++i) sheet.Add(Solid({10, 6}, 10 + i));
  std::vector<cv::Point> wide, narrow;
  const cv::Mat one_row = sheet.Pack(&wide);
  const cv::Mat rows = sheet.Pack(&narrow, 30);
  EXPECT_EQ(one_row.rows, 8);  // 6 + 2 of bleed
  EXPECT_LE(rows.cols, 30 + 2);
  // Two to a row of 30 (10 wide, 4 apart), shelves 10 apart (6 + 4).
  EXPECT_EQ(narrow[1], cv::Point(14, 0));
  EXPECT_EQ(narrow[2], cv::Point(0, 10));
  EXPECT_EQ(narrow[5], cv::Point(14, 20));
  sheet.Add(Solid({40, 2}, 99));
  const cv::Mat widened = sheet.Pack(&narrow, 30);
  EXPECT_EQ(widened.cols, 42);
}

TEST(SpriteSheet, BleedIsTheContextWhereGivenElseTheEdgeRepeated) {
  // A 2x2 sprite whose context (6x6, the sprite at (2, 2)) differs from it
  // everywhere; and a sprite with no context.
  SpriteSheet sheet(100);
  const cv::Mat context = Solid({6, 6}, 7);
  const cv::Mat sprite = Solid({2, 2}, 200);
  sheet.Add(sprite, context, cv::Point(2, 2));
  sheet.Add(Solid({2, 2}, 100));
  std::vector<cv::Point> places;
  const cv::Mat packed = sheet.Pack(&places);
  // (With a context, the sheet starts 2 pixels in: room for it.)
  EXPECT_EQ(places[0], cv::Point(2, 2));
  const cv::Rect with_context(places[0] - cv::Point(2, 2), cv::Size(6, 6));
  cv::Mat expected = context.clone();
  sprite.copyTo(expected(cv::Rect(2, 2, 2, 2)));
  EXPECT_TRUE(test::SamePixels(expected, packed(with_context)));
  const cv::Rect bare(places[1] - cv::Point(2, 2), cv::Size(6, 6));
  EXPECT_TRUE(test::SamePixels(Solid({6, 6}, 100), packed(bare)));
  // The context must hold the sprite.
  EXPECT_THROW(sheet.Add(sprite, context, cv::Point(5, 5)), std::logic_error);
}

TEST(SpriteSheet, RefusesASpriteWiderThanTheSheet) {
  SpriteSheet sheet(16);
  EXPECT_THROW(sheet.Add(Solid({17, 2}, 0)), std::logic_error);
}

}  // namespace
}  // namespace svgcast
