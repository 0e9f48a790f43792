// Ctrl-C during replay: the first SIGINT ends the stream and still leaves a
// complete, valid SVG of the frames so far (exit 130); a second one aborts
// at once and leaves no output at all.
//
// To know where the capture thread is without sleeping, frame 006.png of a
// copy of fixtures/boxes is a FIFO: svgcast blocks opening it, and our
// opening its write end returns exactly when svgcast's capture thread has
// reached that frame (having read the header once while checking the
// sequence).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "capture/manifest.h"
#include "tests/test_util.h"

extern char** environ;

namespace svgcast::test {
namespace {

class ReplayInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    CopyFolder(FixturePath("boxes"), in_.path());
    fifo_ = in_.File("006.png");
    png_ = ReadFile(fifo_);
    ASSERT_EQ(::unlink(fifo_.c_str()), 0);
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
  }

  // svgcast `args` (by default, the replay of the copy into svg()).
  void Start(std::vector<std::string> args = {}) {
    if (args.empty()) args = {"replay", in_.path(), "-o", svg(), "--quiet"};
    args.insert(args.begin(), SVGCAST_BINARY);
    std::vector<char*> argv;
    for (std::string& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    int err_pipe[2];
    ASSERT_EQ(::pipe2(err_pipe, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    ASSERT_EQ(
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ),
        0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(err_pipe[1]);
    err_fd_ = err_pipe[0];
  }

  // Reads svgcast's stderr (blocking) until it contains `text`: that is how
  // the test knows the signal handler has run.
  void ReadStderrUntil(const std::string& text) {
    char buffer[256];
    while (stderr_.find(text) == std::string::npos) {
      const ssize_t n = ::read(err_fd_, buffer, sizeof buffer);
      ASSERT_GT(n, 0) << "stderr ended without '" << text << "': " << stderr_;
      stderr_.append(buffer, static_cast<size_t>(n));
    }
  }

  // The header check at start-up: blocks until svgcast opens the FIFO,
  // writes the PNG, and returns only once svgcast has closed it again (a
  // FIFO's write end reports POLLERR when no reader is left), so the next
  // open of the FIFO is the capture thread's.
  void FeedHeaderCheck() {
    const int fd = ::open(fifo_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ::signal(SIGPIPE, SIG_IGN);
    (void)!::write(fd, png_.data(), png_.size());
    pollfd reader_gone{fd, 0, 0};
    ASSERT_EQ(::poll(&reader_gone, 1, -1), 1);
    EXPECT_TRUE(reader_gone.revents & POLLERR);
    ::close(fd);
  }
  // The replay started and held at frame 6: returns the FIFO's write end,
  // opened once svgcast's capture thread opened it (-1 on a failure).
  int StartAndHoldAtFrame6() {
    Start();
    FeedHeaderCheck();
    return ::open(fifo_.c_str(), O_WRONLY);
  }
  static void FeedOpened(int fd, const std::string& bytes) {
    // svgcast may stop reading early (a header check reads 24 bytes).
    ::signal(SIGPIPE, SIG_IGN);
    (void)!::write(fd, bytes.data(), bytes.size());
    ::close(fd);
  }

  int Wait() {
    char buffer[256];
    for (ssize_t n; (n = ::read(err_fd_, buffer, sizeof buffer)) > 0;) {
      stderr_.append(buffer, static_cast<size_t>(n));
    }
    ::close(err_fd_);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string svg() const { return out_.File("out.svg"); }
  const std::string& stderr_text() const { return stderr_; }

  TempDir in_, out_;
  std::string fifo_, png_;
  pid_t pid_ = -1;
  int err_fd_ = -1;
  std::string stderr_;
};

TEST_F(ReplayInterrupt, FirstCtrlCFinishesAValidSvgOfTheFramesSoFar) {
  const int fd = StartAndHoldAtFrame6();
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::kill(pid_, SIGINT), 0);
  ReadStderrUntil("stopping; finishing the SVG (Ctrl-C again to abort)");
  FeedOpened(fd, png_);
  EXPECT_EQ(Wait(), 130) << stderr_text();
  EXPECT_TRUE(Contains(stderr_text(), "interrupted after"));

  // The SVG is complete and shows frames 0..k exactly, where k >= 6 (the
  // frame being captured when the signal came) and not every frame.
  ASSERT_TRUE(FileExists(svg()));
  EXPECT_TRUE(Contains(ReadFile(svg()), "</svg>"));
  std::vector<ManifestEntry> entries;
  ASSERT_TRUE(
      ParseManifest(ReadFile(in_.File("frames.txt")), "frames.txt", &entries)
          .ok());
  TempDir decoded_dir;
  const CommandResult extracted =
      RunSvgcast({"extract", svg(), decoded_dir.path(), "--quiet"});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  std::vector<ManifestEntry> decoded;
  ASSERT_TRUE(ParseManifest(ReadFile(decoded_dir.File("frames.txt")),
                            "frames.txt", &decoded)
                  .ok());
  const int64_t last_us = decoded.back().timestamp_us;
  EXPECT_GE(last_us, entries[6].timestamp_us);
  EXPECT_LT(last_us, entries.back().timestamp_us);

  // Those frames, with the FIFO replaced by the real PNG, match exactly.
  ASSERT_EQ(::unlink(fifo_.c_str()), 0);
  WriteFile(fifo_, png_);
  std::string kept;
  for (const ManifestEntry& e : entries) {
    if (e.timestamp_us <= last_us) {
      kept += e.file + " " + FormatMilliseconds(e.timestamp_us) + "\n";
    }
  }
  WriteFile(in_.File("frames.txt"), kept);
  EXPECT_TRUE(DecodesToFrames(svg(), in_.path()));
}

TEST_F(ReplayInterrupt, SecondCtrlCAbortsAndLeavesNoOutput) {
  const int fd = StartAndHoldAtFrame6();
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::kill(pid_, SIGINT), 0);
  // Two signals sent at once would merge into one: wait for the first.
  ReadStderrUntil("stopping");
  // The capture thread is still blocked on the FIFO, so the stream cannot
  // have ended yet when the second signal comes. It comes from another
  // process (as a second Ctrl-C comes from the terminal): one process's
  // second signal soon after its first is the same request (below).
  const pid_t sender = ::fork();  // (only kill and _exit in the child)
  ASSERT_GE(sender, 0);
  if (sender == 0) ::_exit(::kill(pid_, SIGINT) == 0 ? 0 : 1);
  int sent = 0;
  ASSERT_EQ(::waitpid(sender, &sent, 0), sender);
  ASSERT_TRUE(WIFEXITED(sent) && WEXITSTATUS(sent) == 0);
  const int code = Wait();
  ::close(fd);
  EXPECT_EQ(code, 130) << stderr_text();
  EXPECT_TRUE(Contains(stderr_text(), "aborted"));
  EXPECT_EQ(ListFolder(out_.path()), std::vector<std::string>{});
}

// `timeout -s INT` signals svgcast, then its whole process group: two
// signals from one process at once are one Ctrl-C, which finishes the SVG.
// (Both are sent before the watcher can take the second: they either merge
// while pending, or are taken microseconds apart, well inside the 250 ms
// in which one process's signals count as one request.)
TEST_F(ReplayInterrupt, TwoSignalsFromOneProcessAtOnceAreOneCtrlC) {
  const int fd = StartAndHoldAtFrame6();
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::kill(pid_, SIGINT), 0);
  ASSERT_EQ(::kill(pid_, SIGINT), 0);
  ReadStderrUntil("stopping; finishing the SVG");
  FeedOpened(fd, png_);
  EXPECT_EQ(Wait(), 130) << stderr_text();
  EXPECT_FALSE(Contains(stderr_text(), "aborted")) << stderr_text();
  EXPECT_TRUE(Contains(stderr_text(), "interrupted after")) << stderr_text();
  EXPECT_TRUE(Contains(ReadFile(svg()), "</svg>"));
}

// Ctrl-C during extract stops between frames: the frames written stay,
// no frames.txt lists them, and no temporary file is left (a kill left the
// one being written). Frame 3's file is a FIFO here, which extract writes
// through, with room for 4 KB: its 8.8 KB PNG waits for the test to read
// it, so when data first comes, extract is in frame 3 and stays there.
TEST_F(ReplayInterrupt, ExtractStopsBetweenFramesWithoutFramesTxt) {
  const CommandResult made =
      RunSvgcast({"replay", FixturePath("patterns"), "-o", svg(), "--quiet"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string folder = out_.File("frames");
  ASSERT_TRUE(std::filesystem::create_directory(folder));
  const std::string frame3 = folder + "/00003.png";
  ASSERT_EQ(::mkfifo(frame3.c_str(), 0600), 0);
  const int fd = ::open(frame3.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::fcntl(fd, F_SETPIPE_SZ, 4096), 4096);
  Start({"extract", svg(), folder});
  pollfd data{fd, POLLIN, 0};
  while (!(data.revents & POLLIN)) ASSERT_EQ(::poll(&data, 1, -1), 1);
  ASSERT_EQ(::kill(pid_, SIGINT), 0);
  ReadStderrUntil("stopping; " + folder + " is left without frames.txt");
  ASSERT_EQ(::fcntl(fd, F_SETFL, 0), 0);  // (blocking again)
  std::string png;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    png.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  EXPECT_EQ(Wait(), 130) << stderr_text();
  EXPECT_GT(png.size(), 4096u);
  EXPECT_TRUE(Contains(stderr_text(), "svgcast: interrupted after 4 frames; " +
                                          folder + " has no frames.txt\n"))
      << stderr_text();
  EXPECT_EQ(ListFolder(folder),
            (std::vector<std::string>{"00000.png", "00001.png", "00002.png",
                                      "00003.png"}));
}

}  // namespace
}  // namespace svgcast::test
