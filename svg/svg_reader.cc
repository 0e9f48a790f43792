#include "svg/svg_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <pugixml.hpp>
#include <sys/stat.h>

#include "capture/frame.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"
#include "processing/webp_codec.h"
#include "svg/base64.h"

namespace svgcast {
namespace {

constexpr std::string_view kPngDataPrefix = "data:image/png;base64,";
constexpr std::string_view kWebpDataPrefix = "data:image/webp;base64,";

constexpr int64_t kForever = INT64_MAX;

// Places and sizes beyond this are refused: far past any image svgcast
// writes (kMaxImageSidePx), and sums of a few stay far from int overflow.
constexpr int kMaxCoordinatePx = 1 << 20;

// A file's moves may show earlier frames again, which may show earlier
// ones again: each one copies layers (56 bytes each). svgcast writes at
// most kMaxCopyElements (8,192) copies in a move; its recordings have far
// fewer layers than this many plus one per byte of file (a 25 s terminal
// log of 3.2 MB: 93,000), while a few kilobytes of moves of moves that
// double at every step reach it at their 22nd step, and are refused.
constexpr size_t kMaxLayersBeyondFileBytes = size_t{1} << 22;

// Frames' inner <g id>s are not nested by svgcast; a file nesting them
// deeper than this is refused rather than read by ever deeper recursion.
constexpr int kMaxGroupDepth = 64;

struct Image {
  cv::Mat pixels;  // BGRX, or BGRA when has_alpha; empty for a colour
  cv::Point origin;
  bool has_alpha = false;
  // A one-colour rect: painted from its colour, without pixels (a rect
  // of a few bytes of file may be as large as the screen, or larger).
  std::optional<cv::Scalar> colour = std::nullopt;
  cv::Size colour_size;

  cv::Size size() const { return colour ? colour_size : pixels.size(); }
};

// One thing painted: an image (or a <use> of one), shown from time_us
// until (not including) hide_us.
struct Layer {
  int64_t time_us;
  const Image* image;
  cv::Point at;
  int64_t hide_us = kForever;
  std::optional<cv::Rect> clip = std::nullopt;  // painted only inside (a move)
};

class Reader : public ScreencastDecoder {
 public:
  Reader(std::string path, std::string name)
      : path_(std::move(path)), name_(std::move(name)) {}

  // Reads the whole file and decodes its images; then Next() paints.
  Status Load();

  cv::Size size() const override { return size_; }
  const ScreencastSettings& settings() const override { return settings_; }
  const std::vector<int64_t>& times_us() const override { return times_; }
  bool Next(DecodedFrame* frame) override;

 private:
  Status Bad(const std::string& why) const {
    return Status::Error(name_ + ": not an svgcast SVG (" + why + ")");
  }
  // A time past the longest svgcast reads: "<what> <ms> ms, past ...".
  Status TooLong(std::string_view what, std::string_view ms) const;
  // The <metadata>: "svgcast 1" or "svgcast 2", then the settings (svgcast
  // 1 wrapped every later frame in a <g>; 2 reads the same way).
  Status ReadSettings(std::string_view metadata);
  Status CheckWellFormed(const pugi::xml_document& doc) const;
  Status ReadInt(const pugi::xml_node& node, const char* name, int fallback,
                 int* value) const;
  // x and y (default 0), width and height (default -1: absent); a <rect>'s
  // width and height may be its class's (ReadSizeRules).
  Status ReadBox(const pugi::xml_node& node, int* x, int* y, int* width,
                 int* height) const;
  // An <image>: painted from time_us on, or only defined (in <defs>).
  Status ReadImage(const pugi::xml_node& node, int64_t time_us, bool painted);
  Status ReadUse(const pugi::xml_node& node, int64_t time_us);
  // A one-colour patch: <rect x y width height fill="#rrggbb"/> (or
  // "#rgb"); or a sprite of a pattern sheet: fill="url(#pattern)".
  Status ReadRect(const pugi::xml_node& node, int64_t time_us);
  // In <defs>: a pattern sheet, <pattern id width="1" height="1"> (in the
  // units of the box it fills) or <pattern id [width height]
  // patternUnits="userSpaceOnUse"> (earlier versions), around one <image>,
  // or around one <use href="#image"/> of an earlier image with an id; or a
  // sprite's pattern: of a sheet in box units, <pattern id href="#sheet"
  // viewBox="vx vy width height">, whose tile is the box of the rect it
  // fills, of the viewBox's size, and shows the sheet's (vx, vy) at its
  // top left; or, of either sheet, <pattern id href="#sheet"
  // [patternUnits="userSpaceOnUse"] x y [width height] viewBox="vx vy
  // width height">, whose tile at (x, y) shows the sheet's (vx, vy) there
  // (its width and height, when not given, the sheet's; not for a sheet
  // in box units).
  Status ReadPattern(const pugi::xml_node& node);
  // A sprite: <svg x y width height><use href="#sheet" x="-sx" y="-sy"/>
  // </svg> (or, as written before, <svg x y width height viewBox="sx sy w
  // h"><use href="#sheet"/></svg>) shows the sheet's pixels in the box
  // (sx, sy, width, height) at (x, y).
  Status ReadSprite(const pugi::xml_node& node, int64_t time_us);
  // A move's piece: <svg x y width height><use href="#frame" x y/></svg>
  // shows the layers of an earlier frame's inner <g id="frame">, moved by
  // (x + use x, y + use y), inside the box.
  Status ReadMovedFrame(const pugi::xml_node& node, int64_t time_us,
                        std::pair<size_t, size_t> layers);
  // A frame's inner <g id>: its patches, which a later move may show again.
  Status ReadShownAgain(const pugi::xml_node& node, int64_t time_us);
  // Any of the patch elements inside a group (or the poster).
  Status ReadPatch(const pugi::xml_node& node, int64_t time_us);
  // A row: <svg y height> (x 0, the screen's width) around frames that
  // are each one sprite without y and height, which take the row's, and
  // <defs> of aliases.
  Status ReadRow(const pugi::xml_node& node);
  // A row's <defs>: <use id href="#image" x y/>, each an alias of the image
  // moved by (x, y), which its sprites may show instead.
  Status ReadAliases(const pugi::xml_node& defs);
  // A frame: a <g> of patches or one patch, with style="--d:<ms>ms" and,
  // when it is covered later, ";--e:<ms>ms" (hidden from then on).
  Status ReadFrame(const pugi::xml_node& node, bool group);
  // A top-level pointer <use> (class c: shown between two delays; class d:
  // from one delay on).
  Status ReadOverlay(const pugi::xml_node& node);
  // style="--d:<ms>ms" (a frame) or "animation-delay:<ms>ms[,<ms>ms...]"
  // (the pointer; frames in svgcast 1), ms with up to 3 decimals; then,
  // when looping, ";animation-name:<name>".
  Status ReadDelays(const pugi::xml_node& node,
                    std::vector<int64_t>* times_us) const;
  // A looping screencast's period: its <style> that begins
  // "[style]{animation-duration:<ms>ms;" (then the timing function, the
  // endless count and the keyframes, which the first time through does
  // not need: every piece shows from its delay on, or until its --e).
  // Other <style>s leave `period_us` as it is.
  Status ReadPeriod(const pugi::xml_node& style, int64_t* period_us) const;
  // The change times and what hides when (after Load()).
  void PlanTimes();

