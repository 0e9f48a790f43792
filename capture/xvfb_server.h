// XvfbServer: a private virtual X display for the life of the object. Xvfb
// picks a free display number itself (-displayfd) and tells us once it
// accepts connections; the destructor stops it (SIGTERM, then SIGKILL if it
// lingers), reaps it and removes its socket (and lock file, if any) when it
// left them behind. Xvfb is started with PR_SET_PDEATHSIG, so it also goes away
// when svgcast is killed outright.
//
// Threading: create and destroy on one thread; display() and pid() are
// constant and may be read from any thread.
#ifndef SVGCAST_CAPTURE_XVFB_SERVER_H_
#define SVGCAST_CAPTURE_XVFB_SERVER_H_

#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <sys/types.h>

#include "capture/status.h"

namespace svgcast {

struct XvfbOptions {
  cv::Size size{1280, 720};
  int depth = 24;
  // Off: start Xvfb without the MIT-SHM extension (as a remote display or a
  // container often is), to exercise the XGetImage fallback.
  bool shared_memory = true;
};

class XvfbServer {
 public:
  // Starts Xvfb (found on PATH) and waits until it is ready.
  static Status Start(const XvfbOptions& options,
                      std::unique_ptr<XvfbServer>* server);

  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;
  ~XvfbServer();

  // ":<n>", for DISPLAY.
  const std::string& display() const { return display_; }
  int display_number() const { return number_; }
  pid_t pid() const { return pid_; }

  // Stops the server now (idempotent); the destructor calls it.
  void Stop();

 private:
  XvfbServer(pid_t pid, int number);

  const pid_t pid_;
  const int number_;
  const std::string display_;
  bool stopped_ = false;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_XVFB_SERVER_H_
