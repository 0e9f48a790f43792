#include "tests/tools/chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "capture/clock.h"
#include "capture/png_reader.h"
#include "svg/base64.h"
#include "tests/tools/browser_process.h"

namespace svgcast::test {
namespace {

int64_t NowMs() { return MonotonicNowNs() / 1'000'000; }

// A copy of `fd` numbered 10 or more (so that placing it at 3 or 4 in the
// child can never clobber the other one), close-on-exec.
int HighFd(int fd) {
  const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  return high;
}

}  // namespace

std::string Chromium::Binary() {
  return BrowserProcess::Find(
      {"/usr/bin/chromium", "/usr/bin/chromium-browser"});
}

Status Chromium::Start(std::unique_ptr<Chromium>* out) {
  const std::string binary = Binary();
  if (binary.empty()) return Status::Error("chromium is not installed");
  std::unique_ptr<Chromium> browser(new Chromium());
  BrowserProcess& process = browser->process_;
  if (Status s = process.MakeProfile("chromium"); !s.ok()) return s;

  int to[2], from[2];
  if (::pipe2(to, O_CLOEXEC) != 0 || ::pipe2(from, O_CLOEXEC) != 0) {
    return Status::FromErrno("pipe", errno);
  }
  const int child_in = HighFd(to[0]);
  const int child_out = HighFd(from[1]);
  browser->to_browser_ = to[1];
  browser->from_browser_ = from[0];

  const std::vector<std::string> args = {
      binary, "--headless",
      "--no-sandbox",  // CI runs as root
      "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
      "--no-default-browser-check", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-extensions",
      "--mute-audio", "--hide-scrollbars",
      // Untagged images are sRGB, and so is the output: no conversion.
      "--force-color-profile=srgb", "--user-data-dir=" + process.profile(),
      "about:blank"};
  const std::string log = process.profile() + "/stderr.txt";
  const Status started = process.Spawn(
      args,
      [&](posix_spawn_file_actions_t* actions) {
        ::posix_spawn_file_actions_adddup2(actions, child_in, 3);
        ::posix_spawn_file_actions_adddup2(actions, child_out, 4);
        ::posix_spawn_file_actions_addopen(actions, 1, "/dev/null", O_WRONLY,
                                           0);
        ::posix_spawn_file_actions_addopen(actions, 2, log.c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0600);
      },
      // (Its temporary folders, org.chromium.Chromium.*, in the profile,
      // which goes away with it: in /tmp they stayed, one per browser.)
      {"TMPDIR=" + process.profile()});
  ::close(child_in);
  ::close(child_out);
  if (!started.ok()) return started;
  nlohmann::json version;
  if (Status s = browser->Call("Browser.getVersion", nlohmann::json::object(),
                               &version, /*browser_level=*/true);
      !s.ok()) {
    return Status::Error("chromium does not answer: " + s.message());
  }
  *out = std::move(browser);
  return Status::Ok();
}

Chromium::~Chromium() {
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
}

Status Chromium::Send(const nlohmann::json& message) {
  std::string bytes = message.dump();
  bytes.push_back('\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::write(to_browser_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::FromErrno("write to chromium", errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status Chromium::Receive(int64_t deadline_ms, nlohmann::json* message) {
  for (;;) {
    const size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      *message = nlohmann::json::parse(buffer_.substr(0, end), nullptr,
                                       /*allow_exceptions=*/false);
      buffer_.erase(0, end + 1);
      if (message->is_discarded()) {
        return Status::Error("chromium sent a message that is not JSON");
      }
      return Status::Ok();
    }
    const int64_t left_ms = deadline_ms - NowMs();
    if (left_ms <= 0) return Status::Error("chromium did not answer in time");
    pollfd fd{from_browser_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status::FromErrno("poll", errno);
    if (ready == 0) continue;
    char chunk[1 << 16];
    const ssize_t n = ::read(from_browser_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Error("chromium closed its pipe (it exited)");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

Status Chromium::Call(const std::string& method, const nlohmann::json& params,
                      nlohmann::json* result, bool browser_level) {
  const int id = next_id_++;
  nlohmann::json message = {{"id", id}, {"method", method}, {"params", params}};
  if (!browser_level) {
    if (session_id_.empty()) return Status::Error("no tab is open");
    message["sessionId"] = session_id_;
  }
  if (Status s = Send(message); !s.ok()) return s;
  const int64_t deadline = NowMs() + kTimeoutMs;
  for (;;) {
    nlohmann::json reply;
    if (Status s = Receive(deadline, &reply); !s.ok()) {
      return Status::Error(method + ": " + s.message());
    }
    if (!reply.contains("id")) {
      events_.push_back(std::move(reply));
      continue;
    }
    if (reply["id"] != id) continue;  // an answer nobody waits for
    if (reply.contains("error")) {
      return Status::Error(method + ": " +
                           reply["error"].value("message", "error"));
    }
    if (result != nullptr) *result = reply["result"];
    return Status::Ok();
  }
}

Status Chromium::WaitForEvent(const std::string& method) {
  const int64_t deadline = NowMs() + kTimeoutMs;
  for (;;) {
    while (!events_.empty()) {
      nlohmann::json event = std::move(events_.front());
      events_.pop_front();
      if (event.value("method", "") == method &&
          event.value("sessionId", "") == session_id_) {
        return Status::Ok();
      }
    }
    nlohmann::json message;
    if (Status s = Receive(deadline, &message); !s.ok()) {
      return Status::Error("waiting for " + method + ": " + s.message());
    }
    events_.push_back(std::move(message));
  }
}

Status Chromium::Open(const std::string& url, int width, int height) {
  if (!target_id_.empty()) {
    (void)Call("Target.closeTarget", {{"targetId", target_id_}}, nullptr, true);
    target_id_.clear();
    session_id_.clear();
  }
  nlohmann::json result;
  if (Status s =
          Call("Target.createTarget", {{"url", "about:blank"}}, &result, true);
      !s.ok()) {
    return s;
  }
  target_id_ = result["targetId"];
  if (Status s =
          Call("Target.attachToTarget",
               {{"targetId", target_id_}, {"flatten", true}}, &result, true);
      !s.ok()) {
    return s;
  }
  session_id_ = result["sessionId"];
  if (Status s = Call("Page.enable", nlohmann::json::object(), nullptr);
      !s.ok()) {
    return s;
  }
  if (Status s = Call("Emulation.setDeviceMetricsOverride",
                      {{"width", width},
                       {"height", height},
                       {"deviceScaleFactor", 1},
                       {"mobile", false}},
                      nullptr);
      !s.ok()) {
    return s;
  }
  events_.clear();
  if (Status s = Call("Page.navigate", {{"url", url}}, &result); !s.ok()) {
    return s;
  }
  if (result.contains("errorText")) {
    return Status::Error(url + ": " + result["errorText"].get<std::string>());
  }
  return WaitForEvent("Page.loadEventFired");
}

Status Chromium::Evaluate(const std::string& expression,
                          nlohmann::json* value) {
  nlohmann::json result;
  if (Status s = Call("Runtime.evaluate",
                      {{"expression", expression},
                       {"awaitPromise", true},
                       {"returnByValue", true}},
                      &result);
      !s.ok()) {
    return s;
  }
  if (result.contains("exceptionDetails")) {
    return Status::Error("script failed: " + result["exceptionDetails"].dump());
  }
  if (value != nullptr) {
    // (By value: any JSON, an array or object too.)
    const nlohmann::json& remote = result["result"];
    *value = remote.contains("value") ? remote["value"] : nlohmann::json();
  }
  return Status::Ok();
}

Status Chromium::Screenshot(cv::Mat* bgrx) {
  nlohmann::json result;
  if (Status s = Call("Page.captureScreenshot", {{"format", "png"}}, &result);
      !s.ok()) {
    return s;
  }
  std::vector<uint8_t> png;
  if (!DecodeBase64(result.value("data", ""), &png)) {
    return Status::Error("screenshot: not base64");
  }
  return DecodePng(png.data(), png.size(), bgrx);
}

}  // namespace svgcast::test
