// Bad inputs via the binary: one-line error naming the file, no output left.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

namespace fs = std::filesystem;

uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

uint32_t ReadBigEndian(const std::string& bytes, size_t at) {
  return (uint32_t{static_cast<uint8_t>(bytes[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(bytes[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(bytes[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(bytes[at + 3])};
}

// Inverts four bytes in the middle of the PNG's first IDAT chunk; with
// `fix_crc` the chunk's CRC is recomputed, so only inflating or unfiltering
// the image data can notice.
void CorruptIdat(const std::string& path, bool fix_crc) {
  std::string png = ReadFile(path);
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = ReadBigEndian(png, at);
    if (png.compare(at + 4, 4, "IDAT") == 0) {
      ASSERT_GE(length, 16u);
      for (size_t i = length / 3; i < length / 3 + 4; ++i) {
        png[at + 8 + i] = static_cast<char>(~png[at + 8 + i]);
      }
      if (fix_crc) {
        const uint32_t crc = Crc32(
            reinterpret_cast<const uint8_t*>(png.data() + at + 4), length + 4);
        for (int k = 0; k < 4; ++k) {
          png[at + 8 + length + k] = static_cast<char>(crc >> (24 - 8 * k));
        }
      }
      WriteFile(path, png);
      return;
    }
    at += 12 + length;
  }
  FAIL() << "no IDAT in " << path;
}

class BadInput : public ::testing::Test {
 protected:
  // A copy of fixtures/boxes to spoil.
  std::string CopyOfBoxes() {
    CopyFolder(FixturePath("boxes"), in_.path());
    return in_.path();
  }

  void WriteManifest(const std::string& text) {
    WriteFile(in_.File("frames.txt"), text);
  }

  // Runs `args`, and checks the failure: non-zero exit, exactly one line on
  // stderr that starts with "svgcast: " and contains every one of `parts`,
  // nothing on stdout, and the output folder as it was (`left`).
  void ExpectFailure(const std::vector<std::string>& args,
                     const std::vector<std::string>& parts,
                     const std::vector<std::string>& left = {}) {
    const CommandResult r = RunSvgcast(args);
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("svgcast: ", 0), 0u) << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.back(), '\n') << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    for (const std::string& part : parts) {
      EXPECT_NE(r.err.find(part), std::string::npos)
          << "\"" << part << "\" not in: " << r.err;
    }
    EXPECT_FALSE(FileExists(svg_));
    EXPECT_EQ(ListFolder(out_.path()), left);
  }

  // Replays `folder` into svg_ and expects a failure naming `parts`.
  void ExpectReplayFailure(const std::string& folder,
                           const std::vector<std::string>& parts) {
    ExpectFailure({"replay", folder, "-o", svg_}, parts);
  }

  TempDir in_;
  TempDir out_;
  const std::string svg_ = out_.File("out.svg");
};

TEST_F(BadInput, MissingFolder) {
  const std::string folder = in_.File("nowhere");
  ExpectReplayFailure(folder, {folder + ": no such folder"});
}

TEST_F(BadInput, InputIsAFile) {
  const std::string file = in_.File("frame.png");
  WriteFile(file, "not a folder");
  ExpectReplayFailure(file, {file + ": not a folder of frames, nor an .svg"});
}

TEST_F(BadInput, EmptyFolder) {
  ExpectReplayFailure(in_.path(), {in_.path() + ": no frames"});
}

TEST_F(BadInput, EmptyFolderWithFps) {
  ExpectFailure({"replay", in_.path(), "--fps", "10", "-o", svg_},
                {in_.path() + ": no frames"});
}

TEST_F(BadInput, EmptyManifest) {
  WriteManifest("# nothing here\n\n");
  ExpectReplayFailure(in_.path(),
                      {in_.File("frames.txt") + ": lists no frames"});
}

// Frame 5's image data is damaged; its header is fine, so the sequence
// passes the up-front size check and the error comes while decoding, after
// frames 0..4 have gone through the pipeline: still no SVG is left.
TEST_F(BadInput, CorruptPngMidSequence) {
  const std::string folder = CopyOfBoxes();
  CorruptIdat(folder + "/005.png", /*fix_crc=*/true);
  ExpectReplayFailure(folder, {folder + "/005.png: ", "corrupt PNG"});
}

TEST_F(BadInput, CorruptPngWithBadCrcMidSequence) {
  const std::string folder = CopyOfBoxes();
  CorruptIdat(folder + "/005.png", /*fix_crc=*/false);
  ExpectReplayFailure(folder, {folder + "/005.png: ", "corrupt PNG"});
}

TEST_F(BadInput, TruncatedPng) {
  const std::string folder = CopyOfBoxes();
  const std::string png = ReadFile(folder + "/007.png");
  WriteFile(folder + "/007.png", png.substr(0, png.size() / 2));
  ExpectReplayFailure(folder, {folder + "/007.png: ", "truncated"});
}

TEST_F(BadInput, TruncatedPngHeader) {
  const std::string folder = CopyOfBoxes();
  WriteFile(folder + "/007.png", ReadFile(folder + "/007.png").substr(0, 20));
  ExpectReplayFailure(folder, {folder + "/007.png: ", "IHDR"});
}

TEST_F(BadInput, EmptyPng) {
  const std::string folder = CopyOfBoxes();
  WriteFile(folder + "/003.png", "");
  ExpectReplayFailure(folder, {folder + "/003.png: ", "not a PNG"});
}

TEST_F(BadInput, NotAPng) {
  const std::string folder = CopyOfBoxes();
  WriteFile(folder + "/003.png", "GIF89a and some more bytes to read");
  ExpectReplayFailure(folder, {folder + "/003.png: ", "not a PNG"});
}

TEST_F(BadInput, FrameListedButMissing) {
  const std::string folder = CopyOfBoxes();
  fs::remove(folder + "/004.png");
  ExpectReplayFailure(folder, {folder + "/004.png"});
}

TEST_F(BadInput, FramesOfDifferentSizes) {
  const std::string folder = CopyOfBoxes();
  WritePngFile(folder + "/003.png", SolidFrame({65, 48}, {0, 0, 0}));
  ExpectReplayFailure(
      folder, {folder + "/003.png: ", "65x48", "the first frame is 64x48"});
}

TEST_F(BadInput, EqualTimestamps) {
  const std::string folder = CopyOfBoxes();
  WriteManifest("000.png 0\n001.png 100\n002.png 100\n003.png 200\n");
  ExpectReplayFailure(folder,
                      {folder + "/frames.txt:3: ", "100 ms", "not after"});
}

TEST_F(BadInput, DecreasingTimestamps) {
  const std::string folder = CopyOfBoxes();
  WriteManifest("# comment\n000.png 0\n001.png 100\n\n002.png 50.5\n");
  ExpectReplayFailure(folder,
                      {folder + "/frames.txt:5: ", "50.5 ms", "not after"});
}

TEST_F(BadInput, ManifestLineWithoutTimestamp) {
  const std::string folder = CopyOfBoxes();
  WriteManifest("000.png 0\n001.png\n");
  ExpectReplayFailure(
      folder, {folder + "/frames.txt:2: ", "001.png", "<timestamp ms>"});
}

TEST_F(BadInput, ManifestLineWithBadTimestamp) {
  const std::string folder = CopyOfBoxes();
  WriteManifest("000.png 0\n001.png 1O0\n");
  ExpectReplayFailure(folder, {folder + "/frames.txt:2: ", "'1O0'",
                               "not a number of milliseconds"});
}

// A NUL in frames.txt cut the message short at it ("timestamp '1").
TEST_F(BadInput, ManifestLineWithAControlCharacter) {
  const std::string folder = CopyOfBoxes();
  WriteManifest(
      std::string("000.png 0\n001.png 1\0"
                  "00\n",
                  23));
  ExpectReplayFailure(folder, {folder + "/frames.txt:2: ",
                               "'1?00' is not a number of milliseconds"});
}

// A folder where a file was expected says so (it said "empty file, not a
// PNG", and a frames.txt folder "lists no frames").
TEST_F(BadInput, FoldersWhereFilesWereExpected) {
  const std::string folder = CopyOfBoxes();
  std::filesystem::create_directory(folder + "/sub.png");
  WriteManifest("000.png 0\nsub.png 100\n");
  ExpectReplayFailure(folder, {folder + "/sub.png: a folder, not a PNG file"});
  std::filesystem::remove(folder + "/frames.txt");
  std::filesystem::create_directory(folder + "/frames.txt");
  ExpectReplayFailure(folder,
                      {folder + "/frames.txt: a folder, not a list of frames"});
}

TEST_F(BadInput, TimestampPastThirtyOneYears) {
  const std::string folder = CopyOfBoxes();
  WriteManifest("000.png 0\n001.png 1000000000000.5\n");
  ExpectReplayFailure(
      folder, {folder + "/frames.txt:2: ", "'1000000000000.5' is more than"});
}

TEST_F(BadInput, OutputInAMissingFolder) {
  const std::string svg = out_.File("missing/out.svg");
  ExpectFailure({"replay", FixturePath("boxes"), "-o", svg},
                {svg + ": cannot write"});
}

TEST_F(BadInput, OutputIsAFolder) {
  const std::string folder = out_.File("sub");
  fs::create_directory(folder);
  ExpectFailure({"replay", FixturePath("boxes"), "-o", folder},
                {folder + ": cannot write", "folder"}, {"sub"});
  EXPECT_EQ(ListFolder(folder), std::vector<std::string>{});
}

TEST_F(BadInput, CacheTooSmallForTheFramesInUse) {
  // 1200x744 BGRX frames are 3.6 MB each; 10 MB holds two (a diff reads
  // the frame and the two before it, and an anchor is kept).
  ExpectFailure({"replay", FixturePath("anchor-patches/letter"), "--cache-mb",
                 "10", "-o", svg_},
                {"--cache-mb", "4 frames of 1200x744 (15 MB)"});
  ExpectFailure(
      {"replay", FixturePath("boxes"), "--cache-frames", "2", "-o", svg_},
      {"--cache-frames", "4 frames of 64x48"});
}

// extract: the input must be an svgcast SVG. The frames folder is not
// created (the output folder stays empty).
class BadExtractInput : public BadInput {
 protected:
  void ExpectExtractFailure(const std::string& input,
                            const std::vector<std::string>& parts) {
    ExpectFailure({"extract", input, out_.File("frames")}, parts);
  }
};

TEST_F(BadExtractInput, PlainSvg) {
  const std::string svg = in_.File("plain.svg");
  WriteFile(svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" "
            "height=\"2\"><rect width=\"4\" height=\"2\"/></svg>\n");
  ExpectExtractFailure(svg, {svg + ": not an svgcast SVG"});
}

TEST_F(BadExtractInput, Png) {
  const std::string png = FixturePath("boxes/000.png");
  ExpectExtractFailure(png, {png + ": not an svgcast SVG"});
}

TEST_F(BadExtractInput, MissingFile) {
  const std::string svg = in_.File("missing.svg");
  ExpectExtractFailure(svg, {svg + ": no such file"});
}

TEST_F(BadExtractInput, TruncatedSvgcastSvg) {
  TempDir dir;
  const std::string full = dir.File("full.svg");
  ASSERT_TRUE(Replay(FixturePath("boxes"), full));
  const std::string text = ReadFile(full);
  const std::string svg = in_.File("cut.svg");
  WriteFile(svg, text.substr(0, text.size() * 2 / 3));
  ExpectExtractFailure(svg, {svg + ": not an svgcast SVG", "XML error"});
}

// Into the folder of an earlier extract, failing at the fourth frame (a
// folder is where it goes): the earlier frames.txt is gone, so what is
// left does not look like a complete extract.
TEST_F(BadExtractInput, FailingHalfWayLeavesNoFramesTxt) {
  const std::string svg = in_.File("good.svg");
  ASSERT_TRUE(Replay(FixturePath("boxes"), svg));
  const std::string frames = out_.File("frames");
  ASSERT_EQ(RunSvgcast({"extract", svg, frames, "-q"}).exit_code, 0);
  ASSERT_TRUE(FileExists(frames + "/frames.txt"));
  fs::remove(frames + "/00003.png");
  fs::create_directory(frames + "/00003.png");
  ExpectFailure({"extract", svg, frames}, {frames + "/00003.png"}, {"frames"});
  EXPECT_FALSE(FileExists(frames + "/frames.txt"));
}

TEST_F(BadExtractInput, FramesFolderIsAFile) {
  const std::string svg = in_.File("good.svg");
  ASSERT_TRUE(Replay(FixturePath("boxes"), svg));
  const std::string frames = out_.File("frames");
  WriteFile(frames, "a file");
  ExpectFailure({"extract", svg, frames}, {frames + ": cannot create folder"},
                {"frames"});
  EXPECT_EQ(ReadFile(frames), "a file");
}

}  // namespace
}  // namespace svgcast::test
