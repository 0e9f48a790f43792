#include "tests/tools/firefox.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <regex>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "capture/clock.h"
#include "tests/test_util.h"
#include "tests/tools/browser_process.h"
#include "tests/tools/webdriver.h"

namespace svgcast::test {
namespace {

int64_t NowMs() { return MonotonicNowNs() / 1'000'000; }

// A headless window is not made smaller than this (nor need it be: the
// screenshot is cut to the size asked for).
constexpr int kMinViewportPx = 320;

// The profile's preferences: Marionette on a port of the browser's choice
// (it logs it), nothing that starts on its own (updates, telemetry, first
// run pages), one device pixel per CSS pixel, times to the microsecond
// (Firefox otherwise rounds what scripts set and read, the animations'
// currentTime too, to 20 us). Images are decoded at their own size, not at
// the size they are drawn (Firefox otherwise decodes an image drawn smaller
// straight to that size with a filter of its own, which the pieces of a
// sprite sheet do not get: a frame's PNG at 50% then differs from the same
// pixels as patches by up to 33 levels on text, though nothing is out of
// place; Chromium filters both alike). Colour management is left as users
// have it (untagged images are shown as they are).
constexpr char kUserJs[] =
    "user_pref(\"marionette.port\", 0);\n"
    "user_pref(\"layout.css.devPixelsPerPx\", \"1.0\");\n"
    "user_pref(\"app.update.disabledForTesting\", true);\n"
    "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n"
    "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");\n"
    "user_pref(\"browser.aboutwelcome.enabled\", false);\n"
    "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n"
    "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);\n"
    "user_pref(\"browser.sessionstore.resume_from_crash\", false);\n"
    "user_pref(\"network.connectivity-service.enabled\", false);\n"
    "user_pref(\"extensions.update.enabled\", false);\n"
    "user_pref(\"privacy.reduceTimerPrecision\", false);\n"
    "user_pref(\"image.downscale-during-decode.enabled\", false);\n";

}  // namespace

std::string Firefox::Binary() {
  return BrowserProcess::Find({"/usr/bin/firefox-esr", "/usr/bin/firefox"});
}

