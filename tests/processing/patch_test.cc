// processing/patch.h: SpriteTiles, the cutting of a patch too big for a
// sprite.
#include "processing/patch.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace svgcast::test {
namespace {

// The tiles cover `rect` exactly once, each at most max_side on a side and
// about max_area pixels, on multiples of `align` but at the rect's right
// and bottom edges.
void ExpectTiles(const cv::Rect& rect, int64_t max_area, int max_side,
                 int align) {
  SCOPED_TRACE(::testing::Message() << rect << " area " << max_area << " side "
                                    << max_side << " align " << align);
  const std::vector<cv::Rect> tiles =
      SpriteTiles(rect, max_area, max_side, align);
  cv::Mat covered = cv::Mat::zeros(rect.size(), CV_8U);
  for (const cv::Rect& tile : tiles) {
    ASSERT_EQ(tile & rect, tile);
    covered(tile - rect.tl()) += 1;
    EXPECT_LE(tile.width, max_side);
    EXPECT_LE(tile.height, max_side);
    EXPECT_LE(int64_t{tile.width} * tile.height,
              std::max<int64_t>(max_area, int64_t{tile.width} * align));
    EXPECT_EQ((tile.x - rect.x) % align, 0);
    EXPECT_EQ((tile.y - rect.y) % align, 0);
    if (tile.br().x != rect.br().x) {
      EXPECT_EQ(tile.width % align, 0);
    }
    if (tile.br().y != rect.br().y) {
      EXPECT_EQ(tile.height % align, 0);
    }
  }
  EXPECT_EQ(cv::countNonZero(covered == 1), rect.area());
}

TEST(SpriteTiles, AlignedTilesCoverThePatchOnce) {
  for (int align : {2, 4}) {
    // (64K pixels over 488 columns is 134.3 rows: 132 at 4, 134 at 2.)
    ExpectTiles(cv::Rect(4, 8, 488, 300), 64 * 1024, 1024, align);
    ExpectTiles(cv::Rect(0, 0, 1200, 744), 64 * 1024, 1024, align);
    ExpectTiles(cv::Rect(8, 4, 1030, 70), 64 * 1024, 1024, align);
    ExpectTiles(cv::Rect(0, 0, 336, 256), 64 * 1024, 1024, align);
    ExpectTiles(cv::Rect(4, 4, 26, 2000), 64 * 1024, 1024, align);
    ExpectTiles(cv::Rect(0, 0, 100, 100), 50, 1024, align);
  }
}

TEST(SpriteTiles, AtFourRowsAreMultiplesOfFour) {
  const std::vector<cv::Rect> tiles =
      SpriteTiles(cv::Rect(4, 8, 488, 300), 64 * 1024, 1024, 4);
  ASSERT_GE(tiles.size(), 2u);
  EXPECT_EQ(tiles.front().height, 132);
  EXPECT_EQ(
      SpriteTiles(cv::Rect(4, 8, 488, 300), 64 * 1024, 1024, 2).front().height,
      134);
}

}  // namespace
}  // namespace svgcast::test
