// Browser: what the browser tests need of a real browser — open a page at
// a viewport size, run a script, freeze and seek the document's
// animations, take an exact screenshot. One implementation per engine:
// Chromium (tests/tools/chromium.h, Blink), Firefox (tests/tools/firefox.h,
// Gecko) and WebKit (tests/tools/webkit.h, WebKitGTK: Safari's engine), so
// that "plays in any browser" is checked in the three engines of today's
// browsers with one set of tests.
//
// Threading: use one object from one thread.
#ifndef SVGCAST_TESTS_TOOLS_BROWSER_H_
#define SVGCAST_TESTS_TOOLS_BROWSER_H_

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast::test {

class Browser {
 public:
  virtual ~Browser() = default;

  // Opens `url` with a viewport of width x height CSS pixels at one device
  // pixel per CSS pixel, and waits for its load event. Later calls act on
  // this page (the previous one is gone).
  virtual Status Open(const std::string& url, int width, int height) = 0;

  // Evaluates a JavaScript expression in the page; with a promise, waits
  // for it. `value` (optional) gets the result, by value.
  virtual Status Evaluate(const std::string& expression,
                          nlohmann::json* value = nullptr) = 0;

  // Pauses every animation of the page's document at `ms` after its start
  // and waits until a frame showing that time has been drawn (Web
  // Animations, through Evaluate).
  Status SeekAnimations(double ms);

  // How far from `ms` the browser may place an animation's start or end
  // that a screencast gives as `ms` (0: exactly there).
  virtual double TimeResolutionMs(double /*ms*/) const { return 0; }

  // A screenshot of the viewport (width x height of the last Open), as
  // BGRX pixels.
  virtual Status Screenshot(cv::Mat* bgrx) = 0;
};

enum class Engine { kChromium, kFirefox, kWebKit };

// "chromium", "firefox" or "webkit".
const char* EngineName(Engine engine);

// The engine of that name; false when there is none.
bool EngineNamed(const std::string& name, Engine* engine);

// Whether the engine's browser is installed here.
bool Installed(Engine engine);

// Starts the engine's browser (a fresh profile, gone with the object).
Status StartBrowser(Engine engine, std::unique_ptr<Browser>* out);

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_BROWSER_H_
