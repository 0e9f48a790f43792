#include "capture/manifest.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "capture/frame.h"

namespace svgcast {
namespace {

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "146", "146.5", "0.125" -> microseconds. False if not that shape; a
// number past kMaxTimestampUs gives a time past it (without overflowing).
bool ParseMilliseconds(std::string_view text, int64_t* us) {
  if (text.empty()) return false;
  int64_t whole = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    whole = std::min(whole * 10 + (text[i] - '0'), kMaxTimestampUs);
  }
  if (i == 0) return false;
  int64_t fraction_us = 0;
  if (i < text.size()) {  // at '.'
    const std::string_view digits = text.substr(i + 1);
    if (digits.empty() || digits.size() > 3) return false;
    int64_t scale = 100;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      fraction_us += (c - '0') * scale;
      scale /= 10;
    }
  }
  *us = whole * 1000 + fraction_us;
  return true;
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += static_cast<unsigned char>(c) < 32 || c == 127 ? '?' : c;
  }
  return out;
}

Status ParseManifest(const std::string& text, const std::string& name,
                     std::vector<ManifestEntry>* entries, bool times_replaced) {
  entries->clear();
  std::string_view rest(text);
  // (A UTF-8 byte order mark, as some Windows editors write, is not part
  // of the first file name.)
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  int line_number = 0;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view()
                                         : rest.substr(eol + 1);
    ++line_number;
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;

    const std::string where = name + ":" + std::to_string(line_number) + ": ";
    const size_t split = line.find_last_of(" \t");
    if (split == std::string_view::npos) {
      return Status::Error(where +
                           "expected '<file name> <timestamp ms>', got '" +
                           Printable(line) + "'");
    }
    const std::string_view file = Trim(line.substr(0, split));
    const std::string_view stamp = line.substr(split + 1);
    ManifestEntry entry;
    if (!ParseMilliseconds(stamp, &entry.timestamp_us)) {
      return Status::Error(where + "timestamp '" + Printable(stamp) +
                           "' is not a number of milliseconds");
    }
    if (entry.timestamp_us > kMaxTimestampUs) {
      return Status::Error(
          where + "timestamp '" + std::string(stamp) + "' is more than " +
          FormatMilliseconds(kMaxTimestampUs) + " ms (31 years)");
    }
    if (!times_replaced && !entries->empty() &&
        entry.timestamp_us <= entries->back().timestamp_us) {
      return Status::Error(
          where + "timestamp " + FormatMilliseconds(entry.timestamp_us) +
          " ms is not after the previous frame's " +
          FormatMilliseconds(entries->back().timestamp_us) + " ms");
    }
    entry.file = std::string(file);
    entry.line = line_number;
    entries->push_back(std::move(entry));
  }
  if (entries->empty()) return Status::Error(name + ": lists no frames");
  return Status::Ok();
}

Status ReadManifest(const std::string& path,
                    std::vector<ManifestEntry>* entries, bool times_replaced) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Status::Error(path + ": a folder, not a list of frames");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str(), path, entries, times_replaced);
}

std::string FormatMilliseconds(int64_t us) {
  std::string text = std::to_string(us / 1000);
  int64_t fraction = us % 1000;
  if (fraction != 0) {
    std::string digits = std::to_string(1000 + fraction).substr(1);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

}  // namespace svgcast
