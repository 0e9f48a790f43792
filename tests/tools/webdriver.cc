#include "tests/tools/webdriver.h"

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

}  // namespace svgcast::test
