// PortalDesktop (see portal_desktop.h).
#include "tests/tools/portal_desktop.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

extern char** environ;

namespace svgcast::test {
namespace {

// Reads one line (without its newline) from `fd`, unbuffered; false at the
// end of input.
bool ReadLine(int fd, std::string* line) {
  line->clear();
  char c;
  for (;;) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return !line->empty();
    if (c == '\n') return true;
    line->push_back(c);
  }
}

}  // namespace

Status PortalDesktop::Start(const Options& options,
                            std::unique_ptr<PortalDesktop>* desktop) {
  std::unique_ptr<PortalDesktop> d(new PortalDesktop());
  char folder[] = "/tmp/svgcast-portal-XXXXXX";  // mkdtemp makes it 0700
  if (::mkdtemp(folder) == nullptr) {
    return Status::FromErrno("cannot make the desktop's runtime folder",
                             errno);
  }
  d->folder_ = folder;

  // The bus: a session bus of our own, with no services to start (a
  // machine's real xdg-desktop-portal must not answer for the fake one).
  const std::string config = d->folder_ + "/bus.conf";
  std::ofstream(config)
      << "<busconfig><type>session</type><listen>unix:path=" << d->folder_
      << "/bus</listen><auth>EXTERNAL</auth><policy context=\"default\">"
         "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
         "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy>"
         "</busconfig>\n";
  int address[2];
  if (::pipe2(address, O_CLOEXEC) != 0) {
    return Status::FromErrno("pipe", errno);
  }
  Status s = d->Spawn({"dbus-daemon", "--nofork", "--config-file=" + config,
                       "--print-address=1"},
                      -1, address[1], -1, "dbus.log");
  ::close(address[1]);
  std::string line;
  const bool have_address = s.ok() && ReadLine(address[0], &line);
  ::close(address[0]);
  if (!s.ok()) return s;
  if (!have_address) {
    return Status::Error("dbus-daemon did not start: " + d->logs());
  }
  d->bus_address_ = line;

  // PipeWire, on a socket that already listens: clients that connect
  // before it is up wait in the socket's queue.
  const int listening = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::snprintf(where.sun_path, sizeof where.sun_path, "%s/pipewire-0",
                folder);
  if (listening < 0 ||
      ::bind(listening, reinterpret_cast<sockaddr*>(&where), sizeof where) !=
          0 ||
      ::listen(listening, 64) != 0) {
    const int error = errno;
    if (listening >= 0) ::close(listening);
    return Status::FromErrno("PipeWire's socket", error);
  }
  // sd_listen_fds() wants LISTEN_PID to be its own pid: the shell's, which
  // exec keeps.
  s = d->Spawn({"/bin/sh", "-c",
                "LISTEN_PID=$$ LISTEN_FDS=1 exec pipewire"},
               -1, -1, listening, "pipewire.log");
  ::close(listening);
  if (!s.ok()) return s;
  s = d->Spawn({"wireplumber"}, -1, -1, -1, "wireplumber.log");
  if (!s.ok()) return s;

  if (options.portal) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      return Status::FromErrno("pipe", errno);
    }
    s = d->Spawn({SVGCAST_FAKE_PORTAL,
                  std::to_string(options.size.width) + "x" +
                      std::to_string(options.size.height),
                  options.format},
                 in[0], out[1], -1, "portal.log");
    ::close(in[0]);
    ::close(out[1]);
    d->to_portal_ = in[1];
    d->from_portal_ = ::fdopen(out[0], "r");
    if (!s.ok()) return s;
    char ready[64] = "";
    if (::fgets(ready, sizeof ready, d->from_portal_) == nullptr ||
        std::strcmp(ready, "ready\n") != 0) {
      return Status::Error("fake_portal did not start: " + d->logs());
    }
  }
  *desktop = std::move(d);
  return Status::Ok();
}

