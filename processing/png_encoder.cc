#include "processing/png_encoder.h"

#include <png.h>

#include <cstdio>
#include <cstring>

namespace svgcast {
namespace {

struct ErrorText {
  char text[256];
};

struct ByteSink {
  std::vector<uint8_t>* out;
  bool failed;
};

void OnError(png_structp png, png_const_charp message) {
  auto* error = static_cast<ErrorText*>(png_get_error_ptr(png));
  std::snprintf(error->text, sizeof error->text, "%s", message);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

void AppendBytes(png_structp png, png_bytep data, size_t length) {
  auto* sink = static_cast<ByteSink*>(png_get_io_ptr(png));
  try {
    sink->out->insert(sink->out->end(), data, data + length);
  } catch (...) {
    png_error(png, "out of memory for the encoded PNG");
  }
}

void Flush(png_structp) {}

// The one function that calls setjmp: C style on purpose (no C++ object
// with a destructor is alive in it). `rows` point at BGRX pixels.
bool EncodeWithLibpng(png_bytep* rows, int width, int height, int zlib_level,
                      bool with_alpha, ByteSink* sink, ErrorText* error) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, error, OnError, OnWarning);
  if (png == nullptr) {
    std::snprintf(error->text, sizeof error->text, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::snprintf(error->text, sizeof error->text, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, sink, AppendBytes, Flush);
  png_set_compression_level(png, zlib_level);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width),
               static_cast<png_uint_32>(height), 8,
               with_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_set_bgr(png);
  if (!with_alpha) png_set_filler(png, 0, PNG_FILLER_AFTER);  // drop X
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

Status Encode(const cv::Mat& bgrx, const PngOptions& options, bool with_alpha,
              std::vector<uint8_t>* png) {
  if (bgrx.type() != CV_8UC4 || bgrx.empty()) {
    return Status::Error("PNG encoder: expected a non-empty 4-channel image");
  }
  std::vector<png_bytep> rows(static_cast<size_t>(bgrx.rows));
  for (int y = 0; y < bgrx.rows; ++y) {
    // libpng only reads the rows; the cast drops const for its C API.
    rows[y] = const_cast<png_bytep>(bgrx.ptr<uint8_t>(y));
  }
  png->clear();
  ByteSink sink{png, false};
  ErrorText error{};
  if (!EncodeWithLibpng(rows.data(), bgrx.cols, bgrx.rows, options.zlib_level,
                        with_alpha, &sink, &error)) {
    return Status::Error(std::string("PNG encoder: ") + error.text);
  }
  return Status::Ok();
}

}  // namespace

Status EncodePng(const cv::Mat& bgrx, const PngOptions& options,
                 std::vector<uint8_t>* png) {
  return Encode(bgrx, options, /*with_alpha=*/false, png);
}

Status EncodePngWithAlpha(const cv::Mat& bgra, const PngOptions& options,
                          std::vector<uint8_t>* png) {
  return Encode(bgra, options, /*with_alpha=*/true, png);
}

}  // namespace svgcast
