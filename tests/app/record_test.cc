// `svgcast record` end to end, against a real Xvfb: a test X client
// (tests/tools/x11_painter) draws known rectangles at known moments, the
// binary records, and the SVG decoded by our reader shows them in order and
// at the right places. Also region, window and pointer recording, the
// XGetImage fallback, every way a recording ends (Ctrl-C, the X server
// dying, the recorded command exiting) and the bad inputs.
//
// Synchronisation, never sleeps: the painter answers "ok" once the server
// has drawn; `record --log-frames` prints each frame's capture time on
// CLOCK_MONOTONIC, so the test waits for a frame captured after its drawing.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <sys/stat.h>
#include <sys/wait.h>

#include "capture/clock.h"
#include "capture/xvfb_server.h"
#include "svg/svg_reader.h"
#include "tests/test_util.h"
#include "tests/tools/portal_desktop.h"
#include "tests/tools/weston_xwayland.h"

extern char** environ;

namespace svgcast::test {
namespace {

// A child process with pipes to its stdin and from its stdout and stderr.
class Process {
 public:
  Process(std::vector<std::string> args,
          const std::map<std::string, std::string>& env) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry = *e;
      if (env.count(entry.substr(0, entry.find('='))) == 0) {
        env_strings.push_back(entry);
      }
    }
    for (const auto& [key, value] : env) {
      if (!value.empty()) env_strings.push_back(key + "=" + value);
    }
    std::vector<char*> argv, envp;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    int in[2], out[2], err[2];
    EXPECT_EQ(::pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(err, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                          envp.data()),
              0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = ::fdopen(out[0], "r");
    stderr_ = ::fdopen(err[0], "r");
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    if (stdin_ >= 0) ::close(stdin_);
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
    if (stdout_ != nullptr) ::fclose(stdout_);
    if (stderr_ != nullptr) ::fclose(stderr_);
  }