Status PortalDesktop::Spawn(const std::vector<std::string>& args,
                            int stdin_fd, int stdout_fd, int listen_fd,
                            const std::string& log) {
  // Prepared before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> arg_strings = args;
  std::vector<char*> argv;
  for (std::string& arg : arg_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    if (key != "DISPLAY" && key != "WAYLAND_DISPLAY" &&
        key != "XDG_RUNTIME_DIR" && key != "DBUS_SESSION_BUS_ADDRESS" &&
        key != "HOME" && key.rfind("XDG_", 0) != 0 &&
        key.rfind("PIPEWIRE_", 0) != 0 && key.rfind("LISTEN_", 0) != 0) {
      env_strings.push_back(entry);
    }
  }
  env_strings.push_back("XDG_RUNTIME_DIR=" + folder_);
  env_strings.push_back("HOME=" + folder_);
  env_strings.push_back("XDG_CONFIG_HOME=" + folder_ + "/config");
  env_strings.push_back("XDG_STATE_HOME=" + folder_ + "/state");
  env_strings.push_back("XDG_DATA_HOME=" + folder_ + "/data");
  if (!bus_address_.empty()) {
    env_strings.push_back("DBUS_SESSION_BUS_ADDRESS=" + bus_address_);
  }
  std::vector<char*> env;
  for (std::string& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  const std::string log_path = folder_ + "/" + log;
  const int log_fd =
      ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) return Status::FromErrno(log_path, errno);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(log_fd);
    return Status::FromErrno("cannot start " + args[0], error);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::getppid() != parent) ::_exit(127);
    if (stdin_fd < 0) stdin_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(stdin_fd, STDIN_FILENO);
    ::dup2(stdout_fd >= 0 ? stdout_fd : log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    // dup2 clears FD_CLOEXEC, but does nothing when it is fd 3 already.
    if (listen_fd == 3) ::fcntl(3, F_SETFD, 0);
    if (listen_fd >= 0 && listen_fd != 3) ::dup2(listen_fd, 3);
    ::execvpe(argv[0], argv.data(), env.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pids_.push_back(pid);
  return Status::Ok();
}

PortalDesktop::~PortalDesktop() {
  if (to_portal_ >= 0) ::close(to_portal_);  // fake_portal ends
  if (from_portal_ != nullptr) ::fclose(from_portal_);
  // The last started first: the portal, WirePlumber, PipeWire, the bus.
  for (auto it = pids_.rbegin(); it != pids_.rend(); ++it) {
    ::kill(*it, SIGTERM);
    int status = 0;
    while (::waitpid(*it, &status, 0) < 0 && errno == EINTR) {
    }
  }
  std::error_code ignored;
  if (!folder_.empty()) std::filesystem::remove_all(folder_, ignored);
}

std::map<std::string, std::string> PortalDesktop::env() const {
  return {{"DBUS_SESSION_BUS_ADDRESS", bus_address_},
          {"XDG_RUNTIME_DIR", folder_},
          {"WAYLAND_DISPLAY", "wayland-svgcast-test"},
          {"DISPLAY", ""}};
}

std::string PortalDesktop::Do(const std::string& command) {
  const std::string line = command + "\n";
  if (to_portal_ < 0 || ::write(to_portal_, line.data(), line.size()) !=
                            static_cast<ssize_t>(line.size())) {
    ADD_FAILURE() << "cannot write to fake_portal: " << command;
    return "";
  }
  char reply[256];
  if (::fgets(reply, sizeof reply, from_portal_) == nullptr) {
    ADD_FAILURE() << "fake_portal ended at: " << command << "\n" << logs();
    return "";
  }
  std::string text(reply);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  EXPECT_EQ(text.rfind("ok", 0), 0u) << command << ": " << text;
  return text;
}

std::string PortalDesktop::Fill(cv::Rect r, uint32_t rgb) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%06x", rgb);
  return Do("fill " + std::to_string(r.x) + " " + std::to_string(r.y) + " " +
            std::to_string(r.width) + " " + std::to_string(r.height) + " " +
            hex);
}

std::string PortalDesktop::logs() const {
  std::string text;
  for (const char* name :
       {"dbus.log", "pipewire.log", "wireplumber.log", "portal.log"}) {
    std::ifstream in(folder_ + "/" + name);
    std::stringstream content;
    content << in.rdbuf();
    if (!content.str().empty()) {
      text += std::string("[") + name + "] " + content.str();
    }
  }
  return text;
}

}  // namespace svgcast::test
