// OpenX11Source against private Xvfb servers: pixels drawn by x11_painter
// come back exactly (MIT-SHM, the XGetImage fallback, a 16-bit screen), a
// region, a followed window, the pointer, pacing arithmetic, the shared
// memory's hygiene, a server that dies, and every error's one line. Then on
// Xwayland (a Wayland session's X server, in a private headless Weston):
// the screen refused with a line that says why, a window read from its own
// pixels and those of the X windows above it. Each test starts its own
// server, so none needs (or skips without) a DISPLAY; two skip elsewhere:
// the server dying mid-request under ThreadSanitizer (libX11 unlocks a
// mutex twice then) and the IPC-namespace case where
// `unshare --ipc` is not allowed. Nothing sleeps: the painter answers once
// the server has done its drawing.
#include "capture/x11_source.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "capture/clock.h"
#include "capture/xvfb_server.h"
#include "tests/test_util.h"
#include "tests/tools/painter.h"
#include "tests/tools/weston_xwayland.h"

extern char** environ;

namespace svgcast::test {
namespace {

const cv::Size kScreen{320, 240};

std::unique_ptr<XvfbServer> StartServer(int depth = 24,
                                        bool shared_memory = true) {
  std::unique_ptr<XvfbServer> server;
  const Status s =
      XvfbServer::Start(XvfbOptions{kScreen, depth, shared_memory}, &server);
  EXPECT_TRUE(s.ok()) << s.message();
  return server;
}

struct Box {
  cv::Rect rect;
  uint32_t rgb;
};

// Colours a 16-bit (5-6-5) screen can show exactly, and some it cannot.
const Box kScene[] = {
    {{0, 0, 320, 240}, 0x000000},   {{10, 20, 100, 50}, 0xff0000},
    {{60, 40, 80, 90}, 0x00ff00},   {{200, 10, 30, 200}, 0x0000ff},
    {{300, 220, 20, 20}, 0xffffff}, {{0, 230, 5, 10}, 0x123456},
    {{150, 150, 1, 1}, 0xfedcba},   {{151, 150, 1, 1}, 0x808080},
};

// Paints kScene on the root window; the picture a 24-bit screen shows.
cv::Mat PaintScene(Painter& painter) {
  cv::Mat expected(kScreen, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  for (const Box& box : kScene) {
    painter.Fill(box.rect, box.rgb);
    FillExpected(expected, box.rect, box.rgb);
  }
  return expected;
}

X11Options Options(const XvfbServer& server) {
  X11Options options;
  options.display = server.display();
  options.fps = 1000;  // ticks 1 ms apart keep the tests quick
  return options;
}

std::unique_ptr<FrameSource> OpenOk(const X11Options& options) {
  std::unique_ptr<FrameSource> source;
  const Status s = OpenX11Source(options, &source);
  EXPECT_TRUE(s.ok()) << s.message();
  return source;
}

std::string OpenError(const X11Options& options) {
  std::unique_ptr<FrameSource> source;
  const Status s = OpenX11Source(options, &source);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(source, nullptr);
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  return s.message();
}

std::shared_ptr<Frame> CaptureOk(FrameSource& source) {
  Tick tick;
  EXPECT_TRUE(source.WaitForNextFrame(&tick));
  auto frame = std::make_shared<Frame>();
  const Status s = source.Capture(frame.get());
  EXPECT_TRUE(s.ok()) << s.message();
  return frame;
}

// All X bytes (the fourth of each pixel) are the same.
::testing::AssertionResult ConstantXByte(const cv::Mat& bgrx) {
  const uint8_t x = bgrx.at<cv::Vec4b>(0, 0)[3];
  for (int y = 0; y < bgrx.rows; ++y) {
    for (int col = 0; col < bgrx.cols; ++col) {
      if (bgrx.at<cv::Vec4b>(y, col)[3] != x) {
        return ::testing::AssertionFailure()
               << "X byte at (" << col << "," << y << ") is "
               << int(bgrx.at<cv::Vec4b>(y, col)[3]) << ", at (0,0) " << int(x);
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Rows of /proc/sysvipc/shm for segments this process created.
struct ShmRow {
  int id = -1;
  unsigned mode = 0;  // the "perms" column: permissions and SHM_* flags
  size_t size = 0;
};
std::vector<ShmRow> OurShmSegments() {
  std::ifstream in("/proc/sysvipc/shm");
  std::string line;
  std::getline(in, line);  // column names
  std::vector<ShmRow> rows;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long long key = 0;
    std::string perms;
    ShmRow row;
    long long cpid = 0;
    if (!(fields >> key >> row.id >> perms >> row.size >> cpid)) continue;
    row.mode = static_cast<unsigned>(std::stoul(perms, nullptr, 8));
    if (cpid == ::getpid()) rows.push_back(row);
  }
  return rows;
}

TEST(X11Source, GrabIsTheWholeScreen) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), kScreen);
  EXPECT_EQ(source->frame_count(), std::nullopt);
  auto frame = CaptureOk(*source);
  EXPECT_EQ(frame->pixels.size(), kScreen);
  EXPECT_EQ(frame->pixels.type(), CV_8UC4);
  EXPECT_FALSE(frame->cursor.has_value());
}

TEST(X11Source, DrawnRectanglesComeBackExactly) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const cv::Mat expected = PaintScene(painter);
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  auto frame = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(expected, frame->pixels));
  EXPECT_TRUE(ConstantXByte(frame->pixels));
  EXPECT_EQ(frame->pixels.at<cv::Vec4b>(0, 0)[3], 0);  // what Xvfb writes
  // Zero copy: the pixels are the shared memory the frame keeps.
  EXPECT_NE(frame->storage, nullptr);
  EXPECT_EQ(frame->pixels.u, nullptr);  // not memory OpenCV allocated

