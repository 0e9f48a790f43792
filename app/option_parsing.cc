#include "app/option_parsing.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "capture/frame.h"
#include "capture/manifest.h"

namespace svgcast {
namespace {

bool ParseInt(std::string_view text, int* value) {
  if (text.empty()) return false;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

// "1280x720" -> size with both sides > 0.
bool ParseWxH(std::string_view text, cv::Size* size) {
  const size_t x = text.find('x');
  if (x == std::string_view::npos) return false;
  return ParseInt(text.substr(0, x), &size->width) &&
         ParseInt(text.substr(x + 1), &size->height) && size->width > 0 &&
         size->height > 0;
}

}  // namespace

Status ParseDuration(const std::string& option, const std::string& text,
                     int64_t* duration_us, const DurationRules& rules) {
  std::string_view number(text);
  double scale_us = rules.bare_unit_us;
  if (number.ends_with("ms")) {
    scale_us = 1e3;
    number.remove_suffix(2);
  } else if (number.ends_with("s")) {
    scale_us = 1e6;
    number.remove_suffix(1);
  } else if (number.ends_with("m")) {
    scale_us = 60e6;
    number.remove_suffix(1);
  }
  double value = 0;
  const auto [end, error] =
      std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() ||
      end != number.data() + number.size() || !std::isfinite(value) ||
      value < 0) {
    return Status::Usage(option + ": '" + text + "' is not a duration (like " +
                         (rules.bare_unit_us == 1e3 ? "500, 500ms, 10s or 2m"
                                                    : "10s, 500ms or 2m") +
                         ")");
  }
  if (scale_us == 0) {
    return Status::Usage(option + ": '" + text + "' needs a unit (" + text +
                         "ms, " + text + "s or " + text + "m)");
  }
  if (value * scale_us > static_cast<double>(kMaxTimestampUs)) {
    return Status::Usage(option + ": '" + text + "' is more than " +
                         FormatMilliseconds(kMaxTimestampUs) +
                         " ms (31 years), the longest time svgcast takes");
  }
  if (value == 0 && !rules.allow_zero) {
    return Status::Usage(option + ": '" + text + "': must be more than 0");
  }
  *duration_us = std::llround(value * scale_us);
  if (*duration_us == 0 && !rules.allow_zero) {  // (times are in us)
    return Status::Usage(option + ": '" + text +
                         "': must be at least a microsecond");
  }
  return Status::Ok();
}

Status ParseRegion(const std::string& option, const std::string& text,
                   cv::Rect* region) {
  // x,y,WxH
  const size_t first = text.find(',');
  const size_t second =
      first == std::string::npos ? first : text.find(',', first + 1);
  cv::Size size;
  int x = 0, y = 0;
  if (second == std::string::npos ||
      !ParseInt(std::string_view(text).substr(0, first), &x) ||
      !ParseInt(std::string_view(text).substr(first + 1, second - first - 1),
                &y) ||
      !ParseWxH(std::string_view(text).substr(second + 1), &size) || x < 0 ||
      y < 0) {
    return Status::Usage(option + ": '" + text +
                         "' is not a region (x,y,WIDTHxHEIGHT, like "
                         "0,0,800x600, with a size above zero)");
  }
  *region = cv::Rect(cv::Point(x, y), size);
  return Status::Ok();
}

Status ParseSize(const std::string& option, const std::string& text,
                 cv::Size* size) {
  if (!ParseWxH(text, size) || size->width > 16384 || size->height > 16384) {
    return Status::Usage(option + ": '" + text +
                         "' is not a size (WIDTHxHEIGHT, like 1280x720)");
  }
  return Status::Ok();
}

namespace {
std::string g_help = "svgcast --help";  // (main thread only)
}  // namespace

void SetHelpCommand(const std::string& command) {
  g_help = "svgcast " + command + " --help";
}

int ReportFailure(const Status& status) {
  // A command-line error ends as CLI11's own do.
  std::fprintf(stderr, "svgcast: %s%s\n", status.message().c_str(),
               status.usage() ? (" (see " + g_help + ")").c_str() : "");
  return status.usage() ? 2 : status.interrupted() ? 130 : 1;
}

}  // namespace svgcast
