#include "svg/svg_writer.h"

#include <stdexcept>
#include <utility>

#include "capture/manifest.h"
#include "processing/png_encoder.h"
#include "svg/base64.h"

namespace svgcast {
namespace {

uint64_t Fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (uint8_t b : bytes) {
    hash ^= b;
    hash *= 1099511628211ull;
  }
  return hash;
}

// 0 -> "a", 25 -> "z", 26 -> "A", 51 -> "Z", 52 -> "ba", ...: short ids made
// of letters only (valid XML names).
std::string IdFor(uint64_t n) {
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id;
  do {
    id.insert(id.begin(), kLetters[n % 52]);
    n /= 52;
  } while (n != 0);
  return id;
}

std::string Attr(const char* name, int value) {
  return std::string(" ") + name + "=\"" + std::to_string(value) + "\"";
}

}  // namespace

SvgWriter::SvgWriter(cv::Size size, OutputFile* out) : size_(size), out_(out) {}

void SvgWriter::WriteHeaderOnce() {
  if (header_written_) return;
  header_written_ = true;
  const std::string w = std::to_string(size_.width);
  const std::string h = std::to_string(size_.height);
  out_->Write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w +
              "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
              "\">\n<metadata>svgcast 1</metadata>\n"
              "<style>g{visibility:hidden;animation:a 0s forwards}"
              "@keyframes a{to{visibility:visible}}</style>\n");
}

void SvgWriter::AppendPatch(const EncodedPatch& patch, std::string* markup) {
  const std::vector<uint8_t>& png = *patch.png;
  std::vector<StoredImage>& same_hash = stored_[Fnv1a(png)];
  for (const StoredImage& image : same_hash) {
    if (*image.png == png) {
      *markup += "<use href=\"#" + image.id + "\"" +
                 Attr("x", patch.rect.x - image.origin.x) +
                 Attr("y", patch.rect.y - image.origin.y) + "/>";
      stats_.reused += 1;
      return;
    }
  }
  StoredImage image{patch.png, IdFor(next_id_++), patch.rect.tl()};
  *markup += "<image id=\"" + image.id + "\"";
  if (patch.rect.x != 0) *markup += Attr("x", patch.rect.x);
  if (patch.rect.y != 0) *markup += Attr("y", patch.rect.y);
  *markup += Attr("width", patch.rect.width) +
             Attr("height", patch.rect.height) +
             " href=\"data:image/png;base64,";
  AppendBase64(png.data(), png.size(), markup);
  *markup += "\"/>";
  stats_.images += 1;
  stats_.png_bytes += png.size();
  same_hash.push_back(std::move(image));
}

void SvgWriter::TrackCursor(const CursorSample& cursor, int64_t time_us,
                            std::string* markup) {
  std::optional<CursorSpan> now;
  if (cursor.visible && !cursor.image.empty()) {
    auto [it, added] = cursor_images_.try_emplace(cursor.shape_serial);
    if (added) {
      std::vector<uint8_t> png;
      if (Status s = EncodePngWithAlpha(cursor.image, PngOptions{}, &png);
          !s.ok()) {
        throw std::runtime_error(s.message());
      }
      it->second = IdFor(next_id_++);
      *markup += "<defs><image id=\"" + it->second + "\"" +
                 Attr("width", cursor.image.cols) +
                 Attr("height", cursor.image.rows) +
                 " href=\"data:image/png;base64,";
      AppendBase64(png.data(), png.size(), markup);
      *markup += "\"/></defs>\n";
      stats_.cursor_images += 1;
      stats_.png_bytes += png.size();
    }
    now = CursorSpan{it->second, cursor.position - cursor.hotspot, time_us};
  }
  const bool same = now.has_value() == cursor_span_.has_value() &&
                    (!now || (now->image_id == cursor_span_->image_id &&
                              now->top_left == cursor_span_->top_left));
  if (same) return;
  CloseCursorSpan(time_us);
  cursor_span_ = now;
}

void SvgWriter::CloseCursorSpan(int64_t until_us) {
  if (!cursor_span_) return;
  const CursorSpan& span = *cursor_span_;
  cursor_markup_ += "<use href=\"#" + span.image_id + "\"" +
                    Attr("x", span.top_left.x) + Attr("y", span.top_left.y);
  if (until_us >= 0) {
    cursor_markup_ += " class=\"c\" style=\"animation-delay:" +
                      FormatMilliseconds(span.since_us) + "ms," +
                      FormatMilliseconds(until_us) + "ms\"/>\n";
  } else {  // the last one: shown for good
    cursor_markup_ += " class=\"d\" style=\"animation-delay:" +
                      FormatMilliseconds(span.since_us) + "ms\"/>\n";
  }
  stats_.cursor_moves += 1;
  cursor_span_.reset();
}

void SvgWriter::WriteFrame(const EncodedFrame& frame) {
  WriteHeaderOnce();
  std::string markup;
  if (frame.cursor) {
    TrackCursor(*frame.cursor, frame.ticket.timestamp_us, &markup);
  }
  if (frame.patches.empty()) {  // identical to the frame before
    if (!markup.empty()) out_->Write(markup);
    return;
  }
  const bool poster = frame.ticket.seq == 0;
  if (!poster) {
    markup += "<g style=\"animation-delay:" +
              FormatMilliseconds(frame.ticket.timestamp_us) + "ms\">";
  }
  for (const EncodedPatch& patch : frame.patches) {
    if (patch.rect.x < 0 || patch.rect.y < 0 ||
        patch.rect.br().x > size_.width || patch.rect.br().y > size_.height) {
      throw std::logic_error("SVG writer: patch outside the frame");
    }
    AppendPatch(patch, &markup);
  }
  markup += poster ? "\n" : "</g>\n";
  out_->Write(markup);
}

void SvgWriter::Finish() {
  WriteHeaderOnce();
  CloseCursorSpan(-1);
  if (!cursor_markup_.empty()) {
    out_->Write(
        "<style>.c{visibility:hidden;animation:a 0s forwards,h 0s forwards}"
        ".d{visibility:hidden;animation:a 0s forwards}"
        "@keyframes h{to{visibility:hidden}}</style>\n");
    out_->Write(cursor_markup_);
  }
  out_->Write("</svg>\n");
}

}  // namespace svgcast
