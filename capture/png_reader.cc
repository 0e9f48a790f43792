#include "capture/png_reader.h"

#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <vector>

namespace svgcast {
namespace {

constexpr uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};

struct MemoryReader {
  const uint8_t* data;
  size_t size;
  size_t pos;
};

struct ErrorText {
  char text[256];
};

// Where the decoded rows go; filled in by a C++ callback once the size is
// known, so that no C++ object lives in the function that calls setjmp.
struct RowTarget {
  // Returns the row pointers for a width x height BGRX image, or nullptr
  // when the memory cannot be had.
  png_bytep* (*allocate)(void* context, int width, int height);
  void* context;
};

void OnError(png_structp png, png_const_charp message) {
  auto* error = static_cast<ErrorText*>(png_get_error_ptr(png));
  std::snprintf(error->text, sizeof error->text, "%s", message);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {
  // Warnings (a bad sRGB chunk, an unknown ancillary chunk) do not change
  // the pixels; stay quiet about them.
}

void ReadFromMemory(png_structp png, png_bytep out, size_t length) {
  auto* reader = static_cast<MemoryReader*>(png_get_io_ptr(png));
  if (reader->size - reader->pos < length) {
    png_error(png, "truncated PNG (data ends early)");
  }
  std::memcpy(out, reader->data + reader->pos, length);
  reader->pos += length;
}

// The one function that calls setjmp: C style on purpose. Returns true on
// success; on failure `error` says why.
bool DecodeWithLibpng(MemoryReader* reader, RowTarget* target, bool keep_alpha,
                      ErrorText* error) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, error, OnError, OnWarning);
  if (png == nullptr) {
    std::snprintf(error->text, sizeof error->text, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    std::snprintf(error->text, sizeof error->text, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, reader, ReadFromMemory);
  png_set_user_limits(png, kMaxImageSidePx, kMaxImageSidePx);
  png_read_info(png, info);

  const int color_type = png_get_color_type(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GA) {
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_gray_to_rgb(png);
  }
  png_set_scale_16(png);
  if (keep_alpha) {
    png_set_tRNS_to_alpha(png);
    png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);  // opaque if none
  } else {
    // Always: besides removing an alpha channel, this makes libpng drop a
    // tRNS chunk, which png_set_palette_to_rgb would otherwise expand into
    // an alpha byte where the filler (X = 255) belongs.
    png_set_strip_alpha(png);
    png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  }
  png_set_bgr(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);

  const int width = static_cast<int>(png_get_image_width(png, info));
  const int height = static_cast<int>(png_get_image_height(png, info));
  if (png_get_rowbytes(png, info) != static_cast<size_t>(width) * 4) {
    png_error(png, "unexpected row layout after conversion");
  }
  png_bytep* rows = target->allocate(target->context, width, height);
  if (rows == nullptr) png_error(png, "out of memory for the image");
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

struct MatTarget {
  cv::Mat* mat;
  std::vector<png_bytep> rows;
};

png_bytep* AllocateMat(void* context, int width, int height) {
  auto* target = static_cast<MatTarget*>(context);
  try {
    // Always a new buffer: the caller's Mat may share pixels with a frame
    // that is already published (and so immutable).
    *target->mat = cv::Mat(height, width, CV_8UC4);
    target->rows.resize(static_cast<size_t>(height));
    for (int y = 0; y < height; ++y) target->rows[y] = target->mat->ptr(y);
    return target->rows.data();
  } catch (...) {  // bad_alloc, cv::Exception: reported as a libpng error
    return nullptr;
  }
}

Status ReadWholeFile(const std::string& path, std::vector<uint8_t>* bytes) {
  // Chunked, so files of unknown size (a pipe, a FIFO) read as well.
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Status::Error(path + ": a folder, not a PNG file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(path, errno);
  constexpr size_t kChunk = 1 << 16;
  bytes->clear();
  for (;;) {
    const size_t old_size = bytes->size();
    bytes->resize(old_size + kChunk);
    in.read(reinterpret_cast<char*>(bytes->data() + old_size), kChunk);
    bytes->resize(old_size + static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return Status::Error(path + ": cannot read");
  return Status::Ok();
}

Status Decode(const uint8_t* data, size_t size, bool keep_alpha,
              cv::Mat* bgrx) {
  if (size == 0) return Status::Error("empty file, not a PNG");
  if (size < sizeof kSignature ||
      std::memcmp(data, kSignature, sizeof kSignature) != 0) {
    return Status::Error("not a PNG file (bad signature)");
  }
  MemoryReader reader{data, size, 0};
  MatTarget mat_target{bgrx, {}};
  RowTarget target{AllocateMat, &mat_target};
  ErrorText error{};
  if (!DecodeWithLibpng(&reader, &target, keep_alpha, &error)) {
    *bgrx = cv::Mat();
    return Status::Error(std::string("corrupt PNG: ") + error.text);
  }
  return Status::Ok();
}

}  // namespace

Status DecodePng(const uint8_t* data, size_t size, cv::Mat* bgrx) {
  return Decode(data, size, /*keep_alpha=*/false, bgrx);
}

Status DecodePngWithAlpha(const uint8_t* data, size_t size, cv::Mat* bgra) {
  return Decode(data, size, /*keep_alpha=*/true, bgra);
}

Status ReadPngFile(const std::string& path, cv::Mat* bgrx) {
  std::vector<uint8_t> bytes;
  if (Status s = ReadWholeFile(path, &bytes); !s.ok()) return s;
  Status s = DecodePng(bytes.data(), bytes.size(), bgrx);
  if (!s.ok()) return Status::Error(path + ": " + s.message());
  return Status::Ok();
}

Status PngSize(const uint8_t* data, size_t size, cv::Size* out) {
  if (size == 0) return Status::Error("empty file, not a PNG");
  if (size < sizeof kSignature ||
      std::memcmp(data, kSignature, sizeof kSignature) != 0) {
    return Status::Error("not a PNG file (bad signature)");
  }
  if (size < 24 || std::memcmp(data + 12, "IHDR", 4) != 0) {
    return Status::Error("corrupt PNG (no IHDR header)");
  }
  auto be32 = [&](int at) {
    return (uint32_t{data[at]} << 24) | (uint32_t{data[at + 1]} << 16) |
           (uint32_t{data[at + 2]} << 8) | uint32_t{data[at + 3]};
  };
  const uint32_t width = be32(16);
  const uint32_t height = be32(20);
  if (width == 0 || height == 0 || width > kMaxImageSidePx ||
      height > kMaxImageSidePx) {
    return Status::Error("PNG size " + std::to_string(width) + "x" +
                         std::to_string(height) + " is not supported (1 to " +
                         std::to_string(kMaxImageSidePx) + " pixels a side)");
  }
  *out = cv::Size(static_cast<int>(width), static_cast<int>(height));
  return Status::Ok();
}

Status ReadPngSize(const std::string& path, cv::Size* size) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Status::Error(path + ": a folder, not a PNG file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(path, errno);
  uint8_t head[24] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const Status s = PngSize(head, static_cast<size_t>(in.gcount()), size);
  return s.ok() ? s : Status::Error(path + ": " + s.message());
}

}  // namespace svgcast
