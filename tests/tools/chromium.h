// Chromium: Debian's headless Chromium, driven over the DevTools protocol
// through a pipe (--remote-debugging-pipe: JSON messages, each ended by a
// NUL byte, on file descriptors 3 and 4 of the browser). The browser tests
// use it to open svgcast's SVGs (directly and inside an <img>), freeze and
// seek the document's animations, and take exact screenshots.
//
// One browser process with a fresh profile per object; the process and its
// profile folder go away with it. Every call waits for its answer (at most
// kTimeoutMs, then the call fails, so a hung browser fails a test instead of
// hanging it).
//
// Threading: use one object from one thread.
#ifndef SVGCAST_TESTS_TOOLS_CHROMIUM_H_
#define SVGCAST_TESTS_TOOLS_CHROMIUM_H_

#include <deque>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <sys/types.h>

#include "capture/status.h"
#include "tests/tools/browser.h"
#include "tests/tools/browser_process.h"

namespace svgcast::test {

class Chromium final : public Browser {
 public:
  static constexpr int kTimeoutMs = 60'000;

  // The browser binary (/usr/bin/chromium), or "" when it is not installed.
  static std::string Binary();

  // Starts the browser. Fails when it is not installed or does not answer.
  static Status Start(std::unique_ptr<Chromium>* out);

  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;
  ~Chromium() override;

  // Opens `url` in a new tab whose viewport is width x height CSS pixels at
  // one device pixel per CSS pixel, and waits for its load event. Later
  // calls act on this tab (the previous one is closed).
  Status Open(const std::string& url, int width, int height) override;

  // Evaluates a JavaScript expression in the tab; with a promise, waits for
  // it. `value` (optional) gets the result, by value.
  Status Evaluate(const std::string& expression,
                  nlohmann::json* value = nullptr) override;

  // A screenshot of the viewport, as BGRX pixels.
  Status Screenshot(cv::Mat* bgrx) override;

  // Any DevTools command, on the tab's session (or the browser's when
  // `browser_level`).
  Status Call(const std::string& method, const nlohmann::json& params,
              nlohmann::json* result, bool browser_level = false);

 private:
  Chromium() = default;
  Status Send(const nlohmann::json& message);
  // Reads one message (waits at most until `deadline_ms` of CLOCK_MONOTONIC).
  Status Receive(int64_t deadline_ms, nlohmann::json* message);
  Status WaitForEvent(const std::string& method);

  BrowserProcess process_;  // (destroyed last: the pipes are closed first)
  int to_browser_ = -1;     // our end of the browser's fd 3
  int from_browser_ = -1;   // our end of the browser's fd 4
  std::string buffer_;      // bytes read but not yet a whole message
  std::deque<nlohmann::json> events_;
  int next_id_ = 1;
  std::string target_id_;
  std::string session_id_;
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_CHROMIUM_H_
