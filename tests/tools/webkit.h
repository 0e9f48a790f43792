// WebKit: Debian's WebKitGTK (the engine of Safari and of every browser on
// iOS), its MiniBrowser driven by WebKitWebDriver, W3C WebDriver over HTTP
// on 127.0.0.1 (JSON bodies; libcurl). The browser tests use it as they
// use Chromium and Firefox (tests/tools/browser.h): to open svgcast's SVGs
// (directly and inside an <img>), freeze and seek the document's
// animations, and take exact screenshots.
//
// WebKitGTK has no headless mode: each object starts a private Xvfb
// display (capture/xvfb_server.h) for the browser's window, then the
// driver (on a free port, in its own process group with the browser it
// starts) and a session; all of it goes away with the object. Every call
// waits for its answer (at most kTimeoutMs, then the call fails, so a hung
// browser fails a test instead of hanging it).
//
// Threading: use one object from one thread.
#ifndef SVGCAST_TESTS_TOOLS_WEBKIT_H_
#define SVGCAST_TESTS_TOOLS_WEBKIT_H_

#include <memory>
#include <string>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "capture/status.h"
#include "capture/xvfb_server.h"
#include "tests/tools/browser.h"
#include "tests/tools/browser_process.h"

namespace svgcast::test {

class WebKit final : public Browser {
 public:
  static constexpr int kTimeoutMs = 60'000;

  // The MiniBrowser binary (WebKitGTK's, under /usr/lib/<triplet>/), or ""
  // when it or WebKitWebDriver is not installed.
  static std::string Binary();

  // Starts the display, the driver and the browser. Fails when they are
  // not installed or do not answer.
  static Status Start(std::unique_ptr<WebKit>* out);

  WebKit(const WebKit&) = delete;
  WebKit& operator=(const WebKit&) = delete;
  ~WebKit() override;

  Status Open(const std::string& url, int width, int height) override;
  Status Evaluate(const std::string& expression,
                  nlohmann::json* value = nullptr) override;
  // (The window is not made narrower than its toolbar: the screenshot is
  // the viewport's top left, as wide and high as Open asked.)
  Status Screenshot(cv::Mat* bgrx) override;

  // Any WebDriver command of the session: "GET", "window/rect" for
  // /session/<id>/window/rect; `body` is sent with POST.
  Status Call(const char* method, const std::string& command,
              const nlohmann::json& body, nlohmann::json* value);

 private:
  WebKit() = default;
  // One HTTP request to the driver; `value` gets the answer's "value".
  Status Request(const char* method, const std::string& path,
                 const nlohmann::json* body, nlohmann::json* value);
  Status SizeViewport(int width, int height);

  struct CurlCleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  };

  std::unique_ptr<XvfbServer> display_;  // (destroyed last)
  BrowserProcess process_;               // the driver and its browser
  std::unique_ptr<CURL, CurlCleanup> curl_;
  std::string base_;            // http://127.0.0.1:<port>
  std::string session_;         // the session's id
  int width_ = 0, height_ = 0;  // the viewport Open asked for
  cv::Size sized_;              // the viewport the window was sized for
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_WEBKIT_H_
