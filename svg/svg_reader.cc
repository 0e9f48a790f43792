#include "svg/svg_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "capture/png_reader.h"
#include "svg/base64.h"

namespace svgcast {
namespace {

constexpr std::string_view kPngDataPrefix = "data:image/png;base64,";

struct Image {
  cv::Mat pixels;  // BGRX
  cv::Point origin;
};

// One thing painted: an image (or a <use> of one) from time_us on.
struct Layer {
  int64_t time_us;
  const Image* image;
  cv::Point at;
};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  Status Read(const std::function<Status(const DecodedFrame&)>& on_frame);

 private:
  Status Bad(const std::string& why) const {
    return Status::Error(path_ + ": not an svgcast SVG (" + why + ")");
  }
  Status ReadInt(const pugi::xml_node& node, const char* name, int fallback,
                 int* value) const;
  Status ReadImage(const pugi::xml_node& node, int64_t time_us);
  Status ReadUse(const pugi::xml_node& node, int64_t time_us);
  Status ReadDelay(const pugi::xml_node& group, int64_t* time_us) const;

  const std::string path_;
  cv::Size size_;
  std::vector<std::unique_ptr<Image>> images_;
  std::map<std::string, const Image*, std::less<>> images_by_id_;
  std::vector<Layer> layers_;
};

std::string Describe(const pugi::xml_node& node) {
  return "<" + std::string(node.name()) + "> at byte " +
         std::to_string(node.offset_debug());
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
  return Status::Ok();
}

Status Reader::ReadDelay(const pugi::xml_node& group, int64_t* time_us) const {
  // style="animation-delay:<ms>ms", ms with up to three decimals.
  const std::string_view style = group.attribute("style").value();
  constexpr std::string_view kKey = "animation-delay:";
  if (!style.starts_with(kKey) || !style.ends_with("ms")) {
    return Bad(Describe(group) + " has no animation-delay in ms");
  }
  const std::string_view number =
      style.substr(kKey.size(), style.size() - kKey.size() - 2);
  const size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos
                                        ? std::string_view()
                                        : number.substr(dot + 1);
  int64_t ms = 0;
  auto [end, error] =
      std::from_chars(whole.data(), whole.data() + whole.size(), ms);
  bool ok = error == std::errc() && end == whole.data() + whole.size() &&
            ms >= 0 && fraction.size() <= 3 &&
            (dot == std::string_view::npos || !fraction.empty());
  int64_t fraction_us = 0;
  for (size_t i = 0; ok && i < fraction.size(); ++i) {
    ok = fraction[i] >= '0' && fraction[i] <= '9';
    fraction_us += (fraction[i] - '0') * (i == 0 ? 100 : i == 1 ? 10 : 1);
  }
  if (!ok) return Bad(Describe(group) + " has a bad animation-delay");
  *time_us = ms * 1000 + fraction_us;
  return Status::Ok();
}

Status Reader::ReadImage(const pugi::xml_node& node, int64_t time_us) {
  const std::string id = node.attribute("id").value();
  int x, y, width, height;
  for (auto [name, fallback, value] :
       {std::tuple{"x", 0, &x}, std::tuple{"y", 0, &y},
        std::tuple{"width", -1, &width}, std::tuple{"height", -1, &height}}) {
    if (Status s = ReadInt(node, name, fallback, value); !s.ok()) return s;
  }
  if (width <= 0 || height <= 0) {
    return Bad(Describe(node) + " has no positive width and height");
  }
  const std::string_view href = node.attribute("href").value();
  if (!href.starts_with(kPngDataPrefix)) {
    return Bad(Describe(node) + " is not an embedded PNG");
  }
  std::vector<uint8_t> png;
  if (!DecodeBase64(href.substr(kPngDataPrefix.size()), &png)) {
    return Bad(Describe(node) + " has corrupt base64 data");
  }
  auto image = std::make_unique<Image>();
  if (Status s = DecodePng(png.data(), png.size(), &image->pixels); !s.ok()) {
    return Bad(Describe(node) + ": " + s.message());
  }
  if (image->pixels.cols != width || image->pixels.rows != height) {
    return Bad(Describe(node) + " is " + std::to_string(width) + "x" +
               std::to_string(height) + " but its PNG is " +
               std::to_string(image->pixels.cols) + "x" +
               std::to_string(image->pixels.rows));
  }
  image->origin = {x, y};
  if (!id.empty() && !images_by_id_.emplace(id, image.get()).second) {
    return Bad("id \"" + id + "\" used twice");
  }
  layers_.push_back({time_us, image.get(), image->origin});
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
  layers_.push_back({time_us, image, image->origin + cv::Point(dx, dy)});
  return Status::Ok();
}

void Paint(const Layer& layer, cv::Mat* canvas) {
  const cv::Rect canvas_rect(0, 0, canvas->cols, canvas->rows);
  const cv::Rect target(layer.at, layer.image->pixels.size());
  const cv::Rect visible = target & canvas_rect;
  if (visible.empty()) return;
  layer.image->pixels(visible - layer.at).copyTo((*canvas)(visible));
}

Status Reader::Read(
    const std::function<Status(const DecodedFrame&)>& on_frame) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_file(path_.c_str());
  if (parsed.status == pugi::status_file_not_found) {
    return Status::Error(path_ + ": no such file");
  }
  if (parsed.status == pugi::status_io_error ||
      parsed.status == pugi::status_out_of_memory) {
    return Status::Error(path_ + ": cannot read (" +
                         std::string(parsed.description()) + ")");
  }
  if (!parsed) {
    return Bad(std::string("XML error at byte ") +
               std::to_string(parsed.offset) + ": " + parsed.description());
  }
  const pugi::xml_node root = doc.document_element();
  if (std::strcmp(root.name(), "svg") != 0) return Bad("the root is not <svg>");
  if (std::string_view(root.child_value("metadata")) != "svgcast 1") {
    return Bad("no <metadata>svgcast 1</metadata>");
  }
  int width, height;
  if (Status s = ReadInt(root, "width", -1, &width); !s.ok()) return s;
  if (Status s = ReadInt(root, "height", -1, &height); !s.ok()) return s;
  if (width <= 0 || height <= 0 || width > kMaxImageSidePx ||
      height > kMaxImageSidePx) {
    return Bad("no usable width and height on <svg>");
  }
  size_ = {width, height};

