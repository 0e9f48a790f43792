// ChildProcess: the command `svgcast record -- CMD ARGS...` runs. It starts
// in its own process group (so a terminal's Ctrl-C reaches svgcast, which
// then ends the recording and stops the command itself), with extra
// environment variables (DISPLAY), stdin from /dev/null and stdout sent to
// stderr (svgcast's stdout may be the SVG). It dies with svgcast
// (PR_SET_PDEATHSIG). A command that cannot be started is reported by
// Start(), with the reason exec gave.
//
// Threading: Start() and the destructor on the owning thread; Exited() and
// exit_status() are thread-safe (the capture thread polls Exited()).
#ifndef SVGCAST_APP_CHILD_PROCESS_H_
#define SVGCAST_APP_CHILD_PROCESS_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "capture/status.h"

namespace svgcast {

class ChildProcess {
 public:
  static Status Start(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& environment,
                      std::unique_ptr<ChildProcess>* child);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Stops the command (its whole process group) if it still runs.
  ~ChildProcess();

  // Thread-safe, non-blocking: has the command exited?
  bool Exited();
  // Thread-safe: the exit status once Exited(): the code, or 128 + signal.
  std::optional<int> exit_status();

  // Sends SIGTERM to the group, waits a little, then SIGKILL; reaps.
  void Stop();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

 private:
  ChildProcess(pid_t pid, std::string name)
      : pid_(pid), name_(std::move(name)) {}
  bool ReapLocked(int options);

  const pid_t pid_;
  const std::string name_;
  std::mutex mutex_;
  std::optional<int> status_;  // guarded by mutex_
};

}  // namespace svgcast

#endif  // SVGCAST_APP_CHILD_PROCESS_H_