  const std::string path_;
  const std::string name_;  // for errors
  size_t max_layers_ = kMaxLayersBeyondFileBytes;
  cv::Size size_;
  ScreencastSettings settings_;
  std::vector<std::unique_ptr<Image>> images_;
  std::map<std::string, const Image*, std::less<>> images_by_id_;
  // Pattern sheets' images, by the pattern's id; sprites' patterns.
  struct Pattern {
    const Image* sheet;
    cv::Rect tile;   // in user space; or, in box units, (0, 0) and the size
    cv::Point view;  // the sheet's point shown at the tile's top left
    bool box_units;  // the tile is the box it fills
  };
  struct PatternSheet {
    const Image* image;
    cv::Size tile;  // its sprites' patterns' default width and height
    bool box_units;
  };
  std::map<std::string, PatternSheet, std::less<>> pattern_sheets_;
  std::map<std::string, Pattern, std::less<>> patterns_;
  // Inner <g id>s of frames: their layers, [first, last) in layers_.
  std::map<std::string, std::pair<size_t, size_t>, std::less<>> frames_by_id_;
  std::vector<Layer> layers_;    // shown for good, in document order
  std::vector<Layer> overlays_;  // shown for a while; after every layer
  // Inside a row: its y and height, what its sprites' boxes default to.
  std::optional<std::pair<int, int>> row_;
  int group_depth_ = 0;  // inner <g id>s being read, one inside another
  // Rects' sizes by class, from the <style>s (anywhere in the file).
  std::map<std::string, cv::Size, std::less<>> size_classes_;

  // Painting, time by time (PlanTimes(), Next()).
  bool in_time_order_ = true;
  std::vector<int64_t> times_;  // every change time, ascending
  // Layers that hide (frames covered by later ones), by when.
  std::multimap<int64_t, const Layer*> hiding_;
  size_t next_time_ = 0;   // into times_
  size_t next_layer_ = 0;  // into layers_ (in time order)
  // In time order: the layers painted and not hidden yet, in paint order
  // (what a box where one hides is painted again from: a coloured log's
  // 93,000 layers scanned at each of its 7,500 times took a fifth of
  // extract's time).
  std::vector<const Layer*> showing_;
  cv::Mat canvas_;
  cv::Mat shown_;  // the canvas with the pointer over it
};

std::string Describe(const pugi::xml_node& node) {
  return "<" + std::string(node.name()) + "> at byte " +
         std::to_string(node.offset_debug());
}

Status Reader::ReadSettings(std::string_view metadata) {
  std::vector<std::string_view> words;
  for (size_t at = 0; at < metadata.size();) {
    const size_t end = std::min(metadata.find(' ', at), metadata.size());
    words.push_back(metadata.substr(at, end - at));
    at = end + 1;
  }
  if (words.size() < 2 || words[0] != "svgcast" ||
      (words[1] != "1" && words[1] != "2")) {
    return Bad("no <metadata>svgcast 2</metadata>");
  }
  for (size_t i = 2; i < words.size(); i += 2) {
    const std::string_view name = words[i];
    const std::string_view value =
        i + 1 < words.size() ? words[i + 1] : std::string_view();
    if (name == "--codec" && (value == "png" || value == "webp")) {
      settings_.webp = value == "webp";
    } else if (name == "--align" && (value == "2" || value == "4")) {
      settings_.align_px = value == "4" ? 4 : 2;
    } else {
      return Bad(
          "<metadata> says more than svgcast 2 --codec png|webp --align 2|4");
    }
  }
  return Status::Ok();
}

Status Reader::ReadInt(const pugi::xml_node& node, const char* name,
                       int fallback, int* value) const {
  const pugi::xml_attribute attr = node.attribute(name);
  if (!attr) {
    *value = fallback;
    return Status::Ok();
  }
  const std::string_view text = attr.value();
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), *value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Bad(Describe(node) + " has " + name + "=\"" + std::string(text) +
               "\", not a whole number");
  }
  if (*value < -kMaxCoordinatePx || *value > kMaxCoordinatePx) {
    return Bad(Describe(node) + " has " + name + "=\"" + std::string(text) +
               "\", out of range");
  }
  return Status::Ok();
}

// "a b c d": four whole numbers, one space apart (a viewBox as svgcast
// writes it).
bool ParseViewBox(std::string_view text, int (&values)[4]) {
  const char* p = text.data();
  const char* const end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0 && (p == end || *p++ != ' ')) return false;
    const auto [next, error] = std::from_chars(p, end, values[i]);
    if (error != std::errc() || values[i] < -kMaxCoordinatePx ||
        values[i] > kMaxCoordinatePx) {
      return false;
    }
    p = next;
  }
  return p == end;
}

// The rules ".b{width:800px;height:16px}" of a <style>, which size the
// rects of class b; other rules are skipped.
void ReadSizeRules(std::string_view css,
                   std::map<std::string, cv::Size, std::less<>>* sizes) {
  constexpr std::string_view kWidth = "{width:";
  constexpr std::string_view kHeight = "px;height:";
  for (size_t at = css.find(kWidth); at != std::string_view::npos;
       at = css.find(kWidth, at + 1)) {
    size_t name_at = at;
    while (name_at > 0 &&
           std::isalpha(static_cast<unsigned char>(css[name_at - 1]))) {
      --name_at;
    }
    if (name_at == at || name_at == 0 || css[name_at - 1] != '.') continue;
    const char* p = css.data() + at + kWidth.size();
    const char* const end = css.data() + css.size();
    cv::Size size;
    const auto width = std::from_chars(p, end, size.width);
    if (width.ec != std::errc() ||
        !std::string_view(width.ptr, end - width.ptr).starts_with(kHeight)) {
      continue;
    }
    const auto height =
        std::from_chars(width.ptr + kHeight.size(), end, size.height);
    if (height.ec != std::errc() ||
        !std::string_view(height.ptr, end - height.ptr).starts_with("px}") ||
        size.width < 0 || size.width > kMaxCoordinatePx || size.height < 0 ||
        size.height > kMaxCoordinatePx) {
      continue;
    }
    (*sizes)[std::string(css.substr(name_at, at - name_at))] = size;
  }
}