  void Send(const std::string& line) {
    const std::string text = line + "\n";
    ASSERT_EQ(::write(stdin_, text.data(), text.size()),
              static_cast<ssize_t>(text.size()));
  }
  // Next line of stdout (blocking); nothing at EOF.
  std::optional<std::string> ReadLine() { return ReadLineFrom(stdout_); }
  // Next line of stderr (blocking), kept in err_text(); nothing at EOF.
  std::optional<std::string> ReadErrorLine() {
    std::optional<std::string> line = ReadLineFrom(stderr_);
    if (line) err_text_ += *line + "\n";
    return line;
  }
  void Signal(int signal) { ::kill(pid_, signal); }
  int Wait() {
    if (exit_code_) return *exit_code_;
    while (ReadErrorLine()) {
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_code_ =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return *exit_code_;
  }
  const std::string& err_text() const { return err_text_; }

 private:
  static std::optional<std::string> ReadLineFrom(FILE* file) {
    char buffer[4096];
    if (std::fgets(buffer, sizeof buffer, file) == nullptr) {
      return std::nullopt;
    }
    std::string line = buffer;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
  FILE* stderr_ = nullptr;
  std::optional<int> exit_code_;
  std::string err_text_;
};

// The test X client on a display.
class Painter {
 public:
  explicit Painter(const std::string& display)
      : process_({SVGCAST_X11_PAINTER}, {{"DISPLAY", display}}) {}
  // Runs a command; returns what followed "ok" (a window id, or "").
  std::string Do(const std::string& command) {
    process_.Send(command);
    const std::string reply = process_.ReadLine().value_or("(no reply)");
    EXPECT_EQ(reply.rfind("ok", 0), 0u) << command << ": " << reply;
    return reply.size() > 3 ? reply.substr(3) : "";
  }

 private:
  Process process_;
};

// `svgcast record ... --log-frames` with stderr read line by line.
class Recorder {
 public:
  Recorder(std::vector<std::string> args,
           const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {SVGCAST_BINARY, "record"});
    args.push_back("--log-frames");
    process_ = std::make_unique<Process>(args, env);
  }
  // Waits for a frame whose capture began at or after `after_ns`; false if
  // the recorder ended first.
  bool WaitForFrameAfter(int64_t after_ns) {
    for (;;) {
      const std::optional<std::string> line = process_->ReadErrorLine();
      if (!line) return false;
      long long seq = 0, captured = 0;
      if (std::sscanf(line->c_str(), "svgcast: frame %lld captured at %lld ns",
                      &seq, &captured) == 2 &&
          captured >= after_ns) {
        return true;
      }
    }
  }
  bool WaitForFirstFrame() { return WaitForFrameAfter(0); }
  void Stop() { process_->Signal(SIGINT); }
  int Wait() { return process_->Wait(); }
  Process& process() { return *process_; }

 private:
  std::unique_ptr<Process> process_;
};

// Draws with the painter, then makes sure a frame was captured after it.
void DrawAndCapture(Painter& painter, Recorder& recorder,
                    const std::string& command) {
  painter.Do(command);
  const int64_t drawn_ns = MonotonicNowNs();
  ASSERT_TRUE(recorder.WaitForFrameAfter(drawn_ns))
      << recorder.process().err_text();
}

std::unique_ptr<XvfbServer> StartXvfb(cv::Size size, bool shm = true) {
  std::unique_ptr<XvfbServer> server;
  const Status s = XvfbServer::Start({size, 24, shm}, &server);
  EXPECT_TRUE(s.ok()) << s.message();
  return server;
}

struct Decoded {
  int64_t time_us;
  cv::Mat pixels;
};

std::vector<Decoded> Decode(const std::string& svg) {
  std::vector<Decoded> frames;
  const Status s = DecodeScreencast(svg, [&](const DecodedFrame& f) {
    frames.push_back({f.time_us, f.pixels.clone()});
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return frames;
}

// BGRX colour of an RRGGBB painter colour.
cv::Scalar Bgr(uint32_t rgb) {
  return cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 255);
}

struct Fill {
  cv::Rect rect;
  uint32_t rgb;
  std::string Command() const {
    char text[96];
    std::snprintf(text, sizeof text, "fill %d %d %d %d %06x", rect.x, rect.y,
                  rect.width, rect.height, rgb);
    return text;
  }
};

// The screen after `fills` on a black root window.
cv::Mat Screen(cv::Size size, const std::vector<Fill>& fills) {
  cv::Mat screen = SolidFrame(size, cv::Scalar(0, 0, 0));
  for (const Fill& f : fills) screen(f.rect).setTo(Bgr(f.rgb));
  return screen;
}

// Decoded frames, each different from the one before (the SVG only has
// change times, but the pointer layer can add equal ones).
std::vector<cv::Mat> DistinctFrames(const std::vector<Decoded>& decoded) {
  std::vector<cv::Mat> distinct;
  for (const Decoded& d : decoded) {
    if (distinct.empty() || !SamePixels(distinct.back(), d.pixels)) {
      distinct.push_back(d.pixels);
    }
  }
  return distinct;
}

const std::vector<Fill> kFills = {{{10, 10, 30, 20}, 0xff0000},
                                  {{60, 40, 25, 35}, 0x00ff00},
                                  {{5, 70, 120, 8}, 0x3060c0}};

TEST(Record, RectanglesDrawnOneByOneComeBackInOrderAtTheirPlaces) {
  const cv::Size size(160, 120);
  auto server = StartXvfb(size);
  ASSERT_NE(server, nullptr);
  Painter painter(server->display());
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--display", server->display(), "--fps", "30"});
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  for (const Fill& fill : kFills) {
    DrawAndCapture(painter, recorder, fill.Command());
  }
  recorder.Stop();  // Ctrl-C: the normal way to end a recording
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(), "svgcast: stopped"));

