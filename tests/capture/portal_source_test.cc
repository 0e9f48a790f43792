// OpenPortalSource against a private Wayland desktop (PortalDesktop: a
// session bus, PipeWire and WirePlumber of its own, and fake_portal as the
// desktop's screen-cast portal): the monitor's pictures come back exactly
// (BGRx and RGBx streams), a region of it, and every way it can go wrong
// says so in one line: no bus, no portal, the user says no, a region off the
// monitor, sharing stopped, the stream gone. Nothing sleeps: fake_portal
// answers a drawing once the reader has given its buffer back, so the next
// frame has it; only the ends of a cast, which reach the source on their
// own, are waited for frame by frame.
#include "capture/portal_source.h"

#include <stdlib.h>

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "tests/test_util.h"
#include "tests/tools/portal_desktop.h"

namespace svgcast::test {
namespace {

// DBUS_SESSION_BUS_ADDRESS of this process for the length of a test.
class BusAddress {
 public:
  explicit BusAddress(const std::string& address) {
    if (const char* old = std::getenv("DBUS_SESSION_BUS_ADDRESS")) {
      saved_ = old;
    }
    ::setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
  }
  ~BusAddress() {
    if (saved_) {
      ::setenv("DBUS_SESSION_BUS_ADDRESS", saved_->c_str(), 1);
    } else {
      ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }
  }

 private:
  std::optional<std::string> saved_;
};

std::unique_ptr<PortalDesktop> StartDesktop(PortalDesktop::Options options) {
  std::unique_ptr<PortalDesktop> desktop;
  const Status s = PortalDesktop::Start(options, &desktop);
  EXPECT_TRUE(s.ok()) << s.message();
  return desktop;
}

// BGRX of an RRGGBB colour, as svgcast's frames hold it.
cv::Scalar Bgrx(uint32_t rgb) {
  return cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 255);
}

Status Capture(FrameSource& source, Frame* frame) {
  Tick tick;
  if (!source.WaitForNextFrame(&tick)) return Status::Error("ended");
  return source.Capture(frame);
}

// Draws on the desktop's monitor and checks the next frame shows exactly
// `expected` after it.
void CheckPictures(const std::string& format) {
  const cv::Size size(160, 120);
  auto desktop = StartDesktop({size, format, true});
  ASSERT_NE(desktop, nullptr);
  cv::Mat expected = SolidFrame(size, Bgrx(0));
  // Before anybody reads: the stream's first picture.
  EXPECT_EQ(desktop->Fill({10, 20, 30, 40}, 0xff8000), "ok later");
  expected(cv::Rect(10, 20, 30, 40)).setTo(Bgrx(0xff8000));

  BusAddress bus(desktop->bus_address());
  std::unique_ptr<FrameSource> source;
  const Status opened = OpenPortalSource({}, &source);
  ASSERT_TRUE(opened.ok()) << opened.message() << "\n" << desktop->logs();
  EXPECT_EQ(source->frame_size(), size);
  EXPECT_EQ(source->frame_count(), std::nullopt);
  Frame first;
  ASSERT_TRUE(Capture(*source, &first).ok());
  EXPECT_TRUE(SamePixels(expected, first.pixels));

  const cv::Rect boxes[] = {{0, 0, 5, 5}, {150, 100, 10, 20}, {40, 60, 80, 1}};
  const uint32_t colours[] = {0x123456, 0xfedcba, 0x00ff7f};
  int64_t last_us = first.timestamp_us;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(desktop->Fill(boxes[i], colours[i]), "ok read");
    expected(boxes[i]).setTo(Bgrx(colours[i]));
    Frame frame;
    ASSERT_TRUE(Capture(*source, &frame).ok());
    EXPECT_TRUE(SamePixels(expected, frame.pixels))
        << "drawing " << i << "\n"
        << desktop->logs();
    EXPECT_GT(frame.timestamp_us, last_us);
    last_us = frame.timestamp_us;
  }
  // The first frame still holds its own picture (frames are immutable;
  // a new picture is new memory).
  cv::Mat original = SolidFrame(size, Bgrx(0));
  original(cv::Rect(10, 20, 30, 40)).setTo(Bgrx(0xff8000));
  EXPECT_TRUE(SamePixels(original, first.pixels));
}

TEST(PortalSource, FramesAreTheMonitorsPicturesExactly) {
  CheckPictures("BGRx");
}

TEST(PortalSource, RgbStreamsComeBackInTheirColours) {
  CheckPictures("RGBx");
}