  // A change shows in the next frame.
  painter.Fill({100, 100, 10, 10}, 0x336699);
  cv::Mat changed = expected.clone();
  FillExpected(changed, {100, 100, 10, 10}, 0x336699);
  EXPECT_TRUE(SamePixels(changed, CaptureOk(*source)->pixels));
}

TEST(X11Source, RegionIsExactlyThatRectangle) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const cv::Mat expected = PaintScene(painter);
  for (const cv::Rect region :
       {cv::Rect(50, 30, 100, 80), cv::Rect(0, 0, 320, 240),
        cv::Rect(319, 239, 1, 1)}) {
    X11Options options = Options(*server);
    options.region = region;
    auto source = OpenOk(options);
    ASSERT_TRUE(source);
    EXPECT_EQ(source->frame_size(), region.size());
    EXPECT_TRUE(SamePixels(expected(region), CaptureOk(*source)->pixels))
        << region;
  }
}

// RandR monitors, as `xrandr --setmonitor` defines them (the server lists
// the primary one first, then the others, then its own "screen").
TEST(X11Source, MonitorIsThatPartOfTheScreen) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const cv::Mat expected = PaintScene(painter);
  const std::string on_display = " on X display " + server->display();
  X11Options options = Options(*server);
  painter.Do("monitor LEFT 0 0 160 240");
  options.monitor = "primary";
  EXPECT_EQ(OpenError(options),
            "--monitor primary: no monitor is the primary one" + on_display +
                " (it has 0: LEFT at 0,0,160x240, 1: screen at 0,0,320x240)");

  painter.Do("monitor RIGHT 160 0 160 120 primary");
  const std::pair<std::string, cv::Rect> kQueries[] = {
      {"LEFT", {0, 0, 160, 240}},      {"RIGHT", {160, 0, 160, 120}},
      {"0", {160, 0, 160, 120}},       {"1", {0, 0, 160, 240}},
      {"primary", {160, 0, 160, 120}}, {"screen", {0, 0, 320, 240}}};
  for (const auto& [query, rect] : kQueries) {
    options.monitor = query;
    auto source = OpenOk(options);
    ASSERT_TRUE(source) << query;
    EXPECT_EQ(source->frame_size(), rect.size()) << query;
    EXPECT_TRUE(SamePixels(expected(rect), CaptureOk(*source)->pixels))
        << query;
  }

  const std::string monitors =
      " (it has 0: RIGHT at 160,0,160x120 (primary), 1: LEFT at "
      "0,0,160x240, 2: screen at 0,0,320x240)";
  for (const std::string query : {"HDMI-2", "3", "-1", "left"}) {
    options.monitor = query;
    EXPECT_EQ(OpenError(options), "--monitor " + query + ": no such monitor" +
                                      on_display + monitors);
  }
  // One partly off the screen (a monitor is any rectangle).
  painter.Do("monitor WIDE 200 0 200 100");
  options.monitor = "WIDE";
  EXPECT_EQ(OpenError(options),
            "--monitor WIDE (200,0,200x100) does not fit on the 320x240 "
            "screen of X display " +
                server->display());
}

TEST(X11Source, TimestampsAreCaptureStartsInMicroseconds) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  int64_t previous = -1;
  for (int i = 0; i < 5; ++i) {
    Tick tick;
    ASSERT_TRUE(source->WaitForNextFrame(&tick));
    Frame frame;
    const int64_t before_us = MonotonicNowNs() / 1000;
    ASSERT_TRUE(source->Capture(&frame).ok());
    const int64_t after_us = MonotonicNowNs() / 1000;
    EXPECT_LE(before_us, frame.timestamp_us);
    EXPECT_LE(frame.timestamp_us, after_us);
    EXPECT_GT(frame.timestamp_us, previous);
    previous = frame.timestamp_us;
  }
}