  const std::vector<Decoded> decoded = Decode(svg);
  for (size_t i = 1; i < decoded.size(); ++i) {
    EXPECT_LT(decoded[i - 1].time_us, decoded[i].time_us);
  }
  // Exactly: the black screen, then one more rectangle at a time.
  const std::vector<cv::Mat> frames = DistinctFrames(decoded);
  ASSERT_EQ(frames.size(), kFills.size() + 1);
  for (size_t k = 0; k <= kFills.size(); ++k) {
    SCOPED_TRACE("after " + std::to_string(k) + " rectangles");
    const std::vector<Fill> drawn(kFills.begin(), kFills.begin() + k);
    EXPECT_TRUE(SamePixels(Screen(size, drawn), frames[k]));
  }
}

TEST(Record, XGetImageFallbackWithoutMitShm) {
  const cv::Size size(96, 64);
  auto server = StartXvfb(size, /*shm=*/false);
  ASSERT_NE(server, nullptr);
  Painter painter(server->display());
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--display", server->display()});
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  const Fill fill{{20, 10, 40, 30}, 0xc08040};
  DrawAndCapture(painter, recorder, fill.Command());
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(SamePixels(Screen(size, {fill}), frames[1]));
}

// Records 40,30,64x48 of a 160x120 screen, chosen by `how` (options given
// the painter, which may first define a monitor there with `setup`).
void CheckPartOfTheScreen(const std::vector<std::string>& how,
                          const std::string& setup = "") {
  const cv::Size size(160, 120);
  auto server = StartXvfb(size);
  ASSERT_NE(server, nullptr);
  Painter painter(server->display());
  if (!setup.empty()) painter.Do(setup);
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const cv::Rect region(40, 30, 64, 48);
  std::vector<std::string> args = {"-o", svg, "--display", server->display()};
  args.insert(args.end(), how.begin(), how.end());
  Recorder recorder(args);
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  const Fill inside{{50, 40, 20, 10}, 0xffff00};
  const Fill across{{90, 60, 40, 40}, 0x00ffff};  // partly outside
  const Fill outside{{0, 0, 30, 20}, 0xffffff};   // not recorded at all
  for (const Fill& fill : {inside, across, outside}) {
    DrawAndCapture(painter, recorder, fill.Command());
  }
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  ASSERT_EQ(frames.size(), 3u);  // the third fill changes nothing inside
  EXPECT_TRUE(SamePixels(Screen(size, {inside})(region), frames[1]));
  EXPECT_TRUE(SamePixels(Screen(size, {inside, across})(region), frames[2]));
}

TEST(Record, RegionIsThatPartOfTheScreen) {
  CheckPartOfTheScreen({"--region", "40,30,64x48"});
}

// A RandR monitor (as `xrandr --setmonitor` makes one) by its name.
TEST(Record, MonitorIsThatPartOfTheScreen) {
  CheckPartOfTheScreen({"--monitor", "SIDE-1"}, "monitor SIDE-1 40 30 64 48");
}

// Records the painter's window on `display` (named, found by name) while
// it moves and is drawn on: the move changes nothing in the recording, the
// drawing does.
void CheckWindowRecording(const std::string& display) {
  Painter painter(display);
  painter.Do("window 20 30 60 40");
  painter.Do("name svgcast test window");
  painter.Do("fill 0 0 60 40 2040a0");
  painter.Do("fill 5 5 10 10 ff8000");
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder(
      {"-o", svg, "--display", display, "--window", "svgcast test window"});
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  DrawAndCapture(painter, recorder, "move 110 90");
  DrawAndCapture(painter, recorder, "fill 40 20 10 10 ffffff");
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();

  cv::Mat window = SolidFrame({60, 40}, Bgr(0x2040a0));
  window(cv::Rect(5, 5, 10, 10)).setTo(Bgr(0xff8000));
  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(SamePixels(window, frames[0]));
  window(cv::Rect(40, 20, 10, 10)).setTo(Bgr(0xffffff));
  EXPECT_TRUE(SamePixels(window, frames[1]));
}

TEST(Record, WindowIsFollowedWhereverItMoves) {
  auto server = StartXvfb({200, 150});
  ASSERT_NE(server, nullptr);
  Painter(server->display()).Do("fill 0 0 200 150 404040");  // never recorded
  CheckWindowRecording(server->display());
}

std::unique_ptr<WestonXwayland> StartWeston(cv::Size size) {
  std::unique_ptr<WestonXwayland> weston;
  const Status s = WestonXwayland::Start(size, &weston);
  EXPECT_TRUE(s.ok()) << s.message();
  return weston;
}

// On a Wayland desktop (Debian's GNOME), X11 programs get Xwayland, which
// shows them no screen: a window is recorded from its own pixels.
TEST(Record, OnXwaylandAWindowIsRecordedFromItsOwnPixels) {
  auto weston = StartWeston({200, 150});
  ASSERT_NE(weston, nullptr);
  CheckWindowRecording(weston->display());
}

std::unique_ptr<PortalDesktop> StartPortalDesktop(
    const PortalDesktop::Options& options) {
  std::unique_ptr<PortalDesktop> desktop;
  const Status s = PortalDesktop::Start(options, &desktop);
  EXPECT_TRUE(s.ok()) << s.message();
  return desktop;
}

// On a Wayland desktop (WAYLAND_DISPLAY set) `record` asks the desktop's
// screen-cast portal for the screen, and every picture the desktop shows
// comes back exactly, in order; --region takes part of it.
void CheckPortalRecording(const std::vector<std::string>& args, cv::Rect part) {
  const cv::Size size(160, 120);
  auto desktop = StartPortalDesktop({size, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Fill({0, 0, 160, 120}, 0x303030);
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  std::vector<std::string> all = {"-o", svg};
  all.insert(all.end(), args.begin(), args.end());
  std::map<std::string, std::string> env = desktop->env();
  env["XDG_STATE_HOME"] = dir.File("state");
  Recorder recorder(all, env);
  ASSERT_TRUE(recorder.WaitForFirstFrame())
      << recorder.process().err_text() << desktop->logs();
  std::vector<Fill> fills = {{{0, 0, 160, 120}, 0x303030}};
  for (const Fill& fill : kFills) {
    EXPECT_EQ(desktop->Fill(fill.rect, fill.rgb), "ok read");
    const int64_t shown_ns = MonotonicNowNs();
    ASSERT_TRUE(recorder.WaitForFrameAfter(shown_ns))
        << recorder.process().err_text();
    fills.push_back(fill);
  }
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(),
                       "svgcast: asking the desktop to share the screen "
                       "(WAYLAND_DISPLAY=wayland-svgcast-test)"));
  EXPECT_TRUE(Contains(recorder.process().err_text(),
                       "recording the Wayland desktop at 30 fps"));
  // The desktop's answer, kept for the next recording.
  EXPECT_EQ(ReadFile(dir.File("state/svgcast/screencast-token")),
            "fake-token-1\n");

  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  std::vector<cv::Mat> expected;
  for (size_t i = 1; i <= fills.size(); ++i) {
    const cv::Mat screen =
        Screen(size, std::vector<Fill>(fills.begin(), fills.begin() + i))(part);
    if (expected.empty() || !SamePixels(expected.back(), screen)) {
      expected.push_back(screen);
    }
  }
  ASSERT_EQ(frames.size(), expected.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_TRUE(SamePixels(expected[i], frames[i])) << "frame " << i;
  }
}

TEST(Record, OnWaylandTheDesktopIsRecordedThroughItsPortal) {
  CheckPortalRecording({}, {0, 0, 160, 120});
}

TEST(Record, OnWaylandRegionIsThatPartOfTheMonitor) {
  CheckPortalRecording({"--region", "50,30,64x48"}, {50, 30, 64, 48});
}

// --cursor on a Wayland desktop: the pointer comes beside the pictures and
// is a layer of its own, as on X11 (see PointerIsItsOwnLayerAtItsHotspot).
TEST(Record, OnWaylandPointerIsItsOwnLayerAtItsHotspot) {
  const cv::Size size(120, 90);
  auto desktop = StartPortalDesktop({size, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--cursor"}, desktop->env());
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  for (const char* move : {"cursor 30 20", "cursor 70 50", "cursor 71 50"}) {
    EXPECT_EQ(desktop->Do(move), "ok read");
    ASSERT_TRUE(recorder.WaitForFrameAfter(MonotonicNowNs()))
        << recorder.process().err_text();
  }
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(), "pointer: 1 images"));

  const std::string text = ReadFile(svg);
  // One pointer image; each stay at position - hotspot (1,2).
  EXPECT_EQ(text.find("<defs>"), text.rfind("<defs>"));
  EXPECT_TRUE(Contains(text, "x=\"29\" y=\"18\""));
  EXPECT_TRUE(Contains(text, "x=\"69\" y=\"48\""));
  EXPECT_TRUE(Contains(text, "x=\"70\" y=\"48\""));
  // The screen never changed; the pointer's opaque pixels are on it.
  const std::vector<Decoded> decoded = Decode(svg);
  ASSERT_GE(decoded.size(), 3u);
  const cv::Mat& last = decoded.back().pixels;
  const auto bgr = [&](int x, int y) {
    const cv::Vec4b p = last.at<cv::Vec4b>(y, x);
    return cv::Vec3b(p[0], p[1], p[2]);
  };
  EXPECT_EQ(bgr(70, 48), cv::Vec3b(0, 0, 255));  // red
  EXPECT_EQ(bgr(71, 48), cv::Vec3b(255, 0, 0));  // blue
  cv::Mat outside_pointer = last.clone();
  outside_pointer(cv::Rect(70, 48, 4, 4)).setTo(cv::Scalar(0, 0, 0, 255));
  EXPECT_TRUE(
      SamePixels(SolidFrame(size, cv::Scalar(0, 0, 0)), outside_pointer));
}

// The desktop's answer is kept for the next recording, which says so;
// --choose-monitor has the desktop ask again.
TEST(Record, OnWaylandTheNextRecordingSharesTheSameMonitor) {
  auto desktop = StartPortalDesktop({{64, 48}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  TempDir dir;
  std::map<std::string, std::string> env = desktop->env();
  env["XDG_STATE_HOME"] = dir.File("state");
  const auto record = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {SVGCAST_BINARY, "record",
                                     "-o",           dir.File("out.svg"),
                                     "--duration",   "100ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    Process process(args, env);
    EXPECT_EQ(process.Wait(), 0) << process.err_text();
    return process.err_text();
  };
  EXPECT_TRUE(Contains(record({}),
                       "svgcast: asking the desktop to share the screen "
                       "(WAYLAND_DISPLAY=wayland-svgcast-test)\n"));
  EXPECT_EQ(desktop->Do("token"), "ok none");
  EXPECT_TRUE(
      Contains(record({}),
               "svgcast: asking the desktop to share the screen it "
               "shared last time (WAYLAND_DISPLAY=wayland-svgcast-test; "
               "--choose-monitor to choose again)\n"));
  EXPECT_EQ(desktop->Do("token"), "ok fake-token-1");
  EXPECT_TRUE(Contains(record({"--choose-monitor"}),
                       "svgcast: asking the desktop to share the screen "
                       "(WAYLAND_DISPLAY=wayland-svgcast-test)\n"));
  EXPECT_EQ(desktop->Do("token"), "ok none");
}

// The user stops sharing (the desktop closes the session): the recording
// so far is kept, as when an X server dies (exit 3).
TEST(Record, OnWaylandSharingStoppedKeepsTheRecording) {
  auto desktop = StartPortalDesktop({{160, 120}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Fill({10, 10, 20, 20}, 0xff0000);
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg}, desktop->env());
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  desktop->Do("close");
  EXPECT_EQ(recorder.Wait(), 3) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(),
                       "svgcast: the desktop ended the screen cast (sharing "
                       "was stopped); the SVG holds the "));
  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(SamePixels(Screen({160, 120}, {{{10, 10, 20, 20}, 0xff0000}}),
                         frames[0]));
}

TEST(Record, PointerIsItsOwnLayerAtItsHotspot) {
  const cv::Size size(120, 90);
  auto server = StartXvfb(size);
  ASSERT_NE(server, nullptr);
  Painter painter(server->display());
  painter.Do("cursor argb");  // 4x4, hotspot (1,2), translucent pixels
  painter.Do("warp 30 20");
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--display", server->display(), "--cursor"});
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  DrawAndCapture(painter, recorder, "warp 70 50");
  DrawAndCapture(painter, recorder, "warp 71 50");
  recorder.Stop();
  ASSERT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(), "pointer: 1 images"));

  const std::string text = ReadFile(svg);
  // One pointer image; each stay one <use> at position - hotspot.
  EXPECT_EQ(text.find("<defs>"), text.rfind("<defs>"));
  EXPECT_TRUE(Contains(text, "x=\"29\" y=\"18\" class=\"c\""));
  EXPECT_TRUE(Contains(text, "x=\"69\" y=\"48\" class=\"c\""));
  EXPECT_TRUE(Contains(text, "x=\"70\" y=\"48\" class=\"d\""));
  // The screen itself never changed: all frames are the black screen with
  // the pointer somewhere on it.
  const std::vector<Decoded> decoded = Decode(svg);
  ASSERT_GE(decoded.size(), 3u);
  const cv::Mat black = SolidFrame(size, cv::Scalar(0, 0, 0));
  EXPECT_FALSE(SamePixels(black, decoded.back().pixels));
  cv::Mat outside_pointer = decoded.back().pixels.clone();
  outside_pointer(cv::Rect(70, 48, 4, 4)).setTo(cv::Scalar(0, 0, 0, 255));
  EXPECT_TRUE(SamePixels(black, outside_pointer));
}

