// WestonXwayland: a private Wayland session for the tests, with the X
// server such sessions give X11 programs. Weston (headless: no screen, no
// GPU) runs with its Xwayland module on a display of its own, as GNOME's
// and KDE's Wayland sessions (Debian 12's default desktop) do: X11 programs
// connect to an Xwayland that cannot show them the screen, only their own
// windows. Needs the weston and xwayland packages.
//
// Weston runs in a runtime folder of its own (XDG_RUNTIME_DIR, removed
// afterwards) and its own process group, and dies with the test process
// (PR_SET_PDEATHSIG). A thread of the object reads Weston's log (its
// standard error, Xwayland's too), which says which display Xwayland
// listens on; Start() returns once it has said so. Xwayland itself starts
// when the first X client connects (XOpenDisplay waits for it).
//
// Threading: create, use and destroy on one thread; display() may be read
// from any thread. The log thread is joined by the destructor.
#ifndef SVGCAST_TESTS_TOOLS_WESTON_XWAYLAND_H_
#define SVGCAST_TESTS_TOOLS_WESTON_XWAYLAND_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <opencv2/core.hpp>
#include <sys/types.h>

#include "capture/status.h"

namespace svgcast::test {

class WestonXwayland {
 public:
  // Starts Weston with an output of `size` and waits (at most 20 s) until
  // its Xwayland display is known.
  static Status Start(cv::Size size, std::unique_ptr<WestonXwayland>* weston);

  WestonXwayland(const WestonXwayland&) = delete;
  WestonXwayland& operator=(const WestonXwayland&) = delete;
  // Stops Weston and everything it started (its process group), reaps it,
  // joins the log thread and removes the runtime folder.
  ~WestonXwayland();

  // ":<n>", for DISPLAY.
  const std::string& display() const { return display_; }
  // Weston's log so far (for a failing test's message).
  std::string log() const;

 private:
  WestonXwayland(pid_t pid, std::string runtime_folder, int log_fd);
  void ReadLog(int fd);

  const pid_t pid_;
  const std::string runtime_folder_;
  std::string display_;  // set by Start() before anyone else reads it
  mutable std::mutex mutex_;
  std::condition_variable log_grew_;
  std::string log_;         // guarded by mutex_
  bool log_ended_ = false;  // guarded by mutex_
  std::thread reader_;
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_WESTON_XWAYLAND_H_