TEST(X11Source, FallbackWithoutSharedMemoryGivesTheSamePixels) {
  auto server = StartServer(24, /*shared_memory=*/false);
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const cv::Mat expected = PaintScene(painter);
  const size_t segments_before = OurShmSegments().size();
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  auto frame = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(expected, frame->pixels));
  EXPECT_TRUE(ConstantXByte(frame->pixels));
  EXPECT_EQ(frame->pixels.at<cv::Vec4b>(0, 0)[3], 0);  // as with MIT-SHM
  EXPECT_EQ(frame->storage, nullptr);                  // an owned copy
  EXPECT_EQ(OurShmSegments().size(), segments_before);

  X11Options options = Options(*server);
  options.region = cv::Rect(5, 15, 200, 100);
  auto region_source = OpenOk(options);
  ASSERT_TRUE(region_source);
  EXPECT_TRUE(
      SamePixels(expected(*options.region), CaptureOk(*region_source)->pixels));
}

// The nearest 8-bit value of what a `bits`-bit channel keeps of `value`.
int Quantized(int value, int bits) {
  const int kept = value >> (8 - bits);
  return static_cast<int>(std::lround(kept * 255.0 / ((1 << bits) - 1)));
}

TEST(X11Source, SixteenBitScreenIsConverted) {
  auto server = StartServer(16);
  ASSERT_TRUE(server);
  Painter painter(server->display());
  cv::Mat expected(kScreen, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  for (const Box& box : kScene) {
    painter.Fill(box.rect, box.rgb);
    const uint32_t rgb = (Quantized((box.rgb >> 16) & 0xff, 5) << 16) |
                         (Quantized((box.rgb >> 8) & 0xff, 6) << 8) |
                         Quantized(box.rgb & 0xff, 5);
    FillExpected(expected, box.rect, rgb);
  }
  // The representable colours keep their exact values.
  EXPECT_EQ(Quantized(0xff, 5), 0xff);
  EXPECT_EQ(Quantized(0x00, 6), 0x00);

  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  auto frame = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(expected, frame->pixels));
  EXPECT_TRUE(ConstantXByte(frame->pixels));
  EXPECT_NE(frame->pixels.u, nullptr);  // converted into an owned Mat

  X11Options options = Options(*server);
  options.region = cv::Rect(140, 140, 20, 20);
  auto region_source = OpenOk(options);
  ASSERT_TRUE(region_source);
  EXPECT_TRUE(
      SamePixels(expected(*options.region), CaptureOk(*region_source)->pixels));
}

// Paints the painter's 100x60 window; what it then shows.
cv::Mat PaintWindow(Painter& painter) {
  cv::Mat content(60, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  for (const Box& box :
       {Box{{0, 0, 50, 60}, 0xff0000}, Box{{50, 0, 50, 30}, 0x00ff00},
        Box{{99, 59, 1, 1}, 0xffffff}}) {
    painter.Fill(box.rect, box.rgb);
    FillExpected(content, box.rect, box.rgb);
  }
  return content;
}

// A window is followed as it moves, also partly off the screen.
void CheckFollowedWindow(bool shared_memory) {
  auto server = StartServer(24, shared_memory);
  ASSERT_TRUE(server);
  Painter painter(server->display());
  painter.Fill({0, 0, 320, 240}, 0x404040);  // the root around it
  const std::string id = painter.Window({40, 30, 100, 60});
  ASSERT_FALSE(id.empty());
  const cv::Mat content = PaintWindow(painter);
  X11Options options = Options(*server);
  options.window = id;
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(100, 60));
  EXPECT_TRUE(SamePixels(content, CaptureOk(*source)->pixels));

  painter.Do("move 200 150");
  EXPECT_TRUE(SamePixels(content, CaptureOk(*source)->pixels));

  // Partly off the screen (at 260,200 only 60x40 of it is on it): the rest
  // is black.
  painter.Do("move 260 200");
  cv::Mat clipped(60, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  content(cv::Rect(0, 0, 60, 40)).copyTo(clipped(cv::Rect(0, 0, 60, 40)));
  auto frame = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(clipped, frame->pixels));
  EXPECT_TRUE(ConstantXByte(frame->pixels));

  // Entirely off the screen: all black.
  painter.Do("move -200 -100");
  EXPECT_TRUE(SamePixels(cv::Mat(60, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0)),
                         CaptureOk(*source)->pixels));
}

TEST(X11Source, WindowIsFollowedAsItMoves) { CheckFollowedWindow(true); }

