#include "tests/tools/browser.h"

#include <cstdio>

#include "tests/tools/chromium.h"
#include "tests/tools/firefox.h"

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
  return engine == Engine::kChromium ? "chromium" : "firefox";
}

bool Installed(Engine engine) {
  return engine == Engine::kChromium ? !Chromium::Binary().empty()
                                     : !Firefox::Binary().empty();
}

Status StartBrowser(Engine engine, std::unique_ptr<Browser>* out) {
  if (engine == Engine::kChromium) {
    std::unique_ptr<Chromium> chromium;
    if (Status s = Chromium::Start(&chromium); !s.ok()) return s;
    *out = std::move(chromium);
  } else {
    std::unique_ptr<Firefox> firefox;
    if (Status s = Firefox::Start(&firefox); !s.ok()) return s;
    *out = std::move(firefox);
  }
  return Status::Ok();
}

}  // namespace svgcast::test
