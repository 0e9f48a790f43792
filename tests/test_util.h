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

// Rebuilds a sequence kept as changes (fixtures/anchor-electron-100, made
// by fixtures/make_anchor_electron.py) into `to`, a new folder, as whole
// PNG frames plus frames.txt. `folder`/changes.txt has one line per
// frame, `<file> <ms> <x> <y>`: that frame is the one before with the file's
// pixels at x,y (the first file is a whole frame). Fails the test (fatally)
// on a missing file or a malformed line.
void RebuildFromChanges(const std::string& folder, const std::string& to);

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

// How many times `part` occurs in `text` (overlapping ones too).
int Count(const std::string& text, const std::string& part);

// The numbers of every x, y, width, height and viewBox in `svg`'s markup
// that are not multiples of `align_px`, but for a width or height that
// ends at the frame's right or bottom edge (a patch there is cut by the
// frame) and the 1x1 units of a pattern over its box.
std::vector<std::string> Unaligned(const std::string& svg, int align_px);

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
// Runs `argv[0]` (looked up in PATH) with stdin from /dev/null.
CommandResult RunProgram(const std::vector<std::string>& argv);

// Video inputs for the convert tests, made with the ffmpeg command-line
// tool. Without it those tests skip (CI installs it: scripts/packages.sh).
bool HaveFfmpeg();
// Runs `ffmpeg -hide_banner -loglevel error -y <args>`.
::testing::AssertionResult RunFfmpeg(const std::vector<std::string>& args);
// Writes an ffconcat script that plays the frames of `folder` (with a
// frames.txt) each at its time, in a 1/1000 s time base: an input for a
// variable frame rate video (ffmpeg -f concat -safe 0 -i <script>
// -fps_mode passthrough ...).
// `interval_ms` > 0: every frame that long instead (constant frame rate).
void WriteConcatScript(const std::string& folder, const std::string& script,
                       int interval_ms = 0);

enum class VideoKind {
  kLosslessMkv = 1,  // FFV1 in BGR0: the frames exactly
  kH264Mp4,          // libx264 at its default CRF, yuv420p: lossy
  kGif,              // palettegen + paletteuse without dithering
  kApng,
};
// Encodes `folder`'s frames at their frames.txt times (or every
// `interval_ms`) into `path` with ffmpeg.
::testing::AssertionResult MakeVideo(const std::string& folder, VideoKind kind,
                                     const std::string& path,
                                     int interval_ms = 0);

// A frame and its time, from the first frame.
struct TimedFrame {
  int64_t time_us = 0;
  cv::Mat pixels;  // CV_8UC4 BGRX
};
// The frames of a sequence folder (frames.txt), times from the first.
std::vector<TimedFrame> ReadSequence(const std::string& folder);
// Every frame of a video as OpenCV's FFmpeg backend decodes it (BGRX),
// without times (tests/tools/video_frames.cc).
std::vector<cv::Mat> DecodeVideoFrames(const std::string& path);
// The largest difference of B, G or R between two BGRX images of one size.
int MaxDifference(const cv::Mat& a, const cv::Mat& b);

// Decodes `svg_path` with svgcast's reader and checks that at every
// frame's time the canvas is within `tolerance` (per channel) of that
// frame, and that the SVG changes only at frame times. `*max_error` (if
// given): the largest difference found.
::testing::AssertionResult DecodesToFramesWithin(
    const std::string& svg_path, const std::vector<TimedFrame>& frames,
    int tolerance, int* max_error = nullptr);

// Replays `folder` (which has a frames.txt) into `svg_path` with
// `threads` processing threads, via the library, quietly; with
// SheetOptions::copy_budget_bytes `sheet_copy_budget_bytes` if that is not
// negative.
::testing::AssertionResult Replay(const std::string& folder,
                                  const std::string& svg_path, int threads = 0,
                                  double sheet_copy_budget_bytes = -1);

// Decodes `svg_path` with svgcast's reader and checks that for every frame
// of `folder` (frames.txt times), the canvas at that time equals the frame
// exactly, and that the SVG changes only at frame times.
::testing::AssertionResult DecodesToFrames(const std::string& svg_path,
                                           const std::string& folder);

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TEST_UTIL_H_