TEST(X11Source, WindowIsFollowedWithoutSharedMemory) {
  CheckFollowedWindow(false);
}

TEST(X11Source, WindowByName) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const std::string alpha = painter.Window({0, 0, 30, 20});
  painter.Do("name alpha term");
  const std::string beta = painter.Window({40, 0, 50, 20});
  painter.Do("name beta term");
  const std::string gamma = painter.Window({100, 0, 70, 20});
  painter.Do("name gamma");
  const std::string gamma_two = painter.Window({200, 0, 20, 20});
  painter.Do("name gamma two");

  X11Options options = Options(*server);
  options.window = "gamma";  // exact before "gamma two" containing it
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(70, 20));

  options.window = "alph";  // the one name containing it
  source = OpenOk(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(30, 20));

  options.window = "term";
  std::string error = OpenError(options);
  EXPECT_TRUE(Contains(error, "--window \"term\": 2 windows on X display " +
                                  server->display() + " match"));
  EXPECT_TRUE(Contains(error, alpha));
  EXPECT_TRUE(Contains(error, beta));

  options.window = "delta";
  EXPECT_EQ(OpenError(options), "--window \"delta\": no window on X display " +
                                    server->display() +
                                    " has that name or a name containing it");

  // An id, in hex or decimal.
  options.window = beta;
  source = OpenOk(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(50, 20));
  options.window = std::to_string(std::stoul(beta, nullptr, 16));
  source = OpenOk(options);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->frame_size(), cv::Size(50, 20));

  options.window = "0x7ffffff0";
  EXPECT_EQ(OpenError(options),
            "--window 0x7ffffff0: no such window on X "
            "display " +
                server->display());
}

TEST(X11Source, ClosedWindowEndsTheStream) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  const std::string id = painter.Window({10, 10, 40, 30});
  X11Options options = Options(*server);
  options.window = id;
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  CaptureOk(*source);
  painter.Do("close");
  Tick tick;
  ASSERT_TRUE(source->WaitForNextFrame(&tick));
  Frame frame;
  Status s = source->Capture(&frame);
  EXPECT_TRUE(s.source_lost());
  EXPECT_EQ(s.message(), "window " + id + " was closed");
  s = source->Capture(&frame);  // and stays ended
  EXPECT_TRUE(s.source_lost());
}

TEST(X11Source, CursorIsSampled) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  Painter painter(server->display());
  painter.Window({0, 0, 320, 240});  // its cursor shows anywhere
  painter.Do("cursor crosshair");
  painter.Do("warp 100 80");
  X11Options options = Options(*server);
  options.cursor = true;
  auto source = OpenOk(options);
  ASSERT_TRUE(source);

  auto first = CaptureOk(*source);
  ASSERT_TRUE(first->cursor.has_value());
  const CursorSample& crosshair = *first->cursor;
  EXPECT_EQ(crosshair.position, cv::Point(100, 80));
  EXPECT_TRUE(crosshair.visible);
  ASSERT_FALSE(crosshair.image.empty());
  EXPECT_EQ(crosshair.image.type(), CV_8UC4);
  EXPECT_TRUE(
      cv::Rect({0, 0}, crosshair.image.size()).contains(crosshair.hotspot))
      << crosshair.hotspot;
  EXPECT_NE(cv::countNonZero(crosshair.image.reshape(1)), 0);

  // Same shape: same serial, the same image (not converted again).
  painter.Do("warp 30 40");
  auto second = CaptureOk(*source);
  ASSERT_TRUE(second->cursor.has_value());
  EXPECT_EQ(second->cursor->shape_serial, crosshair.shape_serial);
  EXPECT_EQ(second->cursor->image.data, crosshair.image.data);
  EXPECT_EQ(second->cursor->position, cv::Point(30, 40));

  painter.Do("cursor hand2");
  auto third = CaptureOk(*source);
  ASSERT_TRUE(third->cursor.has_value());
  EXPECT_NE(third->cursor->shape_serial, crosshair.shape_serial);
  EXPECT_NE(third->cursor->image.data, crosshair.image.data);

  // Premultiplied ARGB becomes straight alpha.
  painter.Do("cursor argb");
  auto argb = CaptureOk(*source);
  ASSERT_TRUE(argb->cursor.has_value());
  EXPECT_NE(argb->cursor->shape_serial, third->cursor->shape_serial);
  EXPECT_EQ(argb->cursor->hotspot, cv::Point(1, 2));
  EXPECT_EQ(argb->cursor->position, cv::Point(30, 40));
  const cv::Mat& image = argb->cursor->image;
  ASSERT_EQ(image.size(), cv::Size(4, 4));
  EXPECT_EQ(image.at<cv::Vec4b>(0, 0), cv::Vec4b(255, 0, 0, 255));
  EXPECT_EQ(image.at<cv::Vec4b>(0, 1), cv::Vec4b(0, 0, 255, 128));
  EXPECT_EQ(image.at<cv::Vec4b>(0, 2), cv::Vec4b(0, 85, 255, 51));
  EXPECT_EQ(image.at<cv::Vec4b>(0, 3), cv::Vec4b(0, 0, 0, 0));
  EXPECT_EQ(image.at<cv::Vec4b>(3, 3), cv::Vec4b(0, 255, 0, 255));
  // Frames keep their own images.
  EXPECT_EQ(first->cursor->image.size(), crosshair.image.size());

  // In a region: relative to it, invisible outside it.
  options.region = cv::Rect(20, 30, 100, 50);
  auto region_source = OpenOk(options);
  ASSERT_TRUE(region_source);
  auto inside = CaptureOk(*region_source);
  ASSERT_TRUE(inside->cursor.has_value());
  EXPECT_EQ(inside->cursor->position, cv::Point(10, 10));
  EXPECT_TRUE(inside->cursor->visible);
  painter.Do("warp 5 200");
  auto outside = CaptureOk(*region_source);
  ASSERT_TRUE(outside->cursor.has_value());
  EXPECT_EQ(outside->cursor->position, cv::Point(-15, 170));
  EXPECT_FALSE(outside->cursor->visible);
}

