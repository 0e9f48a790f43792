// Helpers shared by the svgcast tests: where the fixtures are, temporary
// folders, synthetic frames, running the svgcast binary, and the round-trip
// check (replay, then decode with our own reader, then compare every frame).
//
// Threading: call from the test's main thread.
#ifndef SVGCAST_TESTS_TEST_UTIL_H_
#define SVGCAST_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace svgcast::test {

// <source dir>/fixtures/<name>.
std::string FixturePath(const std::string& name);

// ../shared/corpus/<name> next to the source tree, or "" when it is not
// there (a clean clone on CI has only fixtures/).
std::string CorpusPath(const std::string& name);

// A new empty folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A BGRX frame (X = 255) filled with `bgr`.
cv::Mat SolidFrame(cv::Size size, cv::Scalar bgr);
// Writes `bgrx` as an 8-bit RGB PNG file; fails the test on error.
void WritePngFile(const std::string& path, const cv::Mat& bgrx);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);
bool FileExists(const std::string& path);
// Copies every regular file of `from` into the existing folder `to`.
void CopyFolder(const std::string& from, const std::string& to);
// Files in a folder (names only, sorted).
std::vector<std::string> ListFolder(const std::string& path);

// A gtest parameter name for a fixture path ("anchor-patches/letter" ->
// "anchor_patches_letter"), for INSTANTIATE_TEST_SUITE_P.
std::string FixtureTestName(const ::testing::TestParamInfo<std::string>& info);

// True when `text` contains `part`; otherwise shows both.
::testing::AssertionResult Contains(const std::string& text,
                                    const std::string& part);

// True when the two BGRX images have the same size and the same B, G, R
// everywhere (X is ignored); otherwise says where the first difference is.
::testing::AssertionResult SamePixels(const cv::Mat& expected,
                                      const cv::Mat& actual);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};
// Runs the svgcast binary that was built with the tests.
CommandResult RunSvgcast(const std::vector<std::string>& args);

// Replays `folder` (which has a frames.txt) into `svg_path` with
// `threads` processing threads, via the library, quietly.
::testing::AssertionResult Replay(const std::string& folder,
                                  const std::string& svg_path, int threads = 0);

// Decodes `svg_path` with svgcast's reader and checks that for every frame
// of `folder` (frames.txt times), the canvas at that time equals the frame
// exactly, and that the SVG changes only at frame times.
::testing::AssertionResult DecodesToFrames(const std::string& svg_path,
                                           const std::string& folder);

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TEST_UTIL_H_
