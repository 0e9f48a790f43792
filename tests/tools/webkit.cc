#include "tests/tools/webkit.h"

#include <fcntl.h>
#include <glob.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include <netinet/in.h>
#include <sys/socket.h>

#include "capture/clock.h"
#include "tests/tools/webdriver.h"

namespace svgcast::test {
namespace {

int64_t NowMs() { return MonotonicNowNs() / 1'000'000; }

constexpr char kDriver[] = "/usr/bin/WebKitWebDriver";

// MiniBrowser's window is not made narrower than its toolbar (447 pixels
// in WebKitGTK 2.50) nor need it be: the screenshot is cut to the size
// asked for.
constexpr int kMinViewportPx = 320;

// The private display: room for the largest viewport the tests ask for
// (1200x744 at 150%) and the window's toolbar.
constexpr int kDisplayWidthPx = 2560;
constexpr int kDisplayHeightPx = 1600;

// A port no one listens on now (the kernel's pick for a socket bound to
// port 0, closed again), or 0.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

size_t Append(char* data, size_t size, size_t count, void* to) {
  static_cast<std::string*>(to)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string WebKit::Binary() {
  if (BrowserProcess::Find({kDriver}).empty()) return "";
  glob_t found{};
  std::string binary;
  if (::glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser", 0, nullptr, &found) ==
      0) {
    for (size_t i = 0; i < found.gl_pathc && binary.empty(); ++i) {
      if (::access(found.gl_pathv[i], X_OK) == 0) binary = found.gl_pathv[i];
    }
  }
  ::globfree(&found);
  return binary;
}

Status WebKit::Start(std::unique_ptr<WebKit>* out) {
  const std::string binary = Binary();
  if (binary.empty()) return Status::Error("webkit is not installed");
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<WebKit> browser(new WebKit());
  XvfbOptions display;
  display.size = cv::Size(kDisplayWidthPx, kDisplayHeightPx);
  if (Status s = XvfbServer::Start(display, &browser->display_); !s.ok()) {
    return Status::Error("webkit's display: " + s.message());
  }
  browser->curl_.reset(curl_easy_init());
  if (browser->curl_ == nullptr) return Status::Error("curl_easy_init failed");

  BrowserProcess& process = browser->process_;
  if (Status s = process.MakeProfile("webkit"); !s.ok()) return s;
  const int port = FreePort();
  if (port == 0) return Status::FromErrno("no free port for webkit", errno);
  browser->base_ = "http://127.0.0.1:" + std::to_string(port);
  const std::string log = process.profile() + "/driver.txt";
  const Status started = process.Spawn(
      {kDriver, "--port=" + std::to_string(port)},
      [&](posix_spawn_file_actions_t* actions) {
        ::posix_spawn_file_actions_addopen(actions, 1, log.c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::posix_spawn_file_actions_adddup2(actions, 1, 2);
      },
      // (The browser's window on the private display; its caches and
      // settings in the profile folder; no sandbox, as for Chromium: CI
      // runs as root, where user namespaces may be refused, and the pages
      // are the tests' own files.)
      {"DISPLAY=" + browser->display_->display(),
       "WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1",
       "XDG_CACHE_HOME=" + process.profile() + "/cache",
       "XDG_DATA_HOME=" + process.profile() + "/data",
       "XDG_CONFIG_HOME=" + process.profile() + "/config"});
  if (!started.ok()) return started;

  // The driver answers /status once it listens; until then a request is
  // refused at once, and is tried again a little later.
  const int64_t deadline = NowMs() + kTimeoutMs;
  for (;;) {
    nlohmann::json status;
    if (browser->Request("GET", "/status", nullptr, &status).ok()) break;
    if (NowMs() > deadline) {
      return Status::Error("WebKitWebDriver did not start (" + log + ")");
    }
    const timespec pause{0, 20'000'000};
    ::nanosleep(&pause, nullptr);
  }
  const nlohmann::json capabilities = {
      {"capabilities",
       {{"alwaysMatch",
         {{"webkitgtk:browserOptions",
           {{"binary", binary}, {"args", {"--automation"}}}},
          {"timeouts", {{"script", kTimeoutMs}, {"pageLoad", kTimeoutMs}}}}}}}};
  nlohmann::json session;
  if (Status s = browser->Request("POST", "/session", &capabilities, &session);
      !s.ok()) {
    return Status::Error("webkit: no session: " + s.message());
  }
  if (!session.contains("sessionId") || !session["sessionId"].is_string()) {
    return Status::Error("webkit: no session id: " + session.dump());
  }
  browser->session_ = session["sessionId"];
  *out = std::move(browser);
  return Status::Ok();
}

WebKit::~WebKit() {
  // (The browser closed as it expects; the process group is killed after.)
  if (!session_.empty()) {
    nlohmann::json ignored;
    (void)Request("DELETE", "/session/" + session_, nullptr, &ignored);
  }
}

Status WebKit::Request(const char* method, const std::string& path,
                       const nlohmann::json* body, nlohmann::json* value) {
  CURL* curl = curl_.get();
  curl_easy_reset(curl);
  const std::string url = base_ + path;
  const std::string sent = body != nullptr ? body->dump() : std::string();
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long{kTimeoutMs});
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_slist* headers = nullptr;
  if (body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, sent.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(sent.size()));
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return Status::Error(std::string("webkit: ") + method + " " + path + ": " +
                         curl_easy_strerror(code));
  }
  const nlohmann::json reply =
      nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object() || !reply.contains("value")) {
    return Status::Error(std::string("webkit: ") + method + " " + path +
                         ": not a WebDriver answer: " + answer.substr(0, 200));
  }
  const nlohmann::json& v = reply["value"];
  if (v.is_object() && v.contains("error")) {
    return Status::Error(std::string("webkit: ") + method + " " + path + ": " +
                         v["error"].dump() + ": " +
                         v.value("message", std::string()));
  }
  *value = v;
  return Status::Ok();
}

Status WebKit::Call(const char* method, const std::string& command,
                    const nlohmann::json& body, nlohmann::json* value) {
  nlohmann::json ignored;
  return Request(method, "/session/" + session_ + "/" + command,
                 std::string(method) == "POST" ? &body : nullptr,
                 value != nullptr ? value : &ignored);
}

Status WebKit::SizeViewport(int width, int height) {
  // (The window's size, less what its toolbar takes, is the viewport's.)
  const cv::Size want(std::max(width, kMinViewportPx),
                      std::max(height, kMinViewportPx));
  nlohmann::json rect;
  if (Status s = Call("GET", "window/rect", nullptr, &rect); !s.ok()) return s;
  const cv::Size window(rect.value("width", want.width),
                        rect.value("height", want.height));
  return SizeWindowForViewport(
      *this, want, window, &sized_, [this](cv::Size* window) {
        nlohmann::json got;
        if (Status s = Call(
                "POST", "window/rect",
                {{"width", window->width}, {"height", window->height}}, &got);
            !s.ok()) {
          return s;
        }
        // (What the window came to, which may be more than was asked.)
        *window = cv::Size(got.value("width", window->width),
                           got.value("height", window->height));
        return Status::Ok();
      });
}

Status WebKit::Open(const std::string& url, int width, int height) {
  if (Status s = Call("POST", "url", {{"url", "about:blank"}}, nullptr);
      !s.ok()) {
    return s;
  }
  if (Status s = SizeViewport(width, height); !s.ok()) return s;
  width_ = width;
  height_ = height;
  // (Returns once the page has loaded.)
  return Call("POST", "url", {{"url", url}}, nullptr);
}

Status WebKit::Evaluate(const std::string& expression, nlohmann::json* value) {
  nlohmann::json outcome;
  if (Status s = Call("POST", "execute/async",
                      {{"script", AsyncScriptFor(expression)},
                       {"args", nlohmann::json::array()}},
                      &outcome);
      !s.ok()) {
    return s;
  }
  return ScriptOutcome(outcome, value);
}

Status WebKit::Screenshot(cv::Mat* bgrx) {
  nlohmann::json png;
  if (Status s = Call("GET", "screenshot", nullptr, &png); !s.ok()) return s;
  return DecodeScreenshot(png, width_, height_, bgrx);
}

}  // namespace svgcast::test