TEST(X11Source, TicksFollowAbsoluteDeadlines) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  X11Options options = Options(*server);
  options.fps = 500;  // 2 ms
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  constexpr int64_t kPeriodNs = 2'000'000;
  Tick previous;
  ASSERT_TRUE(source->WaitForNextFrame(&previous));
  EXPECT_GT(previous.deadline_ns, 0);
  for (int i = 0; i < 10; ++i) {
    Tick tick;
    ASSERT_TRUE(source->WaitForNextFrame(&tick));
    // The next deadline, or a later one on the same grid (skipped ticks are
    // counted, never caught up).
    EXPECT_EQ(tick.deadline_ns - previous.deadline_ns,
              kPeriodNs * static_cast<int64_t>(1 + tick.skipped));
    if (i % 3 == 0) {
      Frame frame;
      ASSERT_TRUE(source->Capture(&frame).ok());
    } else {
      source->Skip();
    }
    previous = tick;
  }
}

TEST(X11Source, SharedMemoryIsPrivateRemovedAtOnceAndPooled) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);

  // Frames held at once each have their own segment (the pool grows).
  std::vector<std::shared_ptr<Frame>> held;
  std::set<const uint8_t*> memory;
  for (int i = 0; i < 3; ++i) {
    held.push_back(CaptureOk(*source));
    memory.insert(held.back()->pixels.data);
  }
  EXPECT_EQ(memory.size(), 3u);
  const std::vector<ShmRow> rows = OurShmSegments();
  EXPECT_GE(rows.size(), 3u);
  for (const ShmRow& row : rows) {
    EXPECT_EQ(row.mode & 0777, 0600u) << "segment " << row.id;
    EXPECT_NE(row.mode & 01000, 0u)
        << "segment " << row.id << " is not marked for removal";
    EXPECT_EQ(row.size, FrameBytes(kScreen));
  }

  // A released frame's memory is used again, not a new segment.
  const uint8_t* released = held.back()->pixels.data;
  held.pop_back();
  auto again = CaptureOk(*source);
  EXPECT_EQ(again->pixels.data, released);
  EXPECT_EQ(OurShmSegments().size(), rows.size());

  // Frames go back from other threads while the capture thread goes on.
  std::thread releaser(
      [frames = std::move(held)]() mutable { frames.clear(); });
  for (int i = 0; i < 5; ++i) CaptureOk(*source);
  releaser.join();

  // Frames outlive their source; the memory goes with the last of them.
  source.reset();
  EXPECT_EQ(again->pixels.size(), kScreen);
  EXPECT_EQ(cv::countNonZero(again->pixels.reshape(1)), 0);  // still readable
  server.reset();  // the server's attachments go with it
  EXPECT_FALSE(OurShmSegments().empty());  // `again` still holds one
  again.reset();
  EXPECT_TRUE(OurShmSegments().empty());
}