TEST(Record, KillingTheXServerKeepsAValidSvgOfWhatWasRecorded) {
  const cv::Size size(96, 64);
  auto server = StartXvfb(size);
  ASSERT_NE(server, nullptr);
  Painter painter(server->display());
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--display", server->display()});
  ASSERT_TRUE(recorder.WaitForFirstFrame()) << recorder.process().err_text();
  DrawAndCapture(painter, recorder, Fill{{10, 10, 20, 20}, 0xff00ff}.Command());
  ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);
  EXPECT_EQ(recorder.Wait(), 3) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(), server->display()));
  EXPECT_TRUE(Contains(recorder.process().err_text(), "went away"));
  const std::vector<cv::Mat> frames = DistinctFrames(Decode(svg));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(
      SamePixels(Screen(size, {{{10, 10, 20, 20}, 0xff00ff}}), frames[1]));
}

TEST(Record, RecordsACommandInAVirtualDisplayUntilItExits) {
  TempDir dir;
  const std::string script = dir.File("script");
  WriteFile(script, "fill 10 10 40 30 00ff00\nquit\n");
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--size", "128x96", "--", "sh", "-c",
                     std::string(SVGCAST_X11_PAINTER) + " < " + script});
  EXPECT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(), "'sh' exited"));
  const std::vector<Decoded> decoded = Decode(svg);
  ASSERT_FALSE(decoded.empty());
  EXPECT_EQ(decoded.front().pixels.size(), cv::Size(128, 96));
}

