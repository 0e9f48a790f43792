#include "tests/test_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

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

CommandResult RunSvgcast(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string out_path = dir.File("stdout");
  const std::string err_path = dir.File("stderr");
  std::vector<std::string> argv_strings{SVGCAST_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
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
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
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

::testing::AssertionResult Replay(const std::string& folder,
                                  const std::string& svg_path, int threads) {
  ReplayOptions options;
  options.input = folder;
  options.output = svg_path;
  options.threads = threads;
  options.quiet = true;
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

}  // namespace svgcast::test
