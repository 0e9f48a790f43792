#include "tests/test_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include <opencv2/imgproc.hpp>
#include <sys/stat.h>
#include <sys/wait.h>

#include "app/replay_command.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "processing/png_encoder.h"
#include "svg/svg_reader.h"

extern char** environ;

namespace svgcast::test {

namespace fs = std::filesystem;

std::string FixturePath(const std::string& name) {
  return std::string(SVGCAST_SOURCE_DIR) + "/fixtures/" + name;
}

std::string CorpusPath(const std::string& name) {
  const fs::path path =
      fs::path(SVGCAST_SOURCE_DIR) / ".." / "shared" / "corpus" / name;
  std::error_code error;
  return fs::is_directory(path, error) ? path.lexically_normal().string() : "";
}

TempDir::TempDir() {
  std::string pattern =
      (fs::temp_directory_path() / "svgcast-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code error;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, error);
  fs::remove_all(path_, error);
}

cv::Mat SolidFrame(cv::Size size, cv::Scalar bgr) {
  return cv::Mat(size, CV_8UC4, cv::Scalar(bgr[0], bgr[1], bgr[2], 255));
}

void WritePngFile(const std::string& path, const cv::Mat& bgrx) {
  std::vector<uint8_t> png;
  const Status s = EncodePng(bgrx, PngOptions{1}, &png);
  ASSERT_TRUE(s.ok()) << s.message();
  WriteFile(path, std::string(png.begin(), png.end()));
}

void RebuildFromChanges(const std::string& folder, const std::string& to) {
  ASSERT_EQ(::mkdir(to.c_str(), 0700), 0) << to << ": " << std::strerror(errno);
  std::istringstream changes(ReadFile(folder + "/changes.txt"));
  cv::Mat frame;
  std::string manifest;
  std::string line;
  int index = 0;
  while (std::getline(changes, line)) {
    std::istringstream fields(line);
    std::string file, ms;
    int x = -1, y = -1;
    ASSERT_TRUE(fields >> file >> ms >> x >> y) << folder << ": " << line;
    cv::Mat piece;
    const Status s = ReadPngFile(folder + "/" + file, &piece);
    ASSERT_TRUE(s.ok()) << s.message();
    if (frame.empty()) frame = piece.clone();
    const cv::Rect place(x, y, piece.cols, piece.rows);
    ASSERT_EQ(place & cv::Rect(0, 0, frame.cols, frame.rows), place)
        << folder << ": " << line << " is not inside the first frame";
    piece.copyTo(frame(place));
    char name[32];
    std::snprintf(name, sizeof(name), "%05d.png", index++);
    WritePngFile(to + "/" + name, frame);
    manifest += std::string(name) + " " + ms + "\n";
  }
  ASSERT_GT(index, 0) << folder << "/changes.txt has no frame";
  WriteFile(to + "/frames.txt", manifest);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

bool FileExists(const std::string& path) {
  std::error_code error;
  return fs::exists(path, error);
}

void CopyFolder(const std::string& from, const std::string& to) {
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.is_regular_file()) {
      fs::copy_file(entry.path(), fs::path(to) / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
    }
  }
}

std::vector<std::string> ListFolder(const std::string& path) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string FixtureTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

int Count(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

::testing::AssertionResult Contains(const std::string& text,
                                    const std::string& part) {
  if (text.find(part) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n"
                                       << text;
}

::testing::AssertionResult SamePixels(const cv::Mat& expected,
                                      const cv::Mat& actual) {
  if (expected.size() != actual.size() || expected.type() != CV_8UC4 ||
      actual.type() != CV_8UC4) {
    return ::testing::AssertionFailure()
           << "size/type differ: " << expected.cols << "x" << expected.rows
           << " vs " << actual.cols << "x" << actual.rows;
  }
  for (int y = 0; y < expected.rows; ++y) {
    const auto* a = expected.ptr<cv::Vec4b>(y);
    const auto* b = actual.ptr<cv::Vec4b>(y);
    for (int x = 0; x < expected.cols; ++x) {
      if (a[x][0] != b[x][0] || a[x][1] != b[x][1] || a[x][2] != b[x][2]) {
        return ::testing::AssertionFailure()
               << "pixel (" << x << "," << y << ") is BGR " << int(b[x][0])
               << "," << int(b[x][1]) << "," << int(b[x][2]) << ", expected "
               << int(a[x][0]) << "," << int(a[x][1]) << "," << int(a[x][2]);
      }
    }
  }
  return ::testing::AssertionSuccess();
}

CommandResult RunProgram(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string out_path = dir.File("stdout");
  const std::string err_path = dir.File("stderr");
  std::vector<std::string> argv_strings = args;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  CommandResult result;
  const int spawned =
      posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

CommandResult RunSvgcast(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SVGCAST_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv);
}

bool HaveFfmpeg() {
  const char* path = std::getenv("PATH");
  std::istringstream folders(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (!folder.empty() && ::access((folder + "/ffmpeg").c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

::testing::AssertionResult RunFfmpeg(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ffmpeg", "-hide_banner", "-loglevel", "error",
                                "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = RunProgram(argv);
  if (r.exit_code != 0) {
    std::string command;
    for (const std::string& arg : argv) command += arg + " ";
    return ::testing::AssertionFailure()
           << command << "exited with " << r.exit_code << ": " << r.err;
  }
  return ::testing::AssertionSuccess();
}

void WriteConcatScript(const std::string& folder, const std::string& script,
                       int interval_ms) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  const Status s = ParseManifest(ReadFile(manifest), manifest, &entries);
  ASSERT_TRUE(s.ok()) << s.message();
  std::ostringstream text;
  text << "ffconcat version 1.0\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    // Each image is its own input; a 1000 fps image demuxer keeps its
    // duration exact to the ms.
    text << "file '" << folder << "/" << entries[i].file << "'\n"
         << "option framerate 1000\n";
    const int64_t duration_us =
        interval_ms > 0 ? interval_ms * int64_t{1000}
        : i + 1 < entries.size()
            ? entries[i + 1].timestamp_us - entries[i].timestamp_us
            : 500000;
    text << "duration " << FormatMilliseconds(duration_us) << "ms\n";
  }
  WriteFile(script, text.str());
}

::testing::AssertionResult MakeVideo(const std::string& folder, VideoKind kind,
                                     const std::string& path, int interval_ms) {
  const std::string script = path + ".ffconcat";
  WriteConcatScript(folder, script, interval_ms);
  std::vector<std::string> args{"-f", "concat", "-safe",     "0",
                                "-i", script,   "-fps_mode", "passthrough"};
  switch (kind) {
    case VideoKind::kLosslessMkv:
      args.insert(args.end(), {"-c:v", "ffv1", "-pix_fmt", "bgr0"});
      break;
    case VideoKind::kH264Mp4:
      args.insert(args.end(), {"-c:v", "libx264", "-pix_fmt", "yuv420p"});
      break;
    case VideoKind::kGif:
      args.insert(
          args.end(),
          {"-filter_complex",
           "split[a][b];[a]palettegen[p];[b][p]paletteuse=dither=none"});
      break;
    case VideoKind::kApng:
      args.insert(args.end(), {"-plays", "0", "-f", "apng"});
      break;
  }
  args.push_back(path);
  return RunFfmpeg(args);
}

std::vector<TimedFrame> ReadSequence(const std::string& folder) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  const Status s = ParseManifest(ReadFile(manifest), manifest, &entries);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<TimedFrame> frames;
  for (const ManifestEntry& entry : entries) {
    TimedFrame frame;
    frame.time_us = entry.timestamp_us - entries.front().timestamp_us;
    const Status read = ReadPngFile(folder + "/" + entry.file, &frame.pixels);
    EXPECT_TRUE(read.ok()) << read.message();
    frames.push_back(std::move(frame));
  }
  return frames;
}

std::vector<cv::Mat> DecodeVideoFrames(const std::string& path) {
  const CommandResult run = RunProgram({SVGCAST_VIDEO_FRAMES, path});
  EXPECT_EQ(run.exit_code, 0) << path << ": " << run.err;
  std::vector<cv::Mat> frames;
  size_t at = 0;
  while (at < run.out.size()) {
    const size_t line_end = run.out.find('\n', at);
    int width = 0, height = 0;
    if (line_end == std::string::npos ||
        std::sscanf(run.out.c_str() + at, "%d %d", &width, &height) != 2 ||
        width <= 0 || height <= 0 ||
        run.out.size() - line_end - 1 < 4ul * width * height) {
      ADD_FAILURE() << path << ": video_frames' output is cut at " << at;
      break;
    }
    cv::Mat bgrx(height, width, CV_8UC4);
    std::memcpy(bgrx.data, run.out.data() + line_end + 1, 4ul * width * height);
    frames.push_back(bgrx);
    at = line_end + 1 + 4ul * width * height;
  }
  return frames;
}

int MaxDifference(const cv::Mat& a, const cv::Mat& b) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(a.type(), CV_8UC4);
  EXPECT_EQ(b.type(), CV_8UC4);
  int most = 0;
  for (int y = 0; y < a.rows; ++y) {
    const auto* p = a.ptr<cv::Vec4b>(y);
    const auto* q = b.ptr<cv::Vec4b>(y);
    for (int x = 0; x < a.cols; ++x) {
      for (int c = 0; c < 3; ++c)
        most = std::max(most, std::abs(p[x][c] - q[x][c]));
    }
  }
  return most;
}

::testing::AssertionResult DecodesToFramesWithin(
    const std::string& svg_path, const std::vector<TimedFrame>& frames,
    int tolerance, int* max_error) {
  std::vector<TimedFrame> shown;  // every change of the SVG
  const Status decoded =
      DecodeScreencast(svg_path, [&](const DecodedFrame& frame) -> Status {
        shown.push_back({frame.time_us, frame.pixels.clone()});
        return Status::Ok();
      });
  if (!decoded.ok()) return ::testing::AssertionFailure() << decoded.message();
  for (const TimedFrame& change : shown) {
    const bool at_frame_time = std::any_of(
        frames.begin(), frames.end(),
        [&](const TimedFrame& f) { return f.time_us == change.time_us; });
    if (!at_frame_time) {
      return ::testing::AssertionFailure()
             << "the SVG changes at " << FormatMilliseconds(change.time_us)
             << " ms, which is no frame's time";
    }
  }
  int most = 0;
  size_t at = 0;  // shown[at - 1] is on screen
  for (size_t i = 0; i < frames.size(); ++i) {
    while (at < shown.size() && shown[at].time_us <= frames[i].time_us) ++at;
    if (at == 0) {
      return ::testing::AssertionFailure()
             << "nothing decoded at " << FormatMilliseconds(frames[i].time_us)
             << " ms";
    }
    if (shown[at - 1].pixels.size() != frames[i].pixels.size()) {
      return ::testing::AssertionFailure() << "frame " << i << ": size differs";
    }
    const int difference =
        MaxDifference(frames[i].pixels, shown[at - 1].pixels);
    most = std::max(most, difference);
    if (difference > tolerance) {
      return ::testing::AssertionFailure()
             << "frame " << i << " at " << FormatMilliseconds(frames[i].time_us)
             << " ms: the SVG differs by " << difference << " > " << tolerance;
    }
  }
  if (max_error != nullptr) *max_error = most;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Replay(const std::string& folder,
                                  const std::string& svg_path, int threads,
                                  double sheet_copy_budget_bytes) {
  ReplayOptions options;
  options.input = folder;
  options.output = svg_path;
  options.threads = threads;
  options.quiet = true;
  if (sheet_copy_budget_bytes >= 0) {
    options.sheet_copy_budget_bytes = sheet_copy_budget_bytes;
  }
  const int code = RunReplay(options);
  if (code != 0) {
    return ::testing::AssertionFailure()
           << "replay of " << folder << " exited with " << code;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DecodesToFrames(const std::string& svg_path,
                                           const std::string& folder) {
  std::vector<ManifestEntry> entries;
  const std::string manifest = folder + "/frames.txt";
  if (Status s = ParseManifest(ReadFile(manifest), manifest, &entries);
      !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  const int64_t origin_us = entries.front().timestamp_us;
  // Walk the frames and the decoded change times together: the canvas
  // decoded at time T must equal every frame shown from T until the next
  // change time. Only two images are held at once.
  size_t next_frame = 0;
  std::optional<int64_t> shown_since;
  cv::Mat shown;
  std::string failure;
  auto check_frames_before = [&](std::optional<int64_t> until_us) {
    for (; next_frame < entries.size(); ++next_frame) {
      const int64_t t = entries[next_frame].timestamp_us - origin_us;
      if (until_us && t >= *until_us) break;
      if (!shown_since || t < *shown_since) {
        failure = "nothing decoded at " + FormatMilliseconds(t) + " ms";
        return false;
      }
      cv::Mat frame;
      const std::string path = folder + "/" + entries[next_frame].file;
      if (Status s = ReadPngFile(path, &frame); !s.ok()) {
        failure = s.message();
        return false;
      }
      const auto same = SamePixels(frame, shown);
      if (!same) {
        failure = entries[next_frame].file + " at " + FormatMilliseconds(t) +
                  " ms: " + same.message();
        return false;
      }
    }
    return true;
  };
  const Status decoded =
      DecodeScreencast(svg_path, [&](const DecodedFrame& frame) -> Status {
        if (!check_frames_before(frame.time_us)) return Status::Error(failure);
        // A change must happen at some frame's time.
        const bool at_frame_time =
            next_frame < entries.size() &&
            entries[next_frame].timestamp_us - origin_us == frame.time_us;
        if (!at_frame_time) {
          return Status::Error("the SVG changes at " +
                               FormatMilliseconds(frame.time_us) +
                               " ms, which is no frame's time");
        }
        shown_since = frame.time_us;
        frame.pixels.copyTo(shown);
        return Status::Ok();
      });
  if (!decoded.ok()) return ::testing::AssertionFailure() << decoded.message();
  if (!check_frames_before(std::nullopt)) {
    return ::testing::AssertionFailure() << failure;
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> Unaligned(const std::string& svg, int align_px) {
  // (Without the images' data: std::regex recurses once per character.)
  std::string markup;
  for (size_t at = 0; at < svg.size();) {
    const size_t data = svg.find("href=\"data:", at);
    if (data == std::string::npos) {
      markup += svg.substr(at);
      break;
    }
    markup += svg.substr(at, data - at) + "href=\"\"";
    const size_t end = svg.find('"', data + 6);
    at = end == std::string::npos ? svg.size() : end + 1;
  }
  std::smatch root;
  EXPECT_TRUE(std::regex_search(
      markup, root,
      std::regex("<svg [^>]*width=\"(\\d+)\" height=\"(\\d+)\"")));
  const int frame_width = std::stoi(root[1]);
  const int frame_height = std::stoi(root[2]);
  std::vector<std::string> unaligned;
  const std::regex element("<(\\w+)([^>]*)>");
  const std::regex number("\\b(x|y|width|height)=\"(-?\\d+)\"");
  const std::regex view_box("viewBox=\"(-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+)\"");
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), element);
       it != std::sregex_iterator(); ++it) {
    const std::string tag = (*it)[1];
    const std::string attrs = (*it)[2];
    int x = 0, y = 0;
    std::vector<std::pair<std::string, int>> values;
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), number);
         a != std::sregex_iterator(); ++a) {
      values.push_back({(*a)[1], std::stoi((*a)[2])});
      if (values.back().first == "x") x = values.back().second;
      if (values.back().first == "y") y = values.back().second;
    }
    const bool pattern_units =
        tag == "pattern" && attrs.find("userSpaceOnUse") == std::string::npos;
    for (const auto& [name, value] : values) {
      if (value % align_px == 0 || pattern_units) continue;
      if ((name == "width" && x + value == frame_width) ||
          (name == "height" && y + value == frame_height)) {
        continue;
      }
      unaligned.push_back("<" + tag + attrs + ">: " + name);
    }
    std::smatch box;
    if (it->position() > 0 && std::regex_search(attrs, box, view_box)) {
      for (int i = 1; i <= 4; ++i) {
        if (std::stoi(box[i]) % align_px != 0) {
          unaligned.push_back("<" + tag + attrs + ">: viewBox");
        }
      }
    }
  }
  return unaligned;
}

}  // namespace svgcast::test