// "146", "146.5" (ms) -> microseconds.
bool ParseMs(std::string_view number, int64_t* us) {
  const size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos
                                        ? std::string_view()
                                        : number.substr(dot + 1);
  int64_t ms = 0;
  auto [end, error] =
      std::from_chars(whole.data(), whole.data() + whole.size(), ms);
  constexpr int64_t kMaxMs = kMaxTimestampUs / 1000;  // 31 years
  bool ok = error == std::errc() && end == whole.data() + whole.size() &&
            ms >= 0 && ms <= kMaxMs && fraction.size() <= 3 &&
            (dot == std::string_view::npos || !fraction.empty());
  int64_t fraction_us = 0;
  for (size_t i = 0; ok && i < fraction.size(); ++i) {
    ok = fraction[i] >= '0' && fraction[i] <= '9';
    fraction_us += (fraction[i] - '0') * (i == 0 ? 100 : i == 1 ? 10 : 1);
  }
  if (!ok) return false;
  *us = ms * 1000 + fraction_us;
  return true;
}

// Whether `number` is a time in ms ("146", "146.5") past the longest
// svgcast reads: an SVG slowed or held that far is svgcast's, but too long
// to read back (README, "Errors"), which its message says.
bool PastTheLongestTime(std::string_view number) {
  const std::string_view whole = number.substr(0, number.find('.'));
  if (whole.empty() ||
      whole.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const std::string max = std::to_string(kMaxTimestampUs / 1000);
  const std::string_view digits =
      whole.substr(std::min(whole.find_first_not_of('0'), whole.size()));
  return digits.size() > max.size() ||
         (digits.size() == max.size() && digits > max);
}

Status Reader::TooLong(std::string_view what, std::string_view ms) const {
  return Status::Error(name_ + ": " + std::string(what) + " " +
                       std::string(ms.substr(0, 40)) + " ms, past " +
                       FormatMilliseconds(kMaxTimestampUs) +
                       " ms (31 years), the longest time svgcast reads back");
}

Status Reader::ReadPeriod(const pugi::xml_node& style,
                          int64_t* period_us) const {
  constexpr std::string_view kRule = "[style]{animation-duration:";
  const std::string_view css = style.child_value();
  if (!css.starts_with(kRule)) return Status::Ok();
  const std::string_view rest = css.substr(kRule.size());
  const size_t end = rest.find("ms;");
  if (*period_us >= 0) return Bad("two loops' animation-durations");
  if (end != std::string_view::npos &&
      PastTheLongestTime(rest.substr(0, end))) {
    return TooLong("its loop lasts", rest.substr(0, end));
  }
  if (end == std::string_view::npos ||
      !ParseMs(rest.substr(0, end), period_us)) {
    return Bad(Describe(style) + " has a bad animation-duration");
  }
  return Status::Ok();
}

Status Reader::ReadDelays(const pugi::xml_node& node,
                          std::vector<int64_t>* times_us) const {
  std::string_view style = node.attribute("style").value();
  std::string_view key = "--d:";
  if (!style.starts_with(key)) key = "animation-delay:";
  if (!style.starts_with(key)) {
    return Bad(Describe(node) + " has no animation-delay in ms");
  }
  // A looping screencast names the element's keyframes after the delays.
  if (const size_t name_at = style.find(";animation-name:");
      name_at != std::string_view::npos) {
    const std::string_view name = style.substr(name_at + 1);
    constexpr std::string_view kName = "animation-name:";
    if (name.size() == kName.size() ||
        name.find_first_of(";:,", kName.size()) != std::string_view::npos) {
      return Bad(Describe(node) + " has an unexpected style");
    }
    style = style.substr(0, name_at);
  }
  // A frame that ends: "--d:<ms>ms;--e:<ms>ms", read as two delays.
  std::string delays(style.substr(key.size()));
  if (key == "--d:" && delays.find(',') != std::string::npos) {
    return Bad(Describe(node) + " has two delays in --d");
  }
  if (const size_t end_at = delays.find(";--e:");
      key == "--d:" && end_at != std::string::npos) {
    delays.replace(end_at, 5, ",");
  }
  if (delays.find(';') != std::string::npos) {
    return Bad(Describe(node) + " has an unexpected style");
  }
  times_us->clear();
  if (delays.ends_with(',')) {  // ("--d:1ms;--e:", "animation-delay:1ms,")
    return Bad(Describe(node) + " has a bad animation-delay");
  }
  std::string_view rest = delays;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view()
                                           : rest.substr(comma + 1);
    int64_t us = 0;
    if (item.ends_with("ms") &&
        PastTheLongestTime(item.substr(0, item.size() - 2))) {
      return TooLong("a frame comes at", item.substr(0, item.size() - 2));
    }
    if (!item.ends_with("ms") ||
        !ParseMs(item.substr(0, item.size() - 2), &us)) {
      return Bad(Describe(node) + " has a bad animation-delay");
    }
    times_us->push_back(us);
  }
  if (times_us->empty()) return Bad(Describe(node) + " has no animation-delay");
  return Status::Ok();
}

Status Reader::ReadBox(const pugi::xml_node& node, int* x, int* y, int* width,
                       int* height) const {
  for (auto [name, fallback, value] :
       {std::tuple{"x", 0, x}, std::tuple{"y", row_ ? row_->first : 0, y},
        std::tuple{"width", -1, width},
        std::tuple{"height", row_ ? row_->second : -1, height}}) {
    if (Status s = ReadInt(node, name, fallback, value); !s.ok()) return s;
  }
  const pugi::xml_attribute size_class = node.attribute("class");
  if (!size_class || std::string_view(node.name()) != "rect") {
    return Status::Ok();
  }
  if (node.attribute("width") || node.attribute("height")) {
    return Bad(Describe(node) + " has both a class and a width or height");
  }
  const auto it = size_classes_.find(std::string_view(size_class.value()));
  if (it == size_classes_.end()) {
    return Bad(Describe(node) + " has class=\"" + size_class.value() +
               "\", which no <style> gives a width and height");
  }
  *width = it->second.width;
  *height = it->second.height;
  return Status::Ok();
}