TEST(X11Source, KilledServerEndsTheStreamWithoutExiting) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  X11Options options = Options(*server);
  options.cursor = true;
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  auto before = CaptureOk(*source);  // holds a segment across the death

  ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);
  // Wait until it is dead (its socket closed), leaving the reaping to it.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(server->pid()), &info,
                     WEXITED | WNOWAIT),
            0);

  Tick tick;
  ASSERT_TRUE(source->WaitForNextFrame(&tick));
  Frame frame;
  Status s = source->Capture(&frame);
  EXPECT_TRUE(s.source_lost()) << s.message();
  EXPECT_EQ(s.message(), "X server " + server->display() + " went away");
  s = source->Capture(&frame);
  EXPECT_TRUE(s.source_lost());

  // Freed on another thread, as the app does after its capture thread
  // ended: nothing may wait for the dead connection.
  std::thread closer([&source] { source.reset(); });
  closer.join();
  EXPECT_EQ(before->pixels.size(), kScreen);
  before.reset();
  server.reset();
  EXPECT_TRUE(OurShmSegments().empty());
}

// The server dies while a request is under way (here: reading an event that
// waited before the end of the connection), so Xlib itself finds the broken
// connection: its handlers must not exit, and the display must still close
// from another thread.
TEST(X11Source, ServerDyingDuringARequestEndsTheStream) {
  // (libX11's broken-connection path unlocks the display mutex once more
  // than it locked it; tests/tsan_suppressions.txt silences that report.)
  auto server = StartServer();
  ASSERT_TRUE(server);
  auto source = OpenOk(Options(*server));
  ASSERT_TRUE(source);
  auto before = CaptureOk(*source);
  {
    Painter painter(server->display());
    painter.Do("notify-root");  // waits in the source's socket
  }
  ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(server->pid()), &info,
                     WEXITED | WNOWAIT),
            0);
  Tick tick;
  ASSERT_TRUE(source->WaitForNextFrame(&tick));
  Frame frame;
  const Status s = source->Capture(&frame);
  EXPECT_TRUE(s.source_lost()) << s.message();
  EXPECT_EQ(s.message(), "X server " + server->display() + " went away");
  std::thread closer([&source] { source.reset(); });
  closer.join();
  before.reset();
}

TEST(X11Source, NoDisplay) {
  const char* display = std::getenv("DISPLAY");
  const std::string saved = display != nullptr ? display : "";
  ::unsetenv("DISPLAY");
  X11Options options;
  const std::string error = OpenError(options);
  if (display != nullptr) ::setenv("DISPLAY", saved.c_str(), 1);
  EXPECT_EQ(error.rfind("no X display: DISPLAY is not set", 0), 0u) << error;
}

TEST(X11Source, DisplayFromTheEnvironment) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const char* display = std::getenv("DISPLAY");
  const std::string saved = display != nullptr ? display : "";
  ::setenv("DISPLAY", server->display().c_str(), 1);
  X11Options options;
  std::unique_ptr<FrameSource> source;
  const Status s = OpenX11Source(options, &source);
  if (display != nullptr) {
    ::setenv("DISPLAY", saved.c_str(), 1);
  } else {
    ::unsetenv("DISPLAY");
  }
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(source->frame_size(), kScreen);
}

TEST(X11Source, DisplayThatCannotBeOpened) {
  X11Options options;
  options.display = ":4095";
  EXPECT_EQ(OpenError(options),
            "cannot open X display :4095 (no X server there, or it refused "
            "the connection)");
}

TEST(X11Source, BadOptions) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const std::string screen_of = " screen of X display " + server->display();
  X11Options options = Options(*server);
  options.region = cv::Rect(300, 200, 100, 100);
  EXPECT_EQ(OpenError(options),
            "--region 300,200,100x100 does not fit on the 320x240" + screen_of);
  options.region = cv::Rect(-1, 0, 10, 10);
  EXPECT_EQ(OpenError(options),
            "--region -1,0,10x10 does not fit on the 320x240" + screen_of);
  options.region = cv::Rect(10, 10, 0, 5);
  EXPECT_EQ(OpenError(options),
            "--region 10,10,0x5 is empty (its width and height must be "
            "above 0)");
  options.window = "0x1234";
  EXPECT_EQ(OpenError(options),
            "--region and --window cannot be used together");
  options.window.reset();
  options.monitor = "0";
  EXPECT_EQ(OpenError(options),
            "--monitor cannot be used with --region or --window");
  options = Options(*server);
  options.fps = 0;
  EXPECT_EQ(OpenError(options), "--fps must be a rate above 0");
}

