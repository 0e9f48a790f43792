#include "tests/tools/browser.h"

#include <cstdio>

#include "tests/tools/chromium.h"
#include "tests/tools/firefox.h"
#include "tests/tools/webkit.h"

namespace svgcast::test {

Status Browser::SeekAnimations(double ms) {
  char script[512];
  std::snprintf(script, sizeof script,
                "document.getAnimations().forEach(a => { a.pause(); "
                "a.currentTime = %.6f; });"
                "new Promise(r => requestAnimationFrame(() => "
                "requestAnimationFrame(r)))",
                ms);
  return Evaluate(script);
}

const char* EngineName(Engine engine) {
  switch (engine) {
    case Engine::kChromium:
      return "chromium";
    case Engine::kFirefox:
      return "firefox";
    case Engine::kWebKit:
      return "webkit";
  }
  return "?";
}

bool EngineNamed(const std::string& name, Engine* engine) {
  for (Engine e : {Engine::kChromium, Engine::kFirefox, Engine::kWebKit}) {
    if (name == EngineName(e)) {
      *engine = e;
      return true;
    }
  }
  return false;
}

bool Installed(Engine engine) {
  switch (engine) {
    case Engine::kChromium:
      return !Chromium::Binary().empty();
    case Engine::kFirefox:
      return !Firefox::Binary().empty();
    case Engine::kWebKit:
      return !WebKit::Binary().empty();
  }
  return false;
}

Status StartBrowser(Engine engine, std::unique_ptr<Browser>* out) {
  // (Each driver's Start gives its own type; stored as a Browser.)
  auto start = [out](auto started, auto* browser) {
    if (started.ok()) *out = std::move(*browser);
    return started;
  };
  switch (engine) {
    case Engine::kChromium: {
      std::unique_ptr<Chromium> b;
      return start(Chromium::Start(&b), &b);
    }
    case Engine::kFirefox: {
      std::unique_ptr<Firefox> b;
      return start(Firefox::Start(&b), &b);
    }
    case Engine::kWebKit: {
      std::unique_ptr<WebKit> b;
      return start(WebKit::Start(&b), &b);
    }
  }
  return Status::Error("no such engine");
}

}  // namespace svgcast::test