Status Reader::ReadImage(const pugi::xml_node& node, int64_t time_us,
                         bool painted) {
  const std::string id = node.attribute("id").value();
  int x, y, width, height;
  if (Status s = ReadBox(node, &x, &y, &width, &height); !s.ok()) return s;
  if (width <= 0 || height <= 0) {
    return Bad(Describe(node) + " has no positive width and height");
  }
  const std::string_view href = node.attribute("href").value();
  const bool webp = href.starts_with(kWebpDataPrefix);
  if (!webp && !href.starts_with(kPngDataPrefix)) {
    return Bad(Describe(node) + " is not an embedded PNG or WebP");
  }
  std::vector<uint8_t> bytes;
  if (!DecodeBase64(
          href.substr(webp ? kWebpDataPrefix.size() : kPngDataPrefix.size()),
          &bytes)) {
    return Bad(Describe(node) + " has corrupt base64 data");
  }
  // Its size, from its header: checked before its pixels are decoded (a
  // small image file may hold a very large picture).
  cv::Size header_size;
  if (const Status s = webp ? WebpSize(bytes.data(), bytes.size(), &header_size)
                            : PngSize(bytes.data(), bytes.size(), &header_size);
      !s.ok()) {
    return Bad(Describe(node) + ": " + s.message());
  }
  if (header_size != cv::Size(width, height)) {
    return Bad(Describe(node) + " is " + std::to_string(width) + "x" +
               std::to_string(height) + " but its image is " +
               std::to_string(header_size.width) + "x" +
               std::to_string(header_size.height));
  }
  auto image = std::make_unique<Image>();
  // Patches may leave pixels that did not change transparent (so what is
  // shown below shows through), so alpha is always read; an image with
  // none is painted as a plain copy.
  const Status decoded =
      webp ? DecodeWebp(bytes.data(), bytes.size(), &image->pixels)
           : DecodePngWithAlpha(bytes.data(), bytes.size(), &image->pixels);
  if (!decoded.ok()) return Bad(Describe(node) + ": " + decoded.message());
  if (image->pixels.size() != header_size) {
    return Bad(Describe(node) + ": its image is not of its header's size");
  }
  image->has_alpha = false;
  for (int y = 0; y < image->pixels.rows && !image->has_alpha; ++y) {
    const auto* row = image->pixels.ptr<cv::Vec4b>(y);
    for (int x = 0; x < image->pixels.cols; ++x) {
      if (row[x][3] != 255) {
        image->has_alpha = true;
        break;
      }
    }
  }
  image->origin = {x, y};
  if (!id.empty() && !images_by_id_.emplace(id, image.get()).second) {
    return Bad("id \"" + id + "\" used twice");
  }
  if (painted) {
    if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
    layers_.push_back({time_us, image.get(), image->origin});
  }
  images_.push_back(std::move(image));
  return Status::Ok();
}

Status Reader::ReadUse(const pugi::xml_node& node, int64_t time_us) {
  const std::string_view href = node.attribute("href").value();
  if (!href.starts_with("#")) return Bad(Describe(node) + " has no #id href");
  auto it = images_by_id_.find(href.substr(1));
  if (it == images_by_id_.end()) {
    return Bad(Describe(node) + " refers to " + std::string(href) +
               ", which is not an earlier image");
  }
  int dx, dy;
  if (Status s = ReadInt(node, "x", 0, &dx); !s.ok()) return s;
  if (Status s = ReadInt(node, "y", 0, &dy); !s.ok()) return s;
  const Image* image = it->second;
  if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
  layers_.push_back({time_us, image, image->origin + cv::Point(dx, dy)});
  return Status::Ok();
}

Status Reader::ReadRect(const pugi::xml_node& node, int64_t time_us) {
  int x, y, width, height;
  if (Status s = ReadBox(node, &x, &y, &width, &height); !s.ok()) return s;
  const std::string_view fill = node.attribute("fill").value();
  if (fill.starts_with("url(#") && fill.ends_with(")")) {
    auto it = patterns_.find(fill.substr(5, fill.size() - 6));
    if (it == patterns_.end()) {
      return Bad(Describe(node) + " is filled with " + std::string(fill) +
                 ", which is not an earlier sprite's pattern");
    }
    const Pattern& pattern = it->second;
    const cv::Rect box(x, y, width, height);
    const cv::Rect tile = pattern.box_units
                              ? cv::Rect(box.tl(), pattern.tile.size())
                              : pattern.tile;
    if (pattern.box_units && tile != box) {
      return Bad(Describe(node) + " is not of its pattern's size " +
                 "(sprites are not scaled)");
    }
    const cv::Rect on_sheet =
        box + (pattern.view - tile.tl() - pattern.sheet->origin);
    if (width <= 0 || height <= 0 || (box & tile) != box ||
        (on_sheet & cv::Rect(cv::Point(), pattern.sheet->pixels.size())) !=
            on_sheet) {
      return Bad(Describe(node) + " shows more than its pattern's tile");
    }
    auto image = std::make_unique<Image>();
    image->pixels = pattern.sheet->pixels(on_sheet);  // a view
    image->has_alpha = pattern.sheet->has_alpha;
    image->origin = {x, y};
    if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
    layers_.push_back({time_us, image.get(), image->origin});
    images_.push_back(std::move(image));
    return Status::Ok();
  }
  // "#rrggbb", or "#rgb" (each digit doubled).
  unsigned rgb = 0;
  const auto [end, error] =
      (fill.size() == 7 || fill.size() == 4) && fill[0] == '#'
          ? std::from_chars(fill.data() + 1, fill.data() + fill.size(), rgb, 16)
          : std::from_chars_result{fill.data(), std::errc::invalid_argument};
  if (width <= 0 || height <= 0 || width > kMaxImageSidePx ||
      height > kMaxImageSidePx || error != std::errc() ||
      end != fill.data() + fill.size()) {
    return Bad(Describe(node) +
               " is not a sized rect with fill=\"#rrggbb\" or \"#rgb\"");
  }
  if (fill.size() == 4) {
    rgb = (rgb >> 8 & 0xFu) * 0x110000u + (rgb >> 4 & 0xFu) * 0x1100u +
          (rgb & 0xFu) * 0x11u;
  }
  auto image = std::make_unique<Image>();
  image->colour =
      cv::Scalar(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF, 255);
  image->colour_size = {width, height};
  image->origin = {x, y};
  if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
  layers_.push_back({time_us, image.get(), image->origin});
  images_.push_back(std::move(image));
  return Status::Ok();
}