// --colors: recorded losslessly into a temporary SVG, then replayed in
// colours; every frame shown has palette colours only, and the temporary
// folder is gone.
TEST(Record, InColoursThroughALosslessRecording) {
  TempDir dir;
  const std::string tmp = dir.File("tmp");
  ASSERT_EQ(::mkdir(tmp.c_str(), 0700), 0);
  const std::string script = dir.File("script");
  WriteFile(script,
            "fill 0 0 128 96 ffffff\nfill 10 10 40 30 00ff00\n"
            "fill 20 20 40 30 ff0000\nfill 30 30 40 30 0000ff\n"
            "fill 40 40 40 30 00fe01\nfill 0 0 5 5 123456\nquit\n");
  const std::string svg = dir.File("out.svg");
  Recorder recorder({"-o", svg, "--size", "128x96", "--colors", "3", "--", "sh",
                     "-c", std::string(SVGCAST_X11_PAINTER) + " < " + script},
                    {{"TMPDIR", tmp}});
  EXPECT_EQ(recorder.Wait(), 0) << recorder.process().err_text();
  const std::string err = recorder.process().err_text();
  EXPECT_TRUE(Contains(err, "now in at most 3 colours"));
  EXPECT_TRUE(Contains(err, "(at most 3;"));
  const std::vector<Decoded> decoded = Decode(svg);
  ASSERT_FALSE(decoded.empty());
  std::set<uint32_t> colours;
  for (const Decoded& d : decoded) {
    for (int y = 0; y < d.pixels.rows; ++y) {
      for (int x = 0; x < d.pixels.cols; ++x) {
        const cv::Vec4b p = d.pixels.at<cv::Vec4b>(y, x);
        colours.insert(uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0]);
      }
    }
  }
  EXPECT_LE(colours.size(), 3u);
  EXPECT_EQ(ListFolder(tmp), std::vector<std::string>{});
}

