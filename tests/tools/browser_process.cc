#include "tests/tools/browser_process.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <sys/wait.h>

extern char** environ;

namespace svgcast::test {

std::string BrowserProcess::Find(std::initializer_list<const char*> paths) {
  for (const char* path : paths) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

BrowserProcess::~BrowserProcess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!profile_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(profile_, ignored);
  }
}

Status BrowserProcess::MakeProfile(const std::string& name) {
  std::string folder = "/tmp/svgcast-" + name + "-XXXXXX";
  if (::mkdtemp(folder.data()) == nullptr) {
    return Status::FromErrno("mkdtemp", errno);
  }
  profile_ = folder;
  return Status::Ok();
}

Status BrowserProcess::Spawn(
    const std::vector<std::string>& argv,
    const std::function<void(posix_spawn_file_actions_t*)>& redirect,
    const std::vector<std::string>& env) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // This environment, less what `env` replaces, then `env`.
  std::vector<char*> variables;
  for (char** v = environ; *v != nullptr; ++v) {
    const std::string_view name(*v, std::strcspn(*v, "="));
    const bool replaced =
        std::any_of(env.begin(), env.end(), [&](const std::string& e) {
          return e.size() > name.size() &&
                 e.compare(0, name.size(), name) == 0 && e[name.size()] == '=';
        });
    if (!replaced) variables.push_back(*v);
  }
  for (const std::string& e : env) {
    variables.push_back(const_cast<char*>(e.c_str()));
  }
  variables.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  redirect(&actions);
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  // Its own process group, so the browser's helpers die with it.
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(),
                                  variables.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (error != 0) {
    return Status::Error(argv[0] + ": cannot start: " + std::strerror(error));
  }
  pid_ = pid;
  return Status::Ok();
}

}  // namespace svgcast::test
