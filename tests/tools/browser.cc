#include "tests/tools/browser.h"

#include "tests/tools/chromium.h"
#include "tests/tools/firefox.h"

namespace svgcast::test {

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
