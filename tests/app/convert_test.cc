// `svgcast convert` through the binary, on videos ffmpeg makes from the
// fixtures: the SVG, decoded with svgcast's reader, shows every frame of
// the video (as OpenCV decodes it) within the tolerance, at the right
// times; the summary's max error is the real one; and each bad input gets
// one line and leaves no complete-looking file.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "svg/svg_reader.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

class Convert : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  }

  std::string Make(const std::string& folder, VideoKind kind,
                   const std::string& name, int interval_ms = 0) {
    const std::string path = in_.File(name);
    EXPECT_TRUE(MakeVideo(FixturePath(folder), kind, path, interval_ms));
    return path;
  }

  // The video's frames as OpenCV decodes them, at `times`.
  static std::vector<TimedFrame> Decoded(const std::string& video,
                                         const std::vector<TimedFrame>& times) {
    const std::vector<cv::Mat> pixels = DecodeVideoFrames(video);
    EXPECT_EQ(pixels.size(), times.size());
    std::vector<TimedFrame> frames;
    for (size_t i = 0; i < pixels.size() && i < times.size(); ++i) {
      frames.push_back({times[i].time_us, pixels[i]});
    }
    return frames;
  }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), "convert");
    return RunSvgcast(args);
  }

  TempDir in_;
  TempDir out_;
  const std::string svg_ = out_.File("out.svg");
};