  for (const pugi::xml_node& node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    const std::string_view name = node.name();
    if (name == "metadata" || name == "style") continue;
    if (name == "image") {
      if (Status s = ReadImage(node, 0); !s.ok()) return s;
    } else if (name == "g") {
      int64_t time_us;
      if (Status s = ReadDelay(node, &time_us); !s.ok()) return s;
      for (const pugi::xml_node& child : node.children()) {
        if (child.type() != pugi::node_element) continue;
        const std::string_view child_name = child.name();
        Status s = child_name == "image" ? ReadImage(child, time_us)
                   : child_name == "use" ? ReadUse(child, time_us)
                                         : Bad("unexpected " + Describe(child));
        if (!s.ok()) return s;
      }
    } else {
      return Bad("unexpected " + Describe(node));
    }
  }
  if (layers_.empty()) return Bad("no images");

  // A browser paints, at time t, every element whose time has come, in
  // document order. svgcast writes groups in time order, so each change
  // time only adds layers; any other order is repainted from scratch.
  const bool in_time_order = std::is_sorted(
      layers_.begin(), layers_.end(),
      [](const Layer& a, const Layer& b) { return a.time_us < b.time_us; });
  std::vector<int64_t> times;
  for (const Layer& layer : layers_) times.push_back(layer.time_us);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());

  cv::Mat canvas(size_, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  size_t next_layer = 0;
  for (int64_t time : times) {
    if (in_time_order) {
      for (; next_layer < layers_.size() && layers_[next_layer].time_us == time;
           ++next_layer) {
        Paint(layers_[next_layer], &canvas);
      }
    } else {
      canvas.setTo(cv::Scalar(0, 0, 0, 255));
      for (const Layer& layer : layers_) {
        if (layer.time_us <= time) Paint(layer, &canvas);
      }
    }
    if (Status s = on_frame(DecodedFrame{time, canvas}); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status DecodeScreencast(
    const std::string& path,
    const std::function<Status(const DecodedFrame&)>& on_frame) {
  return Reader(path).Read(on_frame);
}

}  // namespace svgcast