Status Reader::ReadPattern(const pugi::xml_node& node) {
  const std::string id = node.attribute("id").value();
  if (id.empty() || pattern_sheets_.count(id) != 0 ||
      patterns_.count(id) != 0) {
    return Bad(Describe(node) + " has no id, or one used twice");
  }
  if (!node.attribute("href")) {  // a sheet
    const pugi::xml_node image = node.first_child();
    const std::string_view name = image.name();
    // (A <use> of an image: only its href.)
    const bool use = name == "use" && image.attribute("href") &&
                     !image.attribute("href").next_attribute() &&
                     !image.first_child();
    // (In box units: width="1" height="1", the box.)
    const std::string_view units = node.attribute("patternUnits").value();
    const bool box_units =
        !node.attribute("patternUnits") &&
        std::string_view(node.attribute("width").value()) == "1" &&
        std::string_view(node.attribute("height").value()) == "1";
    if ((units != "userSpaceOnUse" && !box_units) ||
        (name != "image" && !use) || image.attribute("id") ||
        image.next_sibling() || node.attribute("x") || node.attribute("y") ||
        node.attribute("viewBox")) {
      return Bad(Describe(node) +
                 " is not a sheet (width=\"1\" height=\"1\" or "
                 "userSpaceOnUse, around one <image> or a <use> of one)");
    }
    // (In user space, its width and height, if any, are its sprites'
    // patterns' default.)
    int width = 0, height = 0;
    if (!box_units) {
      if (Status s = ReadInt(node, "width", 0, &width); !s.ok()) return s;
      if (Status s = ReadInt(node, "height", 0, &height); !s.ok()) return s;
    }
    const Image* sheet = nullptr;
    if (use) {
      const std::string_view href = image.attribute("href").value();
      auto it = href.starts_with("#") ? images_by_id_.find(href.substr(1))
                                      : images_by_id_.end();
      if (it == images_by_id_.end()) {
        return Bad(Describe(image) + " is not a <use> of an earlier image");
      }
      sheet = it->second;
    } else {
      if (Status s = ReadImage(image, 0, /*painted=*/false); !s.ok()) return s;
      sheet = images_.back().get();
    }
    pattern_sheets_.emplace(
        id, PatternSheet{sheet, cv::Size(width, height), box_units});
    return Status::Ok();
  }
  const std::string_view href = node.attribute("href").value();
  auto sheet = href.starts_with("#") ? pattern_sheets_.find(href.substr(1))
                                     : pattern_sheets_.end();
  if (sheet == pattern_sheets_.end() || node.first_child()) {
    return Bad(Describe(node) + " is not a pattern of an earlier sheet");
  }
  int view[4] = {0, 0, 0, 0};
  const bool view_box = ParseViewBox(node.attribute("viewBox").value(), view);
  const std::string_view units = node.attribute("patternUnits").value();
  if (node.attribute("patternUnits") && units != "userSpaceOnUse") {
    return Bad(Describe(node) + " has patternUnits other than userSpaceOnUse");
  }
  // In the sheet's box units: its tile is the box it fills, of the
  // viewBox's size (checked there).
  if (sheet->second.box_units && units.empty()) {
    if (node.attribute("x") || node.attribute("y") || node.attribute("width") ||
        node.attribute("height") || !view_box || view[2] <= 0 || view[3] <= 0) {
      return Bad(Describe(node) +
                 " is not a box's pattern (a viewBox, no x, y, width or "
                 "height)");
    }
    patterns_.emplace(
        id, Pattern{sheet->second.image, cv::Rect(0, 0, view[2], view[3]),
                    cv::Point(view[0], view[1]), /*box_units=*/true});
    return Status::Ok();
  }
  int x, y, width, height;
  if (Status s = ReadBox(node, &x, &y, &width, &height); !s.ok()) return s;
  if (!node.attribute("width")) width = sheet->second.tile.width;
  if (!node.attribute("height")) height = sheet->second.tile.height;
  if (!view_box || width <= 0 || height <= 0 || view[2] != width ||
      view[3] != height) {
    return Bad(Describe(node) +
               " has no viewBox of its tile's size (sprites are not scaled)");
  }
  patterns_.emplace(id,
                    Pattern{sheet->second.image, cv::Rect(x, y, width, height),
                            cv::Point(view[0], view[1]), /*box_units=*/false});
  return Status::Ok();
}

Status Reader::ReadSprite(const pugi::xml_node& node, int64_t time_us) {
  int x, y, width, height;
  if (Status s = ReadBox(node, &x, &y, &width, &height); !s.ok()) return s;
  // Where on the sheet: the viewBox "sx sy w h" (svgcast 2 before ends),
  // or, without one, the <use> moved by (-sx, -sy).
  int box[4] = {0, 0, width, height};
  const pugi::xml_node use = node.first_child();
  bool ok = std::string_view(use.name()) == "use";
  if (const pugi::xml_attribute attr = node.attribute("viewBox"); attr) {
    ok = ok && ParseViewBox(attr.value(), box) && !use.attribute("x") &&
         !use.attribute("y");
  } else if (ok) {
    int moved_x, moved_y;
    if (Status s = ReadInt(use, "x", 0, &moved_x); !s.ok()) return s;
    if (Status s = ReadInt(use, "y", 0, &moved_y); !s.ok()) return s;
    box[0] = -moved_x;
    box[1] = -moved_y;
  }
  if (!ok || width <= 0 || height <= 0 || box[2] != width || box[3] != height ||
      use.next_sibling()) {
    return Bad(Describe(node) +
               " is not a sprite (sized, one <use>, moved or in a viewBox of "
               "its size)");
  }
  const std::string_view href = use.attribute("href").value();
  if (href.starts_with("#") && !node.attribute("viewBox")) {
    if (auto frame = frames_by_id_.find(href.substr(1));
        frame != frames_by_id_.end()) {
      return ReadMovedFrame(node, time_us, frame->second);
    }
  }
  auto it = href.starts_with("#") ? images_by_id_.find(href.substr(1))
                                  : images_by_id_.end();
  if (it == images_by_id_.end()) {
    return Bad(Describe(node) + " does not show an earlier image");
  }
  // (An image shown in a frame is at its own x, y; a sheet at 0, 0.)
  box[0] -= it->second->origin.x;
  box[1] -= it->second->origin.y;
  const cv::Rect sheet(cv::Point(0, 0), it->second->pixels.size());
  const cv::Rect box_rect(box[0], box[1], box[2], box[3]);
  if ((box_rect & sheet) != box_rect) {
    return Bad(Describe(node) + " shows more than its image");
  }
  auto image = std::make_unique<Image>();
  image->pixels = it->second->pixels(box_rect);  // a view; the sheet lives on
  image->has_alpha = it->second->has_alpha;
  image->origin = {x, y};
  if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
  layers_.push_back({time_us, image.get(), image->origin});
  images_.push_back(std::move(image));
  return Status::Ok();
}

