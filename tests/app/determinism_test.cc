// The SVG is byte-identical whatever the number of processing threads.
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// Replays `folder` once per thread count and expects the same bytes each
// time (and a non-trivial SVG).
void ExpectSameSvgForThreads(const std::string& folder,
                             const std::vector<int>& threads) {
  TempDir dir;
  std::string first;
  for (const int n : threads) {
    SCOPED_TRACE("threads " + std::to_string(n));
    const std::string svg = dir.File("out-" + std::to_string(n) + ".svg");
    ASSERT_TRUE(Replay(folder, svg, n));
    const std::string bytes = ReadFile(svg);
    ASSERT_NE(bytes.find("</svg>"), std::string::npos);
    if (first.empty()) {
      first = bytes;
    } else {
      EXPECT_TRUE(bytes == first)
          << "threads " << n << " wrote " << bytes.size()
          << " bytes that differ from threads " << threads.front() << " ("
          << first.size() << " bytes)";
    }
  }
}

class Determinism : public ::testing::TestWithParam<std::string> {};

TEST_P(Determinism, SameBytesWithOneTwoAndEightThreads) {
  ExpectSameSvgForThreads(FixturePath(GetParam()), {1, 2, 8});
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Determinism,
                         ::testing::Values("boxes", "scroll", "terminal",
                                           "terminal-odd", "typing",
                                           "typing-long", "window", "recolour",
                                           "emoji", "anchor-patches/letter"),
                         FixtureTestName);

// The reference demo's first 100 frames (1200x744), kept in the repository
// as changes (fixtures/anchor-electron-100), so also in a clean clone.
TEST(DeterminismAnchorElectron, First100FramesSameBytesWithOneAndEightThreads) {
  TempDir dir;
  const std::string folder = dir.File("frames");
  ASSERT_NO_FATAL_FAILURE(
      RebuildFromChanges(FixturePath("anchor-electron-100"), folder));
  ExpectSameSvgForThreads(folder, {1, 8});
}

// The whole reference demo (270 frames), where the shared corpus is next
// to the checkout.
TEST(DeterminismCorpus, AnchorElectron) {
  const std::string folder = CorpusPath("anchor-electron");
  if (folder.empty()) GTEST_SKIP() << "../shared/corpus/anchor-electron absent";
  ExpectSameSvgForThreads(folder, {1, 8});
}

}  // namespace
}  // namespace svgcast::test