TEST_F(Convert, LosslessVideosComeBackExactly) {
  // (Not colortypes: ffmpeg reads its 16-bit PNGs with its own rounding.)
  for (const char* folder : {"boxes", "scroll"}) {
    for (VideoKind kind : {VideoKind::kLosslessMkv, VideoKind::kApng}) {
      SCOPED_TRACE(std::string(folder) +
                   (kind == VideoKind::kApng ? " apng" : " mkv"));
      const std::string video = Make(
          folder, kind,
          std::string(folder) + (kind == VideoKind::kApng ? ".apng" : ".mkv"));
      const CommandResult r = Run({video, "-o", svg_, "-q"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.err, "");
      EXPECT_TRUE(DecodesToFrames(svg_, FixturePath(folder)));
    }
  }
}

TEST_F(Convert, GifAtItsHundredthsOfASecond) {
  const std::string video = Make("boxes", VideoKind::kGif, "boxes.gif");
  ASSERT_EQ(Run({video, "-o", svg_, "-q"}).exit_code, 0);
  std::vector<TimedFrame> expected = ReadSequence(FixturePath("boxes"));
  for (TimedFrame& f : expected) f.time_us = (f.time_us + 5000) / 10000 * 10000;
  EXPECT_TRUE(DecodesToFramesWithin(svg_, expected, 0));
}

// Lossy H.264 at variable and constant frame rates: within the tolerance
// of every decoded frame, and the summary reports the real largest error
// (0 at tolerance 0).
TEST_F(Convert, LossyVideoWithinTolerance) {
  const std::vector<TimedFrame> boxes = ReadSequence(FixturePath("boxes"));
  std::vector<TimedFrame> every_100ms = ReadSequence(FixturePath("scroll"));
  for (size_t i = 0; i < every_100ms.size(); ++i) {
    every_100ms[i].time_us = static_cast<int64_t>(i) * 100000;
  }
  const std::string vfr = Make("boxes", VideoKind::kH264Mp4, "boxes.mp4");
  const std::string cfr =
      Make("scroll", VideoKind::kH264Mp4, "scroll.mp4", /*interval_ms=*/100);
  for (const auto& [video, times] :
       {std::pair{vfr, boxes}, std::pair{cfr, every_100ms}}) {
    const std::vector<TimedFrame> frames = Decoded(video, times);
    for (int tolerance : {0, 4, 8, 16}) {
      SCOPED_TRACE(video + " --tolerance " + std::to_string(tolerance));
      const CommandResult r =
          Run({video, "-o", svg_, "--tolerance", std::to_string(tolerance)});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      int max_error = -1;
      EXPECT_TRUE(DecodesToFramesWithin(svg_, frames, tolerance, &max_error));
      EXPECT_TRUE(Contains(r.err, "max error " + std::to_string(max_error) +
                                      " (tolerance " +
                                      std::to_string(tolerance) + ")"));
      if (tolerance == 0) {
        EXPECT_EQ(max_error, 0);
      }
    }
  }
}

TEST_F(Convert, MaxFpsTrimAndLoop) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  const CommandResult r =
      Run({video, "-o", svg_, "--max-fps", "5", "--start", "120", "--end", "2s",
           "--loop", "--hold", "300", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<TimedFrame> boxes = ReadSequence(FixturePath("boxes"));
  // Shown: the frame at 100 ms from 120 ms, then those at 400, 1000, 1200
  // and 1700 ms; in the SVG's time, from 0.
  std::vector<TimedFrame> expected;
  for (auto [index, time_ms] :
       {std::pair{1, 0}, {5, 280}, {8, 880}, {9, 1080}, {10, 1580}}) {
    expected.push_back({time_ms * 1000, boxes[index].pixels});
  }
  EXPECT_TRUE(DecodesToFramesWithin(svg_, expected, 0));
}

TEST_F(Convert, ScaledAndExtracted) {
  const std::string video = Make("boxes", VideoKind::kH264Mp4, "b.mp4");
  const CommandResult r =
      Run({video, "-o", svg_, "--scale", "0.5", "--tolerance", "8"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "12 frames read of 12, 12 shown"));
  EXPECT_TRUE(Contains(ReadFile(svg_), "viewBox=\"0 0 32 24\""));
  const std::string frames = out_.File("frames");
  const CommandResult x = RunSvgcast({"extract", svg_, frames, "-q"});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_TRUE(FileExists(frames + "/frames.txt"));
}

// A file cut in half: the frames before the cut become a valid SVG, and a
// warning (one line) says where the file was cut; exit status 3.
TEST_F(Convert, CutVideoKeepsTheReadableFrames) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  const std::string bytes = ReadFile(video);
  const std::string cut = in_.File("cut.mkv");
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  const CommandResult r = Run({cut, "-o", svg_, "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.rfind("svgcast: " + cut + ": cut short or damaged", 0), 0u)
      << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
  EXPECT_TRUE(Contains(r.err, "the SVG holds those"));
  std::vector<TimedFrame> boxes = ReadSequence(FixturePath("boxes"));
  // The SVG is the frames before the cut, exactly.
  int64_t last_change_us = -1;
  ASSERT_TRUE(DecodeScreencast(svg_, [&](const DecodedFrame& frame) {
                last_change_us = frame.time_us;
                return Status::Ok();
              }).ok());
  ASSERT_GE(last_change_us, 0);
  ASSERT_LT(last_change_us, boxes.back().time_us);
  std::erase_if(
      boxes, [&](const TimedFrame& f) { return f.time_us > last_change_us; });
  EXPECT_TRUE(DecodesToFramesWithin(svg_, boxes, 0));
}

// Damage the decoder goes past (it reports it, and conceals it or drops
// the frame) is said as a cut is: the pictures may not be what was
// recorded. (64 bytes overwritten halfway into ffmpeg's test
// picture; before, both gave exit 0 and no word.)
TEST_F(Convert, DamageTheDecoderReportsIsSaid) {
  for (const std::string name : {"t.mp4", "t.gif"}) {
    SCOPED_TRACE(name);
    const std::string video = in_.File(name);
    std::vector<std::string> args = {"-f", "lavfi", "-i",
                                     "testsrc=size=160x120:rate=10:duration=2"};
    if (name.ends_with(".gif")) {
      args.insert(
          args.end(),
          {"-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse=dither=none"});
    } else {
      args.insert(args.end(), {"-c:v", "libx264", "-pix_fmt", "yuv420p"});
    }
    args.push_back(video);
    ASSERT_TRUE(RunFfmpeg(args));
    std::string bytes = ReadFile(video);
    uint32_t x = 2463534242u;
    for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      bytes[i] = static_cast<char>(x);
    }
    const std::string damaged = in_.File("damaged-" + name);
    WriteFile(damaged, bytes);
    const CommandResult r = Run({damaged, "-o", svg_, "-q"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err.rfind("svgcast: " + damaged + ": cut short or damaged", 0),
              0u)
        << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
  }
}

// A whole Matroska file whose times start later than 0 (cut from a longer
// one with -c copy) is not taken for one cut short: its header's
// DURATION is where the stream ends, not how long it lasts.
TEST_F(Convert, MatroskaStartingLaterIsWhole) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  const std::string later = in_.File("later.mkv");
  ASSERT_TRUE(
      RunFfmpeg({"-i", video, "-c", "copy", "-output_ts_offset", "5", later}));
  const CommandResult r = Run({later, "-o", svg_, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(DecodesToFrames(svg_, FixturePath("boxes")));
}

class BadVideo : public Convert {
 protected:
  // Non-zero exit, exactly one line on stderr that starts with "svgcast: "
  // and contains every one of `parts`, nothing on stdout, no output file.
  void ExpectFailure(const std::vector<std::string>& args,
                     const std::vector<std::string>& parts) {
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("svgcast: ", 0), 0u) << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    for (const std::string& part : parts) {
      EXPECT_TRUE(Contains(r.err, part));
    }
    EXPECT_EQ(ListFolder(out_.path()), std::vector<std::string>{});
  }
};

TEST_F(BadVideo, MissingFile) {
  const std::string video = in_.File("none.mp4");
  ExpectFailure({video, "-o", svg_}, {video + ": no such file"});
}

TEST_F(BadVideo, TextFile) {
  const std::string video = in_.File("notes.txt");
  WriteFile(video, "these are not the frames you are looking for\n");
  ExpectFailure({video, "-o", svg_}, {video + ": not a video FFmpeg can read"});
}

// A song with its cover picture: FFmpeg shows the picture as a video
// stream of one frame.
TEST_F(BadVideo, AudioWithACoverPicture) {
  const std::string audio = in_.File("song.m4a");
  ASSERT_TRUE(
      RunFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", audio}));
  const std::string song = in_.File("cover.m4a");
  ASSERT_TRUE(RunFfmpeg({"-i", audio, "-i", FixturePath("boxes/000.png"),
                         "-map", "0", "-map", "1", "-c:a", "copy", "-c:v",
                         "mjpeg", "-disposition:v:0", "attached_pic", song}));
  ExpectFailure({song, "-o", svg_},
                {song + ": no video frames (only a cover picture"});
}

TEST_F(BadVideo, StillImage) {
  const std::string png = FixturePath("boxes/000.png");
  ExpectFailure({png, "-o", svg_}, {png + ": a still image (png)"});
}

// An SVG is a still image to FFmpeg (through librsvg): an svgcast SVG
// belongs to replay; anything else is no video.
TEST_F(BadVideo, SvgFiles) {
  const std::string svgcast_svg = in_.File("made.svg");
  ASSERT_EQ(
      RunSvgcast({"replay", FixturePath("boxes"), "-o", svgcast_svg, "-q"})
          .exit_code,
      0);
  ExpectFailure(
      {svgcast_svg, "-o", svg_},
      {svgcast_svg + ": a still image (svg), not a video "
                     "(svgcast replay reads the SVGs svgcast writes)"});
  const std::string text = in_.File("notes.svg");
  WriteFile(text, "these are not the frames you are looking for\n");
  ExpectFailure({text, "-o", svg_}, {text + ": not a video FFmpeg can read"});
}

TEST_F(BadVideo, Mp4CutBeforeItsIndex) {
  const std::string video = Make("boxes", VideoKind::kH264Mp4, "b.mp4");
  const std::string bytes = ReadFile(video);
  WriteFile(video, bytes.substr(0, bytes.size() / 2));
  ExpectFailure({video, "-o", svg_},
                {video + ": not a video FFmpeg can read", "moov atom"});
}

TEST_F(BadVideo, ZeroFrames) {
  for (const auto& [name, codec] :
       {std::pair{"empty.mkv", "ffv1"}, std::pair{"empty.mp4", "libx264"}}) {
    const std::string video = in_.File(name);
    ASSERT_TRUE(RunFfmpeg({"-f", "lavfi", "-i", "color=s=64x48", "-frames:v",
                           "0", "-c:v", codec, video}));
    ExpectFailure({video, "-o", svg_}, {video + ": no video frames"});
  }
}

// Two streams of other sizes joined end to end, without re-encoding (as a
// browser's recording of a window being resized is): OpenCV would scale
// the second's frames to the first's size.
TEST_F(BadVideo, FramesChangeSize) {
  for (const auto& [codec, name] :
       {std::pair{"libx264", "joined.mkv"}, std::pair{"libvpx", "joined.webm"},
        std::pair{"libvpx-vp9", "joined.webm"}, std::pair{"png", "joined.mkv"},
        std::pair{"mjpeg", "joined.mkv"}}) {
    SCOPED_TRACE(codec);
    const std::string list = in_.File("list.txt");
    std::string files;
    for (const char* size : {"64x48", "80x40"}) {
      const std::string part =
          in_.File(std::string(size) + "." +
                   (std::string(name).ends_with(".mkv") ? "mkv" : "webm"));
      ASSERT_TRUE(RunFfmpeg({"-f", "lavfi", "-i",
                             std::string("testsrc=s=") + size + ":d=0.5:r=10",
                             "-c:v", codec, part}));
      files += "file '" + part + "'\n";
    }
    WriteFile(list, files);
    const std::string video = in_.File(name);
    ASSERT_TRUE(RunFfmpeg(
        {"-f", "concat", "-safe", "0", "-i", list, "-c", "copy", video}));
    ExpectFailure({video, "-o", svg_},
                  {video + ": its frames change size, from 64x48 to 80x40"});
  }
}

// Frames 2,000,000,000 s apart: past the 31 years svgcast takes.
TEST_F(BadVideo, TimesPastThirtyOneYears) {
  const std::string video = in_.File("far.mkv");
  ASSERT_TRUE(RunFfmpeg({"-f", "lavfi", "-i", "color=s=32x32:d=0.2:r=10", "-vf",
                         "setpts=N*2000000000/TB", "-c:v", "ffv1", video}));
  ExpectFailure({video, "-o", svg_},
                {video + ": its frames' times run past 1000000000000 ms"});
}

// The stream's fourcc changed to one no decoder knows.
TEST_F(BadVideo, UnsupportedCodec) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  std::string bytes = ReadFile(video);
  const size_t at = bytes.find("FFV1");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 4, "XYZ1");
  WriteFile(video, bytes);
  ExpectFailure({video, "-o", svg_},
                {video + ": unsupported video codec", "XYZ1"});
}

TEST_F(BadVideo, LargerThanTheCacheAllows) {
  // 1200x744 BGRX frames are 3.6 MB each; 4 MB holds one.
  const std::string video =
      Make("anchor-patches/letter", VideoKind::kLosslessMkv, "letter.mkv");
  ExpectFailure({video, "-o", svg_, "--cache-mb", "4"},
                {"--cache-mb", "4 frames of 1200x744"});
}

// The SVG would replace the video it is made from.
TEST_F(BadVideo, OutputIsTheVideoItself) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  const std::string bytes = ReadFile(video);
  const CommandResult r = Run({video, "-o", video});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "svgcast: -o " + video +
                       ": that is the video itself (give the SVG another "
                       "name) (see svgcast convert --help)\n");
  EXPECT_TRUE(ReadFile(video) == bytes);
}

TEST_F(BadVideo, BadOptions) {
  const std::string video = Make("boxes", VideoKind::kLosslessMkv, "b.mkv");
  ExpectFailure({video, "-o", svg_, "--start", "5s"},
                {"--start 5000 ms: after the last frame of " + video});
  const CommandResult r = Run({video, "-o", svg_, "--tolerance", "300"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "--tolerance"));
  EXPECT_FALSE(FileExists(svg_));
}

}  // namespace
}  // namespace svgcast::test