Status Reader::ReadFrame(const pugi::xml_node& node, bool group) {
  std::vector<int64_t> times;
  if (Status s = ReadDelays(node, &times); !s.ok()) return s;
  if (times.size() == 2 && times[1] < times[0]) {
    return Bad(Describe(node) + " ends before it starts");
  }
  const size_t first = layers_.size();
  if (!group) {
    if (Status s = ReadPatch(node, times[0]); !s.ok()) return s;
  }
  for (const pugi::xml_node& child : node.children()) {
    if (!group) break;
    if (child.type() != pugi::node_element) continue;
    if (Status s = ReadPatch(child, times[0]); !s.ok()) return s;
  }
  if (times.size() == 2) {
    for (size_t n = first; n < layers_.size(); ++n) {
      layers_[n].hide_us = times[1];
    }
  }
  return Status::Ok();
}

Status Reader::ReadAliases(const pugi::xml_node& defs) {
  for (const pugi::xml_node& use : defs.children()) {
    if (use.type() != pugi::node_element) continue;
    const std::string id = use.attribute("id").value();
    const std::string_view href = use.attribute("href").value();
    auto it = href.starts_with("#") ? images_by_id_.find(href.substr(1))
                                    : images_by_id_.end();
    if (std::string_view(use.name()) != "use" || id.empty() ||
        it == images_by_id_.end()) {
      return Bad(Describe(use) +
                 " in a row's <defs> is not a <use id> of an earlier image");
    }
    int dx, dy;
    if (Status s = ReadInt(use, "x", 0, &dx); !s.ok()) return s;
    if (Status s = ReadInt(use, "y", 0, &dy); !s.ok()) return s;
    // The same pixels, moved: a sprite or <use> of it is one of the image
    // moved by both.
    auto alias = std::make_unique<Image>();
    alias->pixels = it->second->pixels;
    alias->has_alpha = it->second->has_alpha;
    alias->origin = it->second->origin + cv::Point(dx, dy);
    if (!images_by_id_.emplace(id, alias.get()).second) {
      return Bad("id \"" + id + "\" used twice");
    }
    images_.push_back(std::move(alias));
  }
  return Status::Ok();
}

Status Reader::ReadRow(const pugi::xml_node& node) {
  int y, height;
  if (Status s = ReadInt(node, "y", 0, &y); !s.ok()) return s;
  if (Status s = ReadInt(node, "height", -1, &height); !s.ok()) return s;
  if (y < 0 || height <= 0 || y + height > size_.height ||
      node.attribute("x") || node.attribute("width") || !node.first_child()) {
    return Bad(Describe(node) +
               " is not a row (y and height, with sprites inside)");
  }
  int sprites = 0;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (std::string_view(child.name()) == "defs") {
      if (Status s = ReadAliases(child); !s.ok()) return s;
      continue;
    }
    if (std::string_view(child.name()) != "svg" || !child.attribute("style") ||
        child.attribute("y") || child.attribute("height")) {
      return Bad(Describe(child) +
                 " in a row is not a sprite frame without y and height");
    }
    row_.emplace(y, height);
    const Status s = ReadFrame(child, /*group=*/false);
    row_.reset();
    if (!s.ok()) return s;
    sprites += 1;
  }
  if (sprites == 0) {
    return Bad(Describe(node) + " is a row without sprites");
  }
  return Status::Ok();
}

Status Reader::ReadMovedFrame(const pugi::xml_node& node, int64_t time_us,
                              std::pair<size_t, size_t> layers) {
  int x, y, width, height, moved_x, moved_y;
  if (Status s = ReadBox(node, &x, &y, &width, &height); !s.ok()) return s;
  const pugi::xml_node use = node.first_child();
  if (Status s = ReadInt(use, "x", 0, &moved_x); !s.ok()) return s;
  if (Status s = ReadInt(use, "y", 0, &moved_y); !s.ok()) return s;
  if (!overlays_.empty()) return Bad(Describe(node) + " after the pointer");
  if (layers_.size() + (layers.second - layers.first) > max_layers_) {
    return Bad(Describe(node) + " shows earlier frames again past " +
               std::to_string(max_layers_) +
               " patches in all (moves of moves of moves...)");
  }
  const cv::Rect box(x, y, width, height);
  const cv::Point shift(x + moved_x, y + moved_y);
  for (size_t n = layers.first; n < layers.second; ++n) {
    Layer copy = layers_[n];
    copy.time_us = time_us;
    copy.hide_us = kForever;
    copy.at += shift;
    copy.clip = copy.clip ? (*copy.clip + shift) & box : box;
    layers_.push_back(copy);
  }
  return Status::Ok();
}

Status Reader::ReadShownAgain(const pugi::xml_node& node, int64_t time_us) {
  const std::string id = node.attribute("id").value();
  if (id.empty()) return Bad(Describe(node) + " has no id");
  if (group_depth_ == kMaxGroupDepth) {
    return Bad(Describe(node) + " is nested in more than " +
               std::to_string(kMaxGroupDepth) + " groups");
  }
  const size_t first = layers_.size();
  group_depth_ += 1;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (Status s = ReadPatch(child, time_us); !s.ok()) return s;
  }
  group_depth_ -= 1;
  if (images_by_id_.count(id) != 0 ||
      !frames_by_id_.emplace(id, std::make_pair(first, layers_.size()))
           .second) {
    return Bad("id \"" + id + "\" used twice");
  }
  return Status::Ok();
}

