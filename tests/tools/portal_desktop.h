// PortalDesktop: what a screen recorder meets on a Wayland desktop, private
// to one test: a D-Bus session bus, a PipeWire daemon with its session
// manager (WirePlumber, which links a reader's stream to the monitor's),
// and tests/tools/fake_portal serving the screen-cast portal with a
// "monitor" the test paints (see there for its commands). The portal is
// the one stand-in: bus, daemon and streams are Debian's own (packages
// dbus-daemon, pipewire, wireplumber).
//
// Everything runs in a runtime folder of its own (XDG_RUNTIME_DIR, removed
// afterwards), dies with the test process (PR_SET_PDEATHSIG) and is
// stopped and reaped by the destructor. Readiness is known, never guessed:
// the bus prints its address once it listens, PipeWire gets its socket
// already listening (socket activation, LISTEN_FDS), and fake_portal says
// "ready" once it serves.
//
// Threading: create, use and destroy on one thread.
#ifndef SVGCAST_TESTS_TOOLS_PORTAL_DESKTOP_H_
#define SVGCAST_TESTS_TOOLS_PORTAL_DESKTOP_H_

#include <stdio.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <sys/types.h>

#include "capture/status.h"

namespace svgcast::test {

class PortalDesktop {
 public:
  struct Options {
    cv::Size size{160, 120};  // of the monitor
    std::string format = "BGRx";  // or "RGBx": the stream's pixel format
    bool portal = true;           // false: a bus without the portal
  };
  static Status Start(const Options& options,
                      std::unique_ptr<PortalDesktop>* desktop);

  PortalDesktop(const PortalDesktop&) = delete;
  PortalDesktop& operator=(const PortalDesktop&) = delete;
  ~PortalDesktop();

  // The environment a program of this desktop has: the bus, the runtime
  // folder, a WAYLAND_DISPLAY (no compositor answers there: svgcast only
  // looks at whether it is set) and no DISPLAY.
  std::map<std::string, std::string> env() const;
  const std::string& bus_address() const { return bus_address_; }

  // One fake_portal command; its reply.
  std::string Do(const std::string& command);
  // "fill X Y W H RRGGBB"; the reply.
  std::string Fill(cv::Rect r, uint32_t rgb);

  // The daemons' logs so far, for a failing test's message.
  std::string logs() const;

 private:
  PortalDesktop() = default;
  Status Spawn(const std::vector<std::string>& args, int stdin_fd,
               int stdout_fd, int listen_fd, const std::string& log);

  std::string folder_;
  std::string bus_address_;
  std::vector<pid_t> pids_;
  int to_portal_ = -1;
  FILE* from_portal_ = nullptr;
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_PORTAL_DESKTOP_H_