// An Xvfb that XvfbServer cannot start: with `extra` arguments (e.g.
// "-extension XFIXES" to leave XFixes out), run through `wrapper` (e.g.
// "unshare --ipc --": its own System V IPC namespace, as in a container).
// display() is "" if it did not start; the destructor stops it.
class CustomXvfb {
 public:
  CustomXvfb(std::vector<std::string> wrapper, std::vector<std::string> extra) {
    int ready[2];
    if (::pipe(ready) != 0) return;
    // Everything for the child is made before fork().
    std::vector<std::string> args = std::move(wrapper);
    for (const char* arg : {"Xvfb", "-displayfd", "", "-screen", "0",
                            "320x240x24", "-nolisten", "tcp", "-noreset"}) {
      args.push_back(arg);
    }
    args[args.size() - 7] = std::to_string(ready[1]);
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // gone with the test process
      ::close(ready[0]);
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, STDERR_FILENO);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(ready[1]);
    // Xvfb writes the number and the newline apart; closing the pipe before
    // the newline would make it fail.
    std::string text;
    char buffer[16];
    ssize_t n = 0;
    while (pid_ > 0 && text.find('\n') == std::string::npos &&
           (n = ::read(ready[0], buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<size_t>(n));
    }
    ::close(ready[0]);
    if (text.find('\n') != std::string::npos) {
      display_ = ":" + std::to_string(std::atoi(text.c_str()));
    }
  }
  CustomXvfb(const CustomXvfb&) = delete;
  CustomXvfb& operator=(const CustomXvfb&) = delete;
  ~CustomXvfb() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  const std::string& display() const { return display_; }

  // Whether the server still runs, or how it ended: for a failing test's
  // message (CursorNeedsXfixes once found no server at a display that had
  // just said it was ready, in 1 of ~50 loaded runs; this says why next
  // time).
  std::string Health() {
    if (pid_ <= 0) return "Xvfb did not start";
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == 0) return "Xvfb " + display_ + " still runs";
    if (done != pid_) return "Xvfb: waitpid failed";
    pid_ = -1;  // reaped
    return WIFSIGNALED(status)
               ? "Xvfb was killed by signal " + std::to_string(WTERMSIG(status))
               : "Xvfb exited with status " +
                     std::to_string(WEXITSTATUS(status));
  }

 private:
  pid_t pid_ = -1;
  std::string display_;
};

// MIT-SHM is there, but the server cannot attach our segment (it lives in
// another IPC namespace, as in a container): XGetImage takes over.
TEST(X11Source, ServerThatCannotAttachOurMemoryGetsCopies) {
  if (std::system("unshare --ipc true > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs unshare --ipc (root, or user namespaces)";
  }
  CustomXvfb server({"unshare", "--ipc", "--"}, {});
  ASSERT_FALSE(server.display().empty());
  Painter painter(server.display());
  const cv::Mat expected = PaintScene(painter);
  const size_t segments_before = OurShmSegments().size();
  X11Options options;
  options.display = server.display();
  auto source = OpenOk(options);
  ASSERT_TRUE(source);
  auto frame = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(expected, frame->pixels));
  EXPECT_EQ(frame->storage, nullptr);  // a copy
  // The segment the server could not attach is gone already.
  EXPECT_EQ(OurShmSegments().size(), segments_before);
}

TEST(X11Source, CursorNeedsXfixes) {
  CustomXvfb server({}, {"-extension", "XFIXES"});
  ASSERT_FALSE(server.display().empty());
  X11Options options;
  options.display = server.display();
  options.cursor = true;
  EXPECT_EQ(OpenError(options),
            "--cursor: X display " + server.display() +
                " has no XFixes extension (version 2 or later), so svgcast "
                "cannot see the pointer")
      << server.Health();
  options.cursor = false;  // the screen itself is fine
  EXPECT_TRUE(OpenOk(options)) << server.Health();
}

// ---------------------------------------------------------------------------
// On Xwayland, the X server of a Wayland session (Weston's, headless): the
// screen cannot be read there, only each X11 window's own pixels; a window
// is then its own pixels with the X windows above it painted over it.

std::unique_ptr<WestonXwayland> StartWeston() {
  std::unique_ptr<WestonXwayland> weston;
  const Status s = WestonXwayland::Start(kScreen, &weston);
  EXPECT_TRUE(s.ok()) << s.message();
  return weston;
}

TEST(X11SourceOnXwayland, TheScreenCannotBeReadAndSvgcastSaysWhy) {
  auto weston = StartWeston();
  ASSERT_TRUE(weston);
  X11Options options;
  options.display = weston->display();
  const std::string expected =
      "X display " + weston->display() +
      " is Xwayland (a Wayland session), where no X11 program can read the "
      "screen: record the desktop through its screen-cast portal (leave out "
      "--display: svgcast does so where WAYLAND_DISPLAY is set), one X11 "
      "program's window (--window NAME), or a command in a private display "
      "(svgcast record -o out.svg -- xterm)";
  EXPECT_EQ(OpenError(options), expected) << weston->log();
  options.region = cv::Rect(0, 0, 10, 10);
  EXPECT_EQ(OpenError(options), expected);
}