Status Reader::ReadPatch(const pugi::xml_node& node, int64_t time_us) {
  const std::string_view name = node.name();
  return name == "image"  ? ReadImage(node, time_us, /*painted=*/true)
         : name == "use"  ? ReadUse(node, time_us)
         : name == "rect" ? ReadRect(node, time_us)
         : name == "svg"  ? ReadSprite(node, time_us)
         : name == "g" && node.attribute("id")
             ? ReadShownAgain(node, time_us)
             : Bad("unexpected " + Describe(node));
}

Status Reader::ReadOverlay(const pugi::xml_node& node) {
  const std::string_view href = node.attribute("href").value();
  const std::string_view kind = node.attribute("class").value();
  auto it = href.starts_with("#") ? images_by_id_.find(href.substr(1))
                                  : images_by_id_.end();
  if (it == images_by_id_.end()) {
    return Bad(Describe(node) + " does not refer to an earlier image");
  }
  std::vector<int64_t> times;
  if (Status s = ReadDelays(node, &times); !s.ok()) return s;
  Layer overlay{times[0], it->second, it->second->origin};
  if (kind == "c" && times.size() == 2 && times[1] >= times[0]) {
    overlay.hide_us = times[1];
  } else if (!(kind == "d" && times.size() == 1)) {
    return Bad(Describe(node) + " is not a pointer (class c or d)");
  }
  int x, y;
  if (Status s = ReadInt(node, "x", 0, &x); !s.ok()) return s;
  if (Status s = ReadInt(node, "y", 0, &y); !s.ok()) return s;
  overlay.at += cv::Point(x, y);
  overlays_.push_back(overlay);
  return Status::Ok();
}

// Paints a layer over the canvas: a copy for opaque images, "source over"
// with straight alpha otherwise (rounded to the nearest 8-bit value, as
// browsers blend images).
// (Only inside `clip`, when given.)
void Paint(const Layer& layer, cv::Mat* canvas,
           std::optional<cv::Rect> clip = std::nullopt) {
  cv::Rect canvas_rect =
      clip.value_or(cv::Rect(0, 0, canvas->cols, canvas->rows));
  if (layer.clip) canvas_rect &= *layer.clip;
  const cv::Rect target(layer.at, layer.image->size());
  const cv::Rect visible = target & canvas_rect;
  if (visible.empty()) return;
  if (layer.image->colour) {
    (*canvas)(visible).setTo(*layer.image->colour);
    return;
  }
  const cv::Mat source = layer.image->pixels(visible - layer.at);
  cv::Mat destination = (*canvas)(visible);
  if (!layer.image->has_alpha) {
    source.copyTo(destination);
    return;
  }
  for (int y = 0; y < source.rows; ++y) {
    const auto* src = source.ptr<cv::Vec4b>(y);
    auto* dst = destination.ptr<cv::Vec4b>(y);
    for (int x = 0; x < source.cols; ++x) {
      const int alpha = src[x][3];
      for (int c = 0; c < 3; ++c) {
        dst[x][c] = static_cast<uint8_t>(
            (src[x][c] * alpha + dst[x][c] * (255 - alpha) + 127) / 255);
      }
    }
  }
}

// What pugixml lets through but a browser refuses (and would show as an
// error instead of the picture): more than one root element, text beside
// it, an attribute given twice. And an id given twice: a browser shows
// the first element of an id, which the reader, finding elements by id
// and kind, might not. (A walk without recursion: nesting may be deep.)
Status Reader::CheckWellFormed(const pugi::xml_document& doc) const {
  int roots = 0;
  for (const pugi::xml_node& node : doc.children()) {
    if (node.type() == pugi::node_element) roots += 1;
    if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
      return Bad("text outside the root element");
    }
  }
  if (roots != 1) {
    return Bad(roots == 0 ? "no root element" : "more than one root element");
  }
  std::set<std::string_view> ids;
  std::vector<std::string_view> names;
  for (pugi::xml_node node = doc.document_element(); node;) {
    names.clear();
    for (const pugi::xml_attribute& attr : node.attributes()) {
      names.push_back(attr.name());
      if (names.back() == "id" && !ids.insert(attr.value()).second) {
        return Bad("id \"" + std::string(attr.value()) + "\" used twice");
      }
    }
    std::sort(names.begin(), names.end());
    if (const auto twice = std::adjacent_find(names.begin(), names.end());
        twice != names.end()) {
      return Bad(Describe(node) + " has " + std::string(*twice) + " twice");
    }
    // Next: the first child, else the next sibling of it or of the nearest
    // parent that has one.
    if (pugi::xml_node child = node.first_child(); child) {
      node = child;
      continue;
    }
    while (node && !node.next_sibling()) node = node.parent();
    if (node) node = node.next_sibling();
  }
  return Status::Ok();
}

