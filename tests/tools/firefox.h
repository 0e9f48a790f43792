// Firefox: Debian's headless Firefox ESR (Gecko), driven over Marionette,
// its own remote protocol: a TCP connection on 127.0.0.1 carrying JSON
// messages, each preceded by its length and a colon ("23:[0,1,...]").
// Commands are [0, id, name, params]; answers [1, id, error, result]. The
// browser tests use it as they use Chromium (tests/tools/browser.h): to
// open svgcast's SVGs (directly and inside an <img>), freeze and seek the
// document's animations, and take exact screenshots.
//
// One browser process with a fresh profile per object (Marionette on a
// port the browser picks, which it logs; its output is read for that and
// then drained); the process and its profile folder go away with it. Every
// call waits for its answer (at most kTimeoutMs, then the call fails, so a
// hung browser fails a test instead of hanging it).
//
// Threading: use one object from one thread.
#ifndef SVGCAST_TESTS_TOOLS_FIREFOX_H_
#define SVGCAST_TESTS_TOOLS_FIREFOX_H_

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <sys/types.h>

#include "capture/status.h"
#include "tests/tools/browser.h"
#include "tests/tools/browser_process.h"

namespace svgcast::test {

class Firefox final : public Browser {
 public:
  static constexpr int kTimeoutMs = 60'000;

  // The browser binary (/usr/bin/firefox-esr), or "" when not installed.
  static std::string Binary();

  // Starts the browser. Fails when it is not installed or does not answer.
  static Status Start(std::unique_ptr<Firefox>* out);

  Firefox(const Firefox&) = delete;
  Firefox& operator=(const Firefox&) = delete;
  ~Firefox() override;

  Status Open(const std::string& url, int width, int height) override;
  Status Evaluate(const std::string& expression,
                  nlohmann::json* value = nullptr) override;
  // Gecko keeps CSS times as 32-bit floats of seconds: half a step of
  // those at `ms` (0.5 us at 12 s, 122 us at an hour).
  double TimeResolutionMs(double ms) const override;
  // (The window may not shrink to a small viewport: the screenshot is the
  // viewport's top left, as wide and high as Open asked.)
  Status Screenshot(cv::Mat* bgrx) override;

  // Any Marionette command ("WebDriver:Navigate", ...).
  Status Call(const std::string& command, const nlohmann::json& params,
              nlohmann::json* result);

 private:
  Firefox() = default;
  // Reads from the socket until a whole message is buffered (and discards
  // what the browser logs meanwhile); waits at most until `deadline_ms` of
  // CLOCK_MONOTONIC.
  Status Receive(int64_t deadline_ms, nlohmann::json* message);
  Status SizeViewport(int width, int height);

  BrowserProcess process_;  // (destroyed last: the socket is closed first)
  int log_ = -1;            // the browser's stdout and stderr
  int socket_ = -1;         // Marionette
  std::string buffer_;      // bytes read but not yet a whole message
  int next_id_ = 1;
  int width_ = 0, height_ = 0;  // the viewport Open asked for
  cv::Size sized_;              // the viewport the window was sized for
};

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_FIREFOX_H_
