// WebDriver: what the two browser drivers that speak WebDriver's commands
// share (Firefox over Marionette, tests/tools/firefox.h; WebKit over
// WebKitWebDriver's HTTP, tests/tools/webkit.h): the script that evaluates
// an expression (a promise's value once settled) for "Execute Async
// Script", reading what it gave back, and the screenshot a "Take
// Screenshot" answers with, decoded; and sizing a window for a viewport.
//
// Threading: the script and screenshot functions are of their arguments
// only (any thread); SizeWindowForViewport uses the browser, so it runs on
// the browser's one thread.
#ifndef SVGCAST_TESTS_TOOLS_WEBDRIVER_H_
#define SVGCAST_TESTS_TOOLS_WEBDRIVER_H_

#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "capture/status.h"
#include "tests/tools/browser.h"

namespace svgcast::test {

// An "Execute Async Script" script that evaluates `expression` and calls
// back with {value: ...} or {error: "..."}.
std::string AsyncScriptFor(const std::string& expression);

// What that script called back with (the command's result's "value"):
// `value` (optional) gets the expression's value, or the error what it threw.
Status ScriptOutcome(const nlohmann::json& outcome, nlohmann::json* value);

// The top left width x height of a screenshot (base64 PNG), as BGRX.
Status DecodeScreenshot(const nlohmann::json& base64_png, int width, int height,
                        cv::Mat* bgrx);

// Sizes `browser`'s window so that its viewport (the page's innerWidth and
// innerHeight) is at least `want`: sets the window to `window` with
// `set_window` (WebDriver's "Set Window Rect"; it updates `window` to the
// size the window came to, where it knows it), reads the viewport, grows
// the window by what is missing, three tries at most. `*sized` is the
// viewport the window was last sized for: if it is `want`, the window is
// only read (in a headless Firefox setting its size takes a second, even
// to the same size); on success it becomes `want`.
Status SizeWindowForViewport(
    Browser& browser, cv::Size want, cv::Size window, cv::Size* sized,
    const std::function<Status(cv::Size* window)>& set_window);

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_WEBDRIVER_H_
