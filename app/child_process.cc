#include "app/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <sys/prctl.h>
#include <sys/wait.h>

extern char** environ;

namespace svgcast {

Status ChildProcess::Start(
    const std::vector<std::string>& argv,
    const std::map<std::string, std::string>& environment,
    std::unique_ptr<ChildProcess>* child) {
  if (argv.empty()) return Status::Error("no command to run");
  // Prepare everything before fork(): after it, only async-signal-safe
  // calls until exec.
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('='));
    if (environment.count(key) == 0) env.push_back(entry);
  }
  for (const auto& [key, value] : environment) env.push_back(key + "=" + value);
  std::vector<char*> env_pointers;
  for (std::string& entry : env) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);

  // exec's errno comes back through a close-on-exec pipe: EOF means the
  // command started.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return Status::FromErrno("cannot start '" + argv[0] + "'", errno);
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(report[0]);
    ::close(report[1]);
    return Status::FromErrno("cannot start '" + argv[0] + "'", error);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // svgcast blocks SIGINT/SIGTERM (a watcher thread takes them) and
    // ignores SIGPIPE; the program we start gets the defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::execvpe(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    const int error = errno;
    (void)!::write(report[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(report[1]);
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 &&
         errno == EINTR) {
  }
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return Status::FromErrno("cannot start '" + argv[0] + "'", exec_errno);
  }
  child->reset(new ChildProcess(pid, argv[0]));
  return Status::Ok();
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::ReapLocked(int options) {
  if (status_) return true;
  int status = 0;
  pid_t done;
  while ((done = ::waitpid(pid_, &status, options)) < 0 && errno == EINTR) {
  }
  if (done != pid_) return false;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool ChildProcess::Exited() {
  std::lock_guard lock(mutex_);
  return ReapLocked(WNOHANG);
}

std::optional<int> ChildProcess::exit_status() {
  std::lock_guard lock(mutex_);
  ReapLocked(WNOHANG);
  return status_;
}

void ChildProcess::Stop() {
  std::lock_guard lock(mutex_);
  if (!ReapLocked(WNOHANG)) {
    ::kill(-pid_, SIGTERM);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!ReapLocked(WNOHANG) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!ReapLocked(WNOHANG)) {
      ::kill(-pid_, SIGKILL);
      ReapLocked(0);
    }
  }
  // Whatever the command left running in its group goes too.
  ::kill(-pid_, SIGKILL);
}

}  // namespace svgcast