Status Firefox::Start(std::unique_ptr<Firefox>* out) {
  const std::string binary = Binary();
  if (binary.empty()) return Status::Error("firefox is not installed");
  std::unique_ptr<Firefox> browser(new Firefox());
  BrowserProcess& process = browser->process_;
  if (Status s = process.MakeProfile("firefox"); !s.ok()) return s;
  WriteFile(process.profile() + "/user.js", kUserJs);

  int log[2];
  if (::pipe2(log, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  browser->log_ = log[0];
  const Status started =
      process.Spawn({binary, "--headless", "--no-remote", "--marionette",
                     "--profile", process.profile(), "about:blank"},
                    [&](posix_spawn_file_actions_t* actions) {
                      ::posix_spawn_file_actions_adddup2(actions, log[1], 1);
                      ::posix_spawn_file_actions_adddup2(actions, log[1], 2);
                    });
  ::close(log[1]);
  if (!started.ok()) return started;

  // Its log, until Marionette says where it listens.
  const std::regex listening("Listening on port ([0-9]+)");
  const int64_t deadline = NowMs() + kTimeoutMs;
  std::string text;
  int port = 0;
  while (port == 0) {
    const int64_t left_ms = deadline - NowMs();
    if (left_ms <= 0) return Status::Error("firefox: Marionette did not start");
    pollfd fd{browser->log_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status::FromErrno("poll", errno);
    if (ready == 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(browser->log_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::Error("firefox exited before Marionette started: " +
                           text.substr(0, 300));
    }
    text.append(chunk, static_cast<size_t>(n));
    std::smatch match;
    if (std::regex_search(text, match, listening)) {
      port = std::stoi(match[1]);
    }
  }
  // From now on its log is only drained (a full pipe would stop it).
  ::fcntl(browser->log_, F_SETFL, ::fcntl(browser->log_, F_GETFL) | O_NONBLOCK);

  browser->socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (browser->socket_ < 0) return Status::FromErrno("socket", errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(browser->socket_, reinterpret_cast<sockaddr*>(&address),
                sizeof address) != 0) {
    return Status::FromErrno("connect to firefox's Marionette", errno);
  }
  nlohmann::json hello;
  if (Status s = browser->Receive(deadline, &hello); !s.ok()) {
    return Status::Error("firefox: " + s.message());
  }
  if (!hello.is_object() || hello.value("marionetteProtocol", 0) < 3) {
    return Status::Error("firefox: not Marionette 3: " + hello.dump());
  }
  if (Status s =
          browser->Call("WebDriver:NewSession",
                        {{"capabilities", nlohmann::json::object()}}, nullptr);
      !s.ok()) {
    return s;
  }
  *out = std::move(browser);
  return Status::Ok();
}

Firefox::~Firefox() {
  if (socket_ >= 0) ::close(socket_);
  if (log_ >= 0) ::close(log_);
}

Status Firefox::Receive(int64_t deadline_ms, nlohmann::json* message) {
  for (;;) {
    const size_t colon = buffer_.find(':');
    if (colon != std::string::npos) {
      size_t length = 0;
      for (size_t i = 0; i < colon; ++i) {
        if (buffer_[i] < '0' || buffer_[i] > '9' || colon > 12) {
          return Status::Error("firefox sent no message length");
        }
        length = length * 10 + static_cast<size_t>(buffer_[i] - '0');
      }
      if (buffer_.size() >= colon + 1 + length) {
        *message = nlohmann::json::parse(buffer_.substr(colon + 1, length),
                                         nullptr, /*allow_exceptions=*/false);
        buffer_.erase(0, colon + 1 + length);
        if (message->is_discarded()) {
          return Status::Error("firefox sent a message that is not JSON");
        }
        return Status::Ok();
      }
    }
    const int64_t left_ms = deadline_ms - NowMs();
    if (left_ms <= 0) return Status::Error("firefox did not answer in time");
    pollfd fds[2] = {{socket_, POLLIN, 0}, {log_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status::FromErrno("poll", errno);
    char chunk[1 << 16];
    if (fds[1].revents != 0) {  // (what it logs: dropped)
      ssize_t n = 0;
      while ((n = ::read(log_, chunk, sizeof chunk)) > 0) {
      }
      if (n == 0) {  // its output closed: stop polling it
        ::close(log_);
        log_ = -1;
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = ::read(socket_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Error("firefox closed Marionette (it exited)");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

Status Firefox::Call(const std::string& command, const nlohmann::json& params,
                     nlohmann::json* result) {
  const int id = next_id_++;
  const std::string body =
      nlohmann::json::array({0, id, command, params}).dump();
  const std::string bytes = std::to_string(body.size()) + ":" + body;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::send(socket_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::FromErrno("send to firefox", errno);
    done += static_cast<size_t>(n);
  }
  const int64_t deadline = NowMs() + kTimeoutMs;
  for (;;) {
    nlohmann::json reply;
    if (Status s = Receive(deadline, &reply); !s.ok()) {
      return Status::Error(command + ": " + s.message());
    }
    if (!reply.is_array() || reply.size() != 4 || reply[0] != 1 ||
        reply[1] != id) {
      continue;  // (an answer nobody waits for)
    }
    if (!reply[2].is_null()) {
      return Status::Error(command + ": " + reply[2].value("error", "error") +
                           ": " + reply[2].value("message", ""));
    }
    if (result != nullptr) *result = reply[3];
    return Status::Ok();
  }
}

Status Firefox::SizeViewport(int width, int height) {
  // (The window's size, less what its frame takes, is the viewport's.)
  const cv::Size want(std::max(width, kMinViewportPx),
                      std::max(height, kMinViewportPx));
  if (Status s = SizeWindowForViewport(
          *this, want, want, &sized_,
          [this](cv::Size* window) {
            return Call("WebDriver:SetWindowRect",
                        {{"width", window->width}, {"height", window->height}},
                        nullptr);
          });
      !s.ok()) {
    return Status::Error("firefox: " + s.message());
  }
  return Status::Ok();
}

Status Firefox::Open(const std::string& url, int width, int height) {
  if (Status s = Call("WebDriver:Navigate", {{"url", "about:blank"}}, nullptr);
      !s.ok()) {
    return s;
  }
  if (Status s = SizeViewport(width, height); !s.ok()) return s;
  width_ = width;
  height_ = height;
  // (Returns once the page has loaded.)
  return Call("WebDriver:Navigate", {{"url", url}}, nullptr);
}

Status Firefox::Evaluate(const std::string& expression, nlohmann::json* value) {
  nlohmann::json result;
  if (Status s = Call("WebDriver:ExecuteAsyncScript",
                      {{"script", AsyncScriptFor(expression)},
                       {"args", nlohmann::json::array()}},
                      &result);
      !s.ok()) {
    return s;
  }
  return ScriptOutcome(result["value"], value);
}

double Firefox::TimeResolutionMs(double ms) const {
  const float seconds = static_cast<float>(ms / 1000);
  return (std::nextafter(seconds, HUGE_VALF) - seconds) * 1000.0 / 2;
}

Status Firefox::Screenshot(cv::Mat* bgrx) {
  nlohmann::json result;
  if (Status s =
          Call("WebDriver:TakeScreenshot",
               {{"full", false}, {"hash", false}, {"scroll", false}}, &result);
      !s.ok()) {
    return s;
  }
  return DecodeScreenshot(result["value"], width_, height_, bgrx);
}

}  // namespace svgcast::test
