// BrowserProcess: a browser's process and its profile folder, for the
// browser drivers (tests/tools/chromium.h, firefox.h, webkit.h): the
// binary found, a fresh profile folder, the process started in its own
// process group (so that its helper processes die with it), and, on
// destruction, the group killed, the process reaped and the folder removed.
//
// Threading: use one object from one thread.
#ifndef SVGCAST_TESTS_TOOLS_BROWSER_PROCESS_H_
#define SVGCAST_TESTS_TOOLS_BROWSER_PROCESS_H_

#include <spawn.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <sys/types.h>

#include "capture/status.h"

namespace svgcast::test {

class BrowserProcess {
 public:
  // The first of `paths` that may be run, or "".
  static std::string Find(std::initializer_list<const char*> paths);

  BrowserProcess() = default;
  BrowserProcess(const BrowserProcess&) = delete;
  BrowserProcess& operator=(const BrowserProcess&) = delete;
  ~BrowserProcess();

  // A fresh folder, /tmp/svgcast-<name>-XXXXXX.
  Status MakeProfile(const std::string& name);
  const std::string& profile() const { return profile_; }

  // Starts argv[0] with `argv`, in this process's environment with `env`
  // ("NAME=value") added or replacing; `redirect` adds the file actions
  // (its standard output and error, extra descriptors). Once.
  Status Spawn(const std::vector<std::string>& argv,
               const std::function<void(posix_spawn_file_actions_t*)>& redirect,
               const std::vector<std::string>& env = {});

 private:
  pid_t pid_ = -1;
  std::string profile_;
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_BROWSER_PROCESS_H_
