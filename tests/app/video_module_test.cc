// The video module (capture/video_module.h) through the svgcast binary:
// only `convert` loads it (and with it FFmpeg and OpenCV's videoio); a
// copy of svgcast without it says so in one line; and `cmake --install`
// puts the two where the installed svgcast finds the module.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class VideoModule : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
    ASSERT_TRUE(
        MakeVideo(FixturePath("boxes"), VideoKind::kLosslessMkv, video_));
  }

  TempDir in_;
  TempDir out_;
  const std::string video_ = in_.File("boxes.mkv");
  const std::string svg_ = out_.File("out.svg");
};

// (The libraries took 0.2 s to load, which every command paid when svgcast
// linked them.)
TEST_F(VideoModule, OnlyConvertLoadsIt) {
  const auto loaded = [](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env", "LD_DEBUG=files", SVGCAST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = RunProgram(argv);
    EXPECT_EQ(r.exit_code, 0)
        << r.err.substr(r.err.size() > 500 ? r.err.size() - 500 : 0);
    return r.err;  // the dynamic loader's log
  };
  const std::string started = loaded({"--version"});
  EXPECT_NE(started.find("libopencv_core"), std::string::npos);
  EXPECT_EQ(started.find("libsvgcast_video"), std::string::npos);
  EXPECT_EQ(started.find("libavformat"), std::string::npos);
  EXPECT_EQ(started.find("libopencv_videoio"), std::string::npos);
  const std::string replayed =
      loaded({"replay", FixturePath("boxes"), "-o", svg_, "-q"});
  EXPECT_EQ(replayed.find("libavformat"), std::string::npos);

  const std::string converted = loaded({"convert", video_, "-o", svg_, "-q"});
  EXPECT_NE(converted.find("libsvgcast_video.so"), std::string::npos);
  EXPECT_NE(converted.find("libavformat"), std::string::npos);
  EXPECT_NE(converted.find("libopencv_videoio"), std::string::npos);
  EXPECT_TRUE(DecodesToFrames(svg_, FixturePath("boxes")));
}

// svgcast copied alone: convert fails in one line that names the video
// and where the module was looked for, and writes nothing; replay works.
TEST_F(VideoModule, WithoutItConvertSaysWhereItLooked) {
  TempDir bin;
  const std::string svgcast = bin.File("svgcast");
  std::filesystem::copy_file(SVGCAST_BINARY, svgcast);

  const CommandResult r = RunProgram({svgcast, "convert", video_, "-o", svg_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "svgcast: " + video_ +
                       ": svgcast cannot read videos here: "
                       "libsvgcast_video.so is in neither " +
                       bin.path() + " nor " +
                       std::filesystem::path(bin.path())
                           .parent_path()
                           .append("lib/svgcast")
                           .string() +
                       "\n");
  EXPECT_FALSE(FileExists(svg_));
  EXPECT_EQ(ListFolder(out_.path()), std::vector<std::string>{});

  const CommandResult replayed =
      RunProgram({svgcast, "replay", FixturePath("boxes"), "-o", svg_, "-q"});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_TRUE(DecodesToFrames(svg_, FixturePath("boxes")));
}

// `cmake --install <build> --prefix P`: P/bin/svgcast converts videos with
// P/lib/svgcast/libsvgcast_video.so, nothing of the build tree.
TEST_F(VideoModule, InstalledSvgcastFindsIt) {
  TempDir prefix;
  const CommandResult installed =
      RunProgram({SVGCAST_CMAKE, "--install", SVGCAST_BUILD_DIR, "--prefix",
                  prefix.path()});
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  EXPECT_TRUE(FileExists(prefix.File("bin/svgcast")));
  EXPECT_TRUE(FileExists(prefix.File("lib/svgcast/libsvgcast_video.so")));

  const CommandResult r =
      RunProgram({"env", "LD_DEBUG=files", prefix.File("bin/svgcast"),
                  "convert", video_, "-o", svg_, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, prefix.File("lib/svgcast/libsvgcast_video.so")));
  EXPECT_EQ(r.err.find(SVGCAST_BUILD_DIR "/"), std::string::npos)
      << "the installed svgcast loads from the build tree";
  EXPECT_TRUE(DecodesToFrames(svg_, FixturePath("boxes")));
}

}  // namespace
}  // namespace svgcast::test