TEST(PortalSource, RegionIsThatPartOfTheMonitor) {
  auto desktop = StartDesktop({{160, 120}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Fill({0, 0, 160, 120}, 0x202020);
  desktop->Fill({50, 40, 10, 10}, 0xff0000);
  BusAddress bus(desktop->bus_address());
  PortalOptions options;
  options.region = cv::Rect(45, 35, 30, 20);
  std::unique_ptr<FrameSource> source;
  const Status opened = OpenPortalSource(options, &source);
  ASSERT_TRUE(opened.ok()) << opened.message() << "\n" << desktop->logs();
  EXPECT_EQ(source->frame_size(), cv::Size(30, 20));
  cv::Mat expected = SolidFrame({30, 20}, Bgrx(0x202020));
  expected(cv::Rect(5, 5, 10, 10)).setTo(Bgrx(0xff0000));
  Frame frame;
  ASSERT_TRUE(Capture(*source, &frame).ok());
  EXPECT_TRUE(SamePixels(expected, frame.pixels));
  EXPECT_TRUE(frame.pixels.isContinuous());

  source.reset();
  options.region = cv::Rect(150, 100, 30, 30);
  const Status outside = OpenPortalSource(options, &source);
  EXPECT_EQ(outside.message(),
            "--region 150,100,30x30 does not fit on the 160x120 monitor the "
            "desktop shares");
}

TEST(PortalSource, WhenTheDesktopDoesNotShareItSaysWhy) {
  {
    auto desktop = StartDesktop({{160, 120}, "BGRx", true});
    ASSERT_NE(desktop, nullptr);
    BusAddress bus(desktop->bus_address());
    desktop->Do("refuse");
    std::unique_ptr<FrameSource> source;
    const Status refused = OpenPortalSource({}, &source);
    EXPECT_EQ(refused.message(),
              "the desktop did not share the screen (its dialog was "
              "cancelled)");
    EXPECT_EQ(source, nullptr);
    // Asked again, it shares.
    EXPECT_TRUE(OpenPortalSource({}, &source).ok());
  }
  {
    auto desktop = StartDesktop({{160, 120}, "BGRx", false});
    ASSERT_NE(desktop, nullptr);
    BusAddress bus(desktop->bus_address());
    std::unique_ptr<FrameSource> source;
    const Status missing = OpenPortalSource({}, &source);
    EXPECT_EQ(missing.message().rfind(
                  "no screen-cast portal on the D-Bus session bus (", 0),
              0u)
        << missing.message();
    EXPECT_NE(missing.message().find("xdg-desktop-portal"), std::string::npos);
  }
  {
    TempDir dir;
    BusAddress bus("unix:path=" + dir.File("no-bus"));
    std::unique_ptr<FrameSource> source;
    const Status no_bus = OpenPortalSource({}, &source);
    EXPECT_EQ(no_bus.message().rfind("no D-Bus session bus (", 0), 0u)
        << no_bus.message();
  }
}

// Captures until the source reports an end (at most 2,000 frames).
Status CaptureUntilLost(FrameSource& source) {
  for (int i = 0; i < 2000; ++i) {
    Frame frame;
    if (Status s = Capture(source, &frame); !s.ok()) return s;
  }
  return Status::Ok();
}

// Opens the desktop's cast at 500 fps (the ends below are waited for frame
// by frame) and captures its first frame; null on failure.
std::unique_ptr<FrameSource> OpenFastAndCapture(PortalDesktop& desktop) {
  PortalOptions options;
  options.fps = 500;
  std::unique_ptr<FrameSource> source;
  const Status opened = OpenPortalSource(options, &source);
  EXPECT_TRUE(opened.ok()) << opened.message() << "\n" << desktop.logs();
  Frame frame;
  if (!opened.ok() || !Capture(*source, &frame).ok()) return nullptr;
  return source;
}

TEST(PortalSource, SharingStoppedOrTheStreamGoneEndsTheRecording) {
  for (const std::string end : {"close", "stop"}) {
    auto desktop = StartDesktop({{160, 120}, "BGRx", true});
    ASSERT_NE(desktop, nullptr);
    BusAddress bus(desktop->bus_address());
    std::unique_ptr<FrameSource> source = OpenFastAndCapture(*desktop);
    ASSERT_NE(source, nullptr);
    desktop->Do(end);
    const Status lost = CaptureUntilLost(*source);
    EXPECT_TRUE(lost.source_lost()) << end << ": " << lost.message();
    EXPECT_EQ(lost.message(),
              end == "close"
                  ? "the desktop ended the screen cast (sharing was stopped)"
                  : "the screen cast ended (the desktop removed its "
                    "PipeWire stream)")
        << end;
  }
}

// With the pointer asked for, it comes beside the pictures (the portal's
// metadata cursor mode, which fake_portal offers), as X11's XFixes gives
// it: where its hotspot is, its image (premultiplied there, straight here)
// once per shape, hidden or off the frame as not visible.
TEST(PortalSource, PointerComesBesideThePictures) {
  auto desktop = StartDesktop({{160, 120}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  desktop->Fill({0, 0, 160, 120}, 0x102030);
  BusAddress bus(desktop->bus_address());
  PortalOptions options;
  options.cursor = true;
  std::unique_ptr<FrameSource> source;
  const Status opened = OpenPortalSource(options, &source);
  ASSERT_TRUE(opened.ok()) << opened.message() << "\n" << desktop->logs();
  const cv::Mat screen = SolidFrame({160, 120}, Bgrx(0x102030));
  Frame frame;
  ASSERT_TRUE(Capture(*source, &frame).ok());
  EXPECT_FALSE(frame.cursor.has_value());  // not known yet

  EXPECT_EQ(desktop->Do("cursor 30 20"), "ok read");
  ASSERT_TRUE(Capture(*source, &frame).ok());
  EXPECT_TRUE(SamePixels(screen, frame.pixels));  // a buffer with no picture
  ASSERT_TRUE(frame.cursor.has_value());
  const CursorSample first = *frame.cursor;
  EXPECT_TRUE(first.visible);
  EXPECT_EQ(first.position, cv::Point(30, 20));
  EXPECT_EQ(first.hotspot, cv::Point(1, 2));
  ASSERT_EQ(first.image.size(), cv::Size(4, 4));
  ASSERT_EQ(first.image.type(), CV_8UC4);
  EXPECT_EQ(first.image.at<cv::Vec4b>(0, 0), cv::Vec4b(0, 0, 255, 255));
  EXPECT_EQ(first.image.at<cv::Vec4b>(0, 1), cv::Vec4b(255, 0, 0, 255));
  EXPECT_EQ(first.image.at<cv::Vec4b>(0, 2), cv::Vec4b(255, 255, 255, 128));
  EXPECT_EQ(first.image.at<cv::Vec4b>(0, 3)[3], 0);

  EXPECT_EQ(desktop->Do("cursor 70 50"), "ok read");
  ASSERT_TRUE(Capture(*source, &frame).ok());
  ASSERT_TRUE(frame.cursor.has_value());
  EXPECT_EQ(frame.cursor->position, cv::Point(70, 50));
  EXPECT_EQ(frame.cursor->shape_serial, first.shape_serial);  // same image
  EXPECT_EQ(frame.cursor->image.data, first.image.data);
  EXPECT_TRUE(frame.cursor->visible);

  EXPECT_EQ(desktop->Do("cursor hide"), "ok read");
  ASSERT_TRUE(Capture(*source, &frame).ok());
  ASSERT_TRUE(frame.cursor.has_value());
  EXPECT_FALSE(frame.cursor->visible);

  EXPECT_EQ(desktop->Do("cursor 200 50"), "ok read");  // off the monitor
  ASSERT_TRUE(Capture(*source, &frame).ok());
  ASSERT_TRUE(frame.cursor.has_value());
  EXPECT_FALSE(frame.cursor->visible);
  EXPECT_NE(frame.cursor->shape_serial, first.shape_serial);  // sent again

  // A picture after it: the pointer stays where it was.
  EXPECT_EQ(desktop->Fill({0, 0, 8, 8}, 0xffffff), "ok read");
  ASSERT_TRUE(Capture(*source, &frame).ok());
  ASSERT_TRUE(frame.cursor.has_value());
  EXPECT_EQ(frame.cursor->position, cv::Point(200, 50));
}

// A monitor whose size changes mid-recording (a new mode, a rotation): the
// SVG's size is fixed, so the recording ends there, keeping what it has.
TEST(PortalSource, MonitorChangingSizeEndsTheRecording) {
  auto desktop = StartDesktop({{160, 120}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  BusAddress bus(desktop->bus_address());
  std::unique_ptr<FrameSource> source = OpenFastAndCapture(*desktop);
  ASSERT_NE(source, nullptr);
  desktop->Do("size 200 100");
  desktop->Fill({0, 0, 10, 10}, 0xffffff);
  const Status lost = CaptureUntilLost(*source);
  EXPECT_TRUE(lost.source_lost()) << lost.message();
  EXPECT_EQ(lost.message(),
            "the shared monitor changed size from 160x120 to 200x100");
}

// With a file to keep it in, the desktop's answer is remembered (the
// portal's restore token) and given back next time, so that the desktop
// need not ask again; `ask_again` leaves it out. Without a file nothing is
// asked to persist.
TEST(PortalSource, TheDesktopsAnswerIsRemembered) {
  auto desktop = StartDesktop({{160, 120}, "BGRx", true});
  ASSERT_NE(desktop, nullptr);
  BusAddress bus(desktop->bus_address());
  TempDir dir;
  PortalOptions options;
  options.restore_token_file = dir.File("state/svgcast/screencast-token");
  const auto open = [&] {
    std::unique_ptr<FrameSource> source;
    const Status s = OpenPortalSource(options, &source);
    EXPECT_TRUE(s.ok()) << s.message();
  };
  open();
  EXPECT_EQ(desktop->Do("token"), "ok none");
  EXPECT_EQ(ReadFile(options.restore_token_file), "fake-token-1\n");
  open();
  EXPECT_EQ(desktop->Do("token"), "ok fake-token-1");
  EXPECT_EQ(ReadFile(options.restore_token_file), "fake-token-2\n");
  options.ask_again = true;
  open();
  EXPECT_EQ(desktop->Do("token"), "ok none");
  EXPECT_EQ(ReadFile(options.restore_token_file), "fake-token-3\n");
  const std::string file = options.restore_token_file;
  options = PortalOptions();
  open();
  EXPECT_EQ(desktop->Do("token"), "ok none");
  EXPECT_EQ(ReadFile(file), "fake-token-3\n");  // no token given
}

}  // namespace
}  // namespace svgcast::test