TEST(X11SourceOnXwayland, AWindowIsReadFromItsOwnPixels) {
  auto weston = StartWeston();
  ASSERT_TRUE(weston);
  Painter painter(weston->display());
  const std::string id = painter.Window({40, 30, 100, 60});
  ASSERT_FALSE(id.empty());
  const cv::Mat content = PaintWindow(painter);
  X11Options options;
  options.display = weston->display();
  options.fps = 1000;
  options.window = id;
  auto source = OpenOk(options);
  ASSERT_TRUE(source) << weston->log();
  EXPECT_EQ(source->frame_size(), cv::Size(100, 60));
  EXPECT_TRUE(SamePixels(content, CaptureOk(*source)->pixels));

  // Under another X window (a menu, a tooltip, another X11 program's
  // window): that painted over it, as the screen shows it.
  {
    Painter other(weston->display());
    other.Window({60, 40, 50, 30});
    other.Fill({0, 0, 50, 30}, 0x0000ff);
    cv::Mat covered = content.clone();
    FillExpected(covered, {20, 10, 50, 30}, 0x0000ff);
    EXPECT_TRUE(SamePixels(covered, CaptureOk(*source)->pixels));
    other.Do("close");
  }
  EXPECT_TRUE(SamePixels(content, CaptureOk(*source)->pixels));

  // Under an ARGB window (a menu with a shadow): blended over it as a
  // compositor blends it; where it is transparent, the window as it is.
  {
    Painter menu(weston->display());
    menu.Do("argb-window 60 40 50 30");
    menu.Do("fill 0 0 50 15 80800000");  // red at half alpha, premultiplied
    cv::Mat shaded = content.clone();
    const cv::Rect half(20, 10, 50, 15);  // of the window
    for (int y = half.y; y < half.br().y; ++y) {
      for (int x = half.x; x < half.br().x; ++x) {
        cv::Vec4b& pixel = shaded.at<cv::Vec4b>(y, x);
        for (int c = 0; c < 3; ++c) {
          pixel[c] = static_cast<uint8_t>((c == 2 ? 0x80 : 0) +
                                          (pixel[c] * 0x7f + 127) / 255);
        }
      }
    }
    EXPECT_TRUE(SamePixels(shaded, CaptureOk(*source)->pixels));
    menu.Do("close");
  }

  // Partly off the screen (at 260,200 only 60x40 of it is on it): the rest
  // is black, as when the screen is read.
  painter.Do("move 260 200");
  cv::Mat clipped(60, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  content(cv::Rect(0, 0, 60, 40)).copyTo(clipped(cv::Rect(0, 0, 60, 40)));
  const std::shared_ptr<Frame> last = CaptureOk(*source);
  EXPECT_TRUE(SamePixels(clipped, last->pixels));
  EXPECT_TRUE(ConstantXByte(last->pixels));

  // Hidden (minimized): the last frame again.
  painter.Do("hide");
  const std::shared_ptr<Frame> hidden = CaptureOk(*source);
  EXPECT_EQ(hidden->pixels.data, last->pixels.data);
  EXPECT_TRUE(SamePixels(clipped, hidden->pixels));

  // Shown again, and drawn on: what it shows now.
  painter.Do("show");
  painter.Do("move 10 10");
  painter.Fill({0, 0, 100, 60}, 0x336699);
  cv::Mat blue(60, 100, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  FillExpected(blue, {0, 0, 100, 60}, 0x336699);
  EXPECT_TRUE(SamePixels(blue, CaptureOk(*source)->pixels));

  painter.Do("close");
  Tick tick;
  ASSERT_TRUE(source->WaitForNextFrame(&tick));
  Frame frame;
  const Status s = source->Capture(&frame);
  EXPECT_TRUE(s.source_lost());
  EXPECT_EQ(s.message(), "window " + id + " was closed");
}

TEST(X11SourceOnXwayland, WindowsSvgcastCannotRecordSayWhy) {
  auto weston = StartWeston();
  ASSERT_TRUE(weston);
  Painter painter(weston->display());
  const std::string id = painter.Window({0, 0, 30, 20});
  painter.Do("hide");
  X11Options options;
  options.display = weston->display();
  options.window = id;
  EXPECT_EQ(OpenError(options),
            "--window " + id +
                ": the window is not shown (minimized, or not mapped yet) on "
                "X display " +
                weston->display());
  // A Wayland program's window is not an X window.
  options.window = "a Wayland program";
  EXPECT_EQ(OpenError(options),
            "--window \"a Wayland program\": no window on X display " +
                weston->display() +
                " has that name or a name containing it (it is Xwayland: a "
                "Wayland program's windows are not there)");
}

}  // namespace
}  // namespace svgcast::test