// One bad input: exit `exit_code` (2: the command line itself), one line
// naming the problem, no output.
void ExpectRecordError(const std::vector<std::string>& args,
                       const std::vector<std::string>& parts,
                       const std::map<std::string, std::string>& env = {},
                       int exit_code = 1) {
  TempDir dir;
  std::vector<std::string> all = {SVGCAST_BINARY, "record", "-o",
                                  dir.File("out.svg")};
  all.insert(all.end(), args.begin(), args.end());
  Process process(all, env);
  EXPECT_EQ(process.Wait(), exit_code);
  const std::string& err = process.err_text();
  EXPECT_EQ(err.rfind("svgcast: ", 0), 0u) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  for (const std::string& part : parts) EXPECT_TRUE(Contains(err, part));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

TEST(RecordBadInput, NoDisplayAndNoCommand) {
  ExpectRecordError({}, {"no X display", "DISPLAY"},
                    {{"DISPLAY", ""}, {"WAYLAND_DISPLAY", ""}});
}

TEST(RecordBadInput, DisplayThatCannotBeOpened) {
  ExpectRecordError({"--display", ":31999"}, {":31999"});
}

TEST(RecordBadInput, RegionOutsideTheScreenOrEmpty) {
  auto server = StartXvfb({100, 80});
  ASSERT_NE(server, nullptr);
  ExpectRecordError({"--display", server->display(), "--region", "50,50,60x10"},
                    {"--region", "100x80"});
  ExpectRecordError({"--display", server->display(), "--region", "0,0,0x10"},
                    {"--region", "0,0,0x10"}, {}, 2);
}

TEST(RecordBadInput, UnknownMonitorOrMonitorWithRegion) {
  auto server = StartXvfb({100, 80});
  ASSERT_NE(server, nullptr);
  ExpectRecordError({"--display", server->display(), "--monitor", "HDMI-9"},
                    {"--monitor HDMI-9: no such monitor on X display " +
                     server->display() + " (it has 0: screen at 0,0,100x80)"});
  ExpectRecordError({"--display", server->display(), "--monitor", "0",
                     "--region", "0,0,10x10"},
                    {"--region excludes --monitor"}, {}, 2);
}

TEST(RecordBadInput, UnknownWindow) {
  auto server = StartXvfb({100, 80});
  ASSERT_NE(server, nullptr);
  ExpectRecordError({"--display", server->display(), "--window", "no such one"},
                    {"--window", "no such one"});
  ExpectRecordError({"--display", server->display(), "--window", "0x7fff01"},
                    {"--window", "0x7fff01"});
}

TEST(RecordBadInput, TheScreenOfXwayland) {
  auto weston = StartWeston({100, 80});
  ASSERT_NE(weston, nullptr);
  ExpectRecordError(
      {"--display", weston->display()},
      {"X display " + weston->display() + " is Xwayland (a Wayland session)",
       "--window", "-- xterm"});
}

TEST(RecordBadInput, WaylandDesktopThatDoesNotShare) {
  auto desktop = StartPortalDesktop({{100, 80}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Do("refuse");
  ExpectRecordError({"-q"},
                    {"the desktop did not share the screen (its dialog was "
                     "cancelled)"},
                    desktop->env());
  ExpectRecordError({"-q", "--monitor", "primary"},
                    {"--monitor: not on a Wayland desktop"}, desktop->env());
  ExpectRecordError({"-q", "--region", "90,70,20x20"},
                    {"--region 90,70,20x20 does not fit on the 100x80 "
                     "monitor the desktop shares"},
                    desktop->env());
}

// Ctrl-C while the desktop's dialog is open (fake_portal never answers
// Start): svgcast gives up, says so, and writes nothing.
TEST(RecordBadInput, CtrlCWhileTheDesktopAsks) {
  auto desktop = StartPortalDesktop({{100, 80}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Do("hold");
  TempDir dir;
  Recorder recorder({"-o", dir.File("out.svg")}, desktop->env());
  // The dialog is open once Start was asked for.
  ASSERT_EQ(desktop->Do("wait-start"), "ok") << recorder.process().err_text();
  recorder.Stop();
  EXPECT_EQ(recorder.Wait(), 130) << recorder.process().err_text();
  EXPECT_TRUE(Contains(recorder.process().err_text(),
                       "svgcast: stopped while waiting for the desktop to "
                       "start the screen cast; nothing is recorded\n"));
  EXPECT_FALSE(Contains(recorder.process().err_text(), "stopping"));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

// Ctrl-C during --countdown: nothing was recorded, so nothing is written;
// one line says so, exit 130 (not "finishing the SVG", not exit 1).
TEST(RecordBadInput, CtrlCDuringTheCountdown) {
  TempDir dir;
  // (Not a Recorder: its --log-frames would go to the command.)
  Process recorder(
      {SVGCAST_BINARY, "record", "-o", dir.File("out.svg"), "--countdown", "60",
       "--size", "64x48", "--", "sleep", "120"},
      {});
  for (;;) {  // (the handler exists before the countdown says anything)
    const std::optional<std::string> line = recorder.ReadErrorLine();
    ASSERT_TRUE(line) << recorder.err_text();
    if (*line == "svgcast: recording in 60...") break;
  }
  recorder.Signal(SIGINT);
  EXPECT_EQ(recorder.Wait(), 130) << recorder.err_text();
  const std::string& err = recorder.err_text();
  EXPECT_TRUE(Contains(err,
                       "svgcast: recording in 60...\n"
                       "svgcast: interrupted before recording started; "
                       "no output\n"))
      << err;
  EXPECT_FALSE(Contains(err, "stopping")) << err;
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

// A timer file that another output would overwrite, or '-': refused
// before recording, exit 2 (the chart replaced the recording it named,
// which exited 1 as if it could not write it).
TEST(RecordBadInput, TimerFilesOtherOutputsWouldOverwrite) {
  TempDir dir;
  const std::string svg = dir.File("out.svg");
  const std::string csv = dir.File("t.csv");
  const struct {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--timer-plot", svg}, "--timer-plot: " + svg + " is the SVG's -o too"},
      {{"--timer-log", dir.path() + "/./out.svg"}, "is the SVG's -o too"},
      {{"--timer-log", csv, "--timer-plot", csv}, "is --timer-log's too"},
      {{"--timer-log", "-"}, "--timer-log: '-': not standard output"},
  };
  for (const auto& [args, says] : cases) {
    SCOPED_TRACE(says);
    std::vector<std::string> command = {"record", "-o", svg, "--size", "64x48"};
    command.insert(command.end(), args.begin(), args.end());
    command.insert(command.end(), {"--", "true"});
    const CommandResult r = RunSvgcast(command);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, says)) << r.err;
    EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
  }
}

TEST(RecordBadInput, WaylandDesktopWithoutAPortal) {
  auto desktop = StartPortalDesktop({{100, 80}, "BGRx", false});
  ASSERT_NE(desktop, nullptr);
  ExpectRecordError(
      {"-q"},
      {"no screen-cast portal on the D-Bus session bus", "xdg-desktop-portal"},
      desktop->env());
}

TEST(RecordBadInput, CommandThatCannotStart) {
  ExpectRecordError({"--size", "64x48", "--", "svgcast-no-such-command"},
                    {"cannot start 'svgcast-no-such-command'"});
}

TEST(RecordBadInput, ColoursWithThePointer) {
  ExpectRecordError(
      {"--colors", "16", "--cursor", "--size", "64x48", "--", "true"},
      {"--colors", "--cursor"}, {}, 2);
}

// Said before anything is recorded (the colours are encoded after it).
TEST(RecordBadInput, UnwritableOutputInColours) {
  Process process({SVGCAST_BINARY, "record", "-o", "/nonexistent/out.svg",
                   "--colors", "16", "--size", "64x48", "--", "sleep", "600"},
                  {});
  EXPECT_EQ(process.Wait(), 1);
  EXPECT_TRUE(Contains(process.err_text(), "/nonexistent/out.svg"));
  EXPECT_EQ(Count(process.err_text(), "\n"), 1) << process.err_text();
}

// Said before recording, naming the option; it was said after, with the
// SVG written.
TEST(RecordBadInput, UnwritableTimerLogOrPlot) {
  auto server = StartXvfb({100, 80});
  ASSERT_NE(server, nullptr);
  for (const std::string option : {"--timer-log", "--timer-plot"}) {
    ExpectRecordError({"--display", server->display(), "--duration", "1s",
                       option, "/nonexistent/timer"},
                      {option + ": /nonexistent/timer: cannot write"});
  }
}

TEST(RecordBadInput, UnwritableOutput) {
  auto server = StartXvfb({100, 80});
  ASSERT_NE(server, nullptr);
  Process process({SVGCAST_BINARY, "record", "-o", "/nonexistent/out.svg",
                   "--display", server->display()},
                  {});
  EXPECT_EQ(process.Wait(), 1);
  EXPECT_TRUE(Contains(process.err_text(), "/nonexistent/out.svg"));
  EXPECT_EQ(
      std::count(process.err_text().begin(), process.err_text().end(), '\n'),
      1);
}

}  // namespace
}  // namespace svgcast::test
