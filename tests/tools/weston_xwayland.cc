// WestonXwayland (see weston_xwayland.h).
#include "tests/tools/weston_xwayland.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char** environ;

namespace svgcast::test {
namespace {

constexpr int kReadyTimeoutS = 20;

// What Weston's Xwayland module logs once it listens.
constexpr char kListening[] = "xserver listening on display :";

}  // namespace

Status WestonXwayland::Start(cv::Size size,
                             std::unique_ptr<WestonXwayland>* weston) {
  char folder[] = "/tmp/svgcast-weston-XXXXXX";  // mkdtemp makes it 0700
  if (::mkdtemp(folder) == nullptr) {
    return Status::FromErrno("cannot make Weston's runtime folder", errno);
  }
  int log[2];
  if (::pipe2(log, O_CLOEXEC) != 0) {
    const int error = errno;
    ::rmdir(folder);
    return Status::FromErrno("cannot start Weston", error);
  }
  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls until exec.
  std::vector<std::string> args = {"weston",
                                   "--backend=headless-backend.so",
                                   "--xwayland",
                                   "--no-config",
                                   "--idle-time=0",
                                   "--socket=wayland-svgcast",
                                   "--width=" + std::to_string(size.width),
                                   "--height=" + std::to_string(size.height)};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("DISPLAY=", 0) != 0 &&
        entry.rfind("WAYLAND_DISPLAY=", 0) != 0 &&
        entry.rfind("XDG_RUNTIME_DIR=", 0) != 0) {
      env_strings.push_back(entry);
    }
  }
  env_strings.push_back(std::string("XDG_RUNTIME_DIR=") + folder);
  std::vector<char*> env;
  for (std::string& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(log[0]);
    ::close(log[1]);
    ::rmdir(folder);
    return Status::FromErrno("cannot start Weston", error);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(log[1], STDOUT_FILENO);
    ::dup2(log[1], STDERR_FILENO);
    ::setpgid(0, 0);  // stopped as a group: Weston, Xwayland, its clients
    ::execvpe(argv[0], argv.data(), env.data());
    ::_exit(127);
  }
  ::close(log[1]);
  ::setpgid(pid, pid);  // also from here, so that kill(-pid) never misses

  std::unique_ptr<WestonXwayland> started(
      new WestonXwayland(pid, folder, log[0]));
  std::unique_lock<std::mutex> lock(started->mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(kReadyTimeoutS);
  size_t at = std::string::npos;
  while ((at = started->log_.find(kListening)) == std::string::npos &&
         !started->log_ended_) {
    if (started->log_grew_.wait_until(lock, deadline) ==
        std::cv_status::timeout) {
      break;
    }
  }
  if (at == std::string::npos) {
    const std::string text = started->log_;
    lock.unlock();
    started.reset();  // stops it
    if (text.empty()) {
      return Status::Error(
          "cannot start Weston (install the weston and xwayland packages)");
    }
    return Status::Error("Weston did not start Xwayland within " +
                         std::to_string(kReadyTimeoutS) + " s: " + text);
  }
  started->display_ =
      ":" + std::to_string(std::atoi(started->log_.c_str() + at +
                                     std::strlen(kListening)));
  lock.unlock();
  *weston = std::move(started);
  return Status::Ok();
}

WestonXwayland::WestonXwayland(pid_t pid, std::string runtime_folder,
                               int log_fd)
    : pid_(pid),
      runtime_folder_(std::move(runtime_folder)),
      reader_([this, log_fd] { ReadLog(log_fd); }) {}

void WestonXwayland::ReadLog(int fd) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(mutex_);
    log_.append(buffer, static_cast<size_t>(n));
    log_grew_.notify_all();
  }
  ::close(fd);
  std::lock_guard<std::mutex> lock(mutex_);
  log_ended_ = true;
  log_grew_.notify_all();
}

WestonXwayland::~WestonXwayland() {
  ::kill(-pid_, SIGTERM);  // the group: Xwayland and the clients too
  // Weston is waited for but not reaped yet, so that its pid (the group's
  // id) cannot be another process's when the rest of the group, whatever
  // still holds the log open, is killed.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) <
             0 &&
         errno == EINTR) {
  }
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reader_.join();
  std::error_code ignored;
  std::filesystem::remove_all(runtime_folder_, ignored);
}

std::string WestonXwayland::log() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_;
}

}  // namespace svgcast::test