// The whole file (a pipe too: read to its end). Errors name it.
Status ReadWholeFile(const std::string& path, const std::string& name,
                     std::string* text) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT ? Status::Error(name + ": no such file")
                           : Status::FromErrno(name + ": cannot read", errno);
  }
  struct stat file {};
  if (::fstat(fd, &file) == 0 && S_ISDIR(file.st_mode)) {
    ::close(fd);
    return Status::Error(name + ": a folder, not an SVG file");
  }
  text->clear();
  if (S_ISREG(file.st_mode)) text->reserve(static_cast<size_t>(file.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Status::FromErrno(name + ": cannot read", error);
    }
    if (n == 0) break;
    text->append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

Status Reader::Load() {
  std::string text;  // (parsed in place: it outlives `doc`)
  if (Status s = ReadWholeFile(path_, name_, &text); !s.ok()) return s;
  if (text.empty()) return Status::Error(name_ + ": empty file");
  max_layers_ = kMaxLayersBeyondFileBytes + text.size();
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
      text.data(), text.size(), pugi::parse_default | pugi::parse_fragment);
  if (parsed.status == pugi::status_out_of_memory) {
    return Status::Error(name_ + ": out of memory reading it");
  }
  if (!parsed) {
    return Bad(std::string("XML error at byte ") +
               std::to_string(parsed.offset) + ": " + parsed.description());
  }
  if (Status s = CheckWellFormed(doc); !s.ok()) return s;
  const pugi::xml_node root = doc.document_element();
  if (std::strcmp(root.name(), "svg") != 0) return Bad("the root is not <svg>");
  if (Status s = ReadSettings(root.child_value("metadata")); !s.ok()) {
    return s;
  }
  int width, height;
  if (Status s = ReadInt(root, "width", -1, &width); !s.ok()) return s;
  if (Status s = ReadInt(root, "height", -1, &height); !s.ok()) return s;
  if (width <= 0 || height <= 0 || width > kMaxImageSidePx ||
      height > kMaxImageSidePx) {
    return Bad("no usable width and height on <svg>");
  }
  size_ = {width, height};
  // (The rules sizing rects by class are written at the end, and so is
  // a loop's period.)
  int64_t period_us = -1;
  for (const pugi::xml_node& style : root.children("style")) {
    ReadSizeRules(style.child_value(), &size_classes_);
    if (Status s = ReadPeriod(style, &period_us); !s.ok()) return s;
  }

  for (const pugi::xml_node& node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    const std::string_view name = node.name();
    Status s;
    if (name == "metadata" || name == "style") continue;
    if (name == "use" && node.attribute("class")) {
      s = ReadOverlay(node);
    } else if (node.attribute("style") &&
               (name == "image" || name == "rect" || name == "use" ||
                name == "svg")) {  // a frame of one patch
      s = ReadFrame(node, /*group=*/false);
    } else if (name == "svg") {
      s = ReadRow(node);
    } else if (name == "image" || name == "rect") {  // the poster
      s = ReadPatch(node, 0);
    } else if (name == "defs") {  // sheets, pointer images: not painted
      for (const pugi::xml_node& child : node.children()) {
        if (child.type() != pugi::node_element) continue;
        const std::string_view child_name = child.name();
        s = child_name == "image"     ? ReadImage(child, 0, /*painted=*/false)
            : child_name == "pattern" ? ReadPattern(child)
                                      : Bad("unexpected " + Describe(child));
        if (!s.ok()) return s;
      }
    } else if (name == "g" && node.attribute("id") &&
               !node.attribute("style")) {
      s = ReadShownAgain(node, 0);  // the poster, shown again by a move
    } else if (name == "g") {
      s = ReadFrame(node, /*group=*/true);
    } else {
      s = Bad("unexpected " + Describe(node));
    }
    if (!s.ok()) return s;
  }
  if (layers_.empty()) return Bad("no images");
  PlanTimes();
  if (period_us >= 0) {
    if (period_us < times_.back()) {
      return Bad("its loop's animation-duration ends before its last change");
    }
    settings_.loop_hold_us = period_us - times_.back();
  }
  return Status::Ok();
}

// A browser paints, at time t, every element whose time has come (and, for
// the pointer, not gone), in document order. svgcast writes groups in time
// order, so each change time only adds layers; any other order is
// repainted from scratch. The pointer overlays come after every layer, so
// they are painted over a copy of the canvas.
void Reader::PlanTimes() {
  in_time_order_ = std::is_sorted(
      layers_.begin(), layers_.end(),
      [](const Layer& a, const Layer& b) { return a.time_us < b.time_us; });
  for (const Layer& layer : layers_) {
    times_.push_back(layer.time_us);
    if (layer.hide_us != kForever) {
      times_.push_back(layer.hide_us);
      hiding_.emplace(layer.hide_us, &layer);
    }
  }
  for (const Layer& overlay : overlays_) {
    times_.push_back(overlay.time_us);
    if (overlay.hide_us != kForever) times_.push_back(overlay.hide_us);
  }
  std::sort(times_.begin(), times_.end());
  times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
  canvas_.create(size_, CV_8UC4);
  canvas_.setTo(cv::Scalar(0, 0, 0, 255));
}

bool Reader::Next(DecodedFrame* frame) {
  if (next_time_ == times_.size()) return false;
  const int64_t time = times_[next_time_++];
  if (in_time_order_) {
    for (; next_layer_ < layers_.size() && layers_[next_layer_].time_us <= time;
         ++next_layer_) {
      Paint(layers_[next_layer_], &canvas_);
      showing_.push_back(&layers_[next_layer_]);
    }
    const auto [from, to] = hiding_.equal_range(time);
    if (from != to) {
      std::erase_if(showing_, [time](const Layer* layer) {
        return layer->hide_us <= time;
      });
    }
    // Where a layer hides, what is shown without it: that box painted
    // again from the first layer (not assuming it is covered there).
    for (auto it = from; it != to; ++it) {
      const cv::Rect box = cv::Rect(it->second->at, it->second->image->size()) &
                           cv::Rect(0, 0, canvas_.cols, canvas_.rows);
      canvas_(box).setTo(cv::Scalar(0, 0, 0, 255));
      for (const Layer* layer : showing_) Paint(*layer, &canvas_, box);
    }
  } else {
    canvas_.setTo(cv::Scalar(0, 0, 0, 255));
    for (const Layer& layer : layers_) {
      if (layer.time_us <= time && time < layer.hide_us) {
        Paint(layer, &canvas_);
      }
    }
  }
  const cv::Mat* pixels = &canvas_;
  bool copied = false;
  for (const Layer& overlay : overlays_) {
    if (overlay.time_us > time || time >= overlay.hide_us) continue;
    if (!copied) {
      canvas_.copyTo(shown_);
      copied = true;
      pixels = &shown_;
    }
    Paint(overlay, &shown_);
  }
  *frame = DecodedFrame{time, *pixels};
  return true;
}

}  // namespace

Status ScreencastDecoder::Open(const std::string& path,
                               std::unique_ptr<ScreencastDecoder>* decoder,
                               const std::string& name) {
  const std::string& shown_name = name.empty() ? path : name;
  auto reader = std::make_unique<Reader>(path, shown_name);
  // (Its pictures may be larger than the memory there is.)
  try {
    if (Status s = reader->Load(); !s.ok()) return s;
  } catch (const std::bad_alloc&) {
    return Status::Error(shown_name + ": out of memory reading it");
  } catch (const cv::Exception& e) {
    return Status::Error(shown_name + ": cannot read it (" + e.err + ")");
  }
  *decoder = std::move(reader);
  return Status::Ok();
}

Status DecodeScreencast(
    const std::string& path,
    const std::function<Status(const DecodedFrame&)>& on_frame) {
  std::unique_ptr<ScreencastDecoder> decoder;
  if (Status s = ScreencastDecoder::Open(path, &decoder); !s.ok()) return s;
  DecodedFrame frame;
  while (decoder->Next(&frame)) {
    if (Status s = on_frame(frame); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace svgcast
