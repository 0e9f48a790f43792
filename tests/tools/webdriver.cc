#include "tests/tools/webdriver.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "capture/png_reader.h"
#include "svg/base64.h"

namespace svgcast::test {

std::string AsyncScriptFor(const std::string& expression) {
  return "const done = arguments[arguments.length - 1];"
         "Promise.resolve().then(() => eval(" +
         nlohmann::json(expression).dump() +
         ")).then(v => done({value: v === undefined ? null : v}),"
         "        e => done({error: String(e)}));";
}

Status ScriptOutcome(const nlohmann::json& outcome, nlohmann::json* value) {
  if (!outcome.is_object()) return Status::Error("script gave no outcome");
  if (outcome.contains("error")) {
    return Status::Error("script failed: " + outcome["error"].dump());
  }
  if (value != nullptr) *value = outcome.value("value", nlohmann::json());
  return Status::Ok();
}

Status DecodeScreenshot(const nlohmann::json& base64_png, int width, int height,
                        cv::Mat* bgrx) {
  std::vector<uint8_t> png;
  if (!base64_png.is_string() ||
      !DecodeBase64(base64_png.get<std::string>(), &png)) {
    return Status::Error("screenshot: not base64");
  }
  cv::Mat whole;
  if (Status s = DecodePng(png.data(), png.size(), &whole); !s.ok()) return s;
  if (whole.cols < width || whole.rows < height) {
    return Status::Error("screenshot smaller than the viewport asked for");
  }
  *bgrx = whole(cv::Rect(0, 0, width, height)).clone();
  return Status::Ok();
}

Status SizeWindowForViewport(
    Browser& browser, cv::Size want, cv::Size window, cv::Size* sized,
    const std::function<Status(cv::Size* window)>& set_window) {
  const bool known = *sized == want;
  *sized = cv::Size();
  for (int attempt = known ? -1 : 0; attempt < 3; ++attempt) {
    if (attempt >= 0) {
      if (Status s = set_window(&window); !s.ok()) return s;
    }
    nlohmann::json inner;
    if (Status s =
            browser.Evaluate("[window.innerWidth, window.innerHeight]", &inner);
        !s.ok()) {
      return s;
    }
    if (!inner.is_array() || inner.size() != 2 || !inner[0].is_number() ||
        !inner[1].is_number()) {
      return Status::Error("no viewport size: " + inner.dump());
    }
    const cv::Size viewport(inner[0].get<int>(), inner[1].get<int>());
    if (viewport.width >= want.width && viewport.height >= want.height) {
      *sized = want;
      return Status::Ok();
    }
    window.width += std::max(0, want.width - viewport.width);
    window.height += std::max(0, want.height - viewport.height);
  }
  return Status::Error("cannot make the viewport " +
                       std::to_string(want.width) + "x" +
                       std::to_string(want.height));
}

}  // namespace svgcast::test
