#include "capture/xvfb_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

namespace svgcast {
namespace {

constexpr int kReadyTimeoutMs = 15000;

// Waits up to `timeout_ms` for the child to exit; true if it did.
bool WaitForExit(pid_t pid, int timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// True when a Unix socket at `path` exists but nobody listens on it.
bool IsStaleSocket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int connected =
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int error = errno;
  ::close(fd);
  return connected != 0 && error == ECONNREFUSED;
}

// Removes what a server that could not clean up (killed) leaves behind:
// its socket, if nobody listens there any more, and a lock file holding
// its pid (Xvfb writes none with -displayfd, but an older one may).
void RemoveLeftovers(int number, pid_t pid) {
  const std::string socket = "/tmp/.X11-unix/X" + std::to_string(number);
  if (IsStaleSocket(socket)) ::unlink(socket.c_str());
  const std::string lock = "/tmp/.X" + std::to_string(number) + "-lock";
  std::ifstream in(lock);
  long owner = -1;
  if (in >> owner && owner == pid) ::unlink(lock.c_str());
}

}  // namespace

Status XvfbServer::Start(const XvfbOptions& options,
                         std::unique_ptr<XvfbServer>* server) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    return Status::FromErrno("cannot start Xvfb", errno);
  }
  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls until exec.
  const std::string fd_arg = std::to_string(ready[1]);
  const std::string screen = std::to_string(options.size.width) + "x" +
                             std::to_string(options.size.height) + "x" +
                             std::to_string(options.depth);
  std::vector<std::string> args = {"Xvfb", "-displayfd", fd_arg, "-screen", "0",
                                   screen, "-nolisten",  "tcp",  "-noreset"};
  if (!options.shared_memory) {
    args.push_back("-extension");
    args.push_back("MIT-SHM");
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(ready[0]);
    ::close(ready[1]);
    return Status::FromErrno("cannot start Xvfb", error);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // svgcast blocks SIGINT/SIGTERM (a watcher thread takes them) and
    // ignores SIGPIPE; the program we start gets the defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    ::fcntl(ready[1], F_SETFD, 0);            // keep the ready fd open
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, STDIN_FILENO);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    ::setpgid(0, 0);  // a terminal's Ctrl-C goes to svgcast, not to Xvfb
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(ready[1]);

  // Xvfb writes "<display number>\n" once it accepts connections; EOF means
  // it exited first.
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(kReadyTimeoutMs);
  while (text.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd fd{ready[0], POLLIN, 0};
    if (left <= 0 || ::poll(&fd, 1, static_cast<int>(left)) == 0) break;
    char buffer[32];
    const ssize_t n = ::read(ready[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(ready[0]);
  if (text.find('\n') == std::string::npos) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      return Status::Error(
          "cannot start Xvfb: not found (install the xvfb package)");
    }
    return Status::Error(
        "cannot start Xvfb: it exited or did not get ready "
        "within " +
        std::to_string(kReadyTimeoutMs / 1000) + " s");
  }
  server->reset(new XvfbServer(pid, std::atoi(text.c_str())));
  return Status::Ok();
}

XvfbServer::XvfbServer(pid_t pid, int number)
    : pid_(pid), number_(number), display_(":" + std::to_string(number)) {}

XvfbServer::~XvfbServer() { Stop(); }

void XvfbServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  ::kill(pid_, SIGTERM);
  if (!WaitForExit(pid_, 3000)) {
    ::kill(pid_, SIGKILL);
    WaitForExit(pid_, 3000);
  }
  RemoveLeftovers(number_, pid_);
}

}  // namespace svgcast
