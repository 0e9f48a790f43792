#include "processing/png_encoder.h"

#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "processing/png_recompress.h"

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

// What libpng is given: rows already in the PNG's own layout (packed
// palette indexes, RGB, or RGBA from BGRX/BGRA with transforms).
struct PngImage {
  int width = 0;
  int height = 0;
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  bool bgrx_source = false;  // rows are BGRX/BGRA: swap to RGB(A)
  const png_color* palette = nullptr;
  int palette_size = 0;
  int filters = PNG_ALL_FILTERS;
  int zlib_level = 9;
  int zlib_strategy = -1;          // -1: libpng's choice
  bool transparent_first = false;  // palette entry 0 is transparent
  int transparent_grey = -1;       // grey: this level is transparent
};

// The one function that calls setjmp: C style on purpose (no C++ object
// with a destructor is alive in it).
bool EncodeWithLibpng(png_bytep* rows, const PngImage& image, ByteSink* sink,
                      ErrorText* error) {
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
  png_set_compression_level(png, image.zlib_level);
  if (image.zlib_strategy >= 0) {
    png_set_compression_strategy(png, image.zlib_strategy);
  }
  png_set_compression_mem_level(png, 9);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, image.filters);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), image.bit_depth,
               image.color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (image.palette != nullptr) {
    png_set_PLTE(png, info, image.palette, image.palette_size);
  }
  if (image.transparent_first) {
    png_byte alpha = 0;
    png_set_tRNS(png, info, &alpha, 1, nullptr);
  }
  if (image.transparent_grey >= 0) {
    png_color_16 key{};
    key.gray = static_cast<png_uint_16>(image.transparent_grey);
    png_set_tRNS(png, info, nullptr, 0, &key);
  }
  png_write_info(png, info);
  if (image.bgrx_source) {
    png_set_bgr(png);
    if (image.color_type == PNG_COLOR_TYPE_RGB) {
      png_set_filler(png, 0, PNG_FILLER_AFTER);  // drop X
    }
  }
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

Status Run(std::vector<png_bytep>& rows, const PngImage& image,
           std::vector<uint8_t>* png) {
  png->clear();
  ByteSink sink{png, false};
  ErrorText error{};
  if (!EncodeWithLibpng(rows.data(), image, &sink, &error)) {
    return Status::Error(std::string("PNG encoder: ") + error.text);
  }
  return Status::Ok();
}

Status EncodeDirect(const cv::Mat& bgrx, int filters, const PngOptions& options,
                    bool with_alpha, std::vector<uint8_t>* png) {
  std::vector<png_bytep> rows(static_cast<size_t>(bgrx.rows));
  for (int y = 0; y < bgrx.rows; ++y) {
    // libpng only reads the rows; the cast drops const for its C API.
    rows[y] = const_cast<png_bytep>(bgrx.ptr<uint8_t>(y));
  }
  PngImage image;
  image.width = bgrx.cols;
  image.height = bgrx.rows;
  image.color_type = with_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
  image.bgrx_source = true;
  image.filters = filters;
  image.zlib_level = options.zlib_level;
  return Run(rows, image, png);
}

// The colours of a BGRX image, if there are at most 256: in order of
// first appearance (deterministic; close to how often each is used).
//
// With `unchanged` (CV_8UC1, non-zero where the pixel is as before), those
// pixels get index 0, which stands for "transparent", and the colours
// start at index 1 (so at most 255 of them).
bool FewColours(const cv::Mat& bgrx, const cv::Mat* unchanged,
                std::vector<uint32_t>* colours, cv::Mat* indexes) {
  // Open addressing over 512 slots; key 0xFFFFFFFF = empty (X is dropped,
  // so a colour never has the top byte set).
  constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  uint32_t keys[512];
  uint8_t values[512];
  std::fill(std::begin(keys), std::end(keys), kEmpty);
  colours->clear();
  if (unchanged != nullptr) colours->push_back(0);  // the transparent entry
  indexes->create(bgrx.size(), CV_8UC1);
  uint32_t last_key = kEmpty;
  uint8_t last_index = 0;
  for (int y = 0; y < bgrx.rows; ++y) {
    const uint32_t* row = bgrx.ptr<uint32_t>(y);
    const uint8_t* same =
        unchanged != nullptr ? unchanged->ptr<uint8_t>(y) : nullptr;
    uint8_t* out = indexes->ptr<uint8_t>(y);
    for (int x = 0; x < bgrx.cols; ++x) {
      if (same != nullptr && same[x] != 0) {
        out[x] = 0;
        continue;
      }
      const uint32_t key = row[x] & 0x00FFFFFFu;
      if (key == last_key) {
        out[x] = last_index;
        continue;
      }
      uint32_t slot = (key * 2654435761u) >> 23;  // 9 bits
      while (keys[slot] != kEmpty && keys[slot] != key) slot = (slot + 1) & 511;
      if (keys[slot] == kEmpty) {
        if (colours->size() == 256) return false;
        keys[slot] = key;
        values[slot] = static_cast<uint8_t>(colours->size());
        colours->push_back(key);
      }
      last_key = key;
      last_index = values[slot];
      out[x] = last_index;
    }
  }
  return true;
}

// Rows of `values` (CV_8UC1, each below 2^depth) packed `depth` bits a
// pixel, most significant first, as PNG stores them below 8 bits.
void PackRows(const cv::Mat& values, int depth, std::vector<uint8_t>* packed,
              std::vector<png_bytep>* rows) {
  const int per_byte = 8 / depth;
  const size_t row_bytes =
      (static_cast<size_t>(values.cols) + per_byte - 1) / per_byte;
  packed->assign(row_bytes * static_cast<size_t>(values.rows), 0);
  rows->resize(static_cast<size_t>(values.rows));
  for (int y = 0; y < values.rows; ++y) {
    uint8_t* out = packed->data() + row_bytes * static_cast<size_t>(y);
    (*rows)[y] = out;
    const uint8_t* in = values.ptr<uint8_t>(y);
    for (int x = 0; x < values.cols; ++x) {
      const int shift = 8 - depth * (x % per_byte + 1);
      out[x / per_byte] |= static_cast<uint8_t>(in[x] << shift);
    }
  }
}

// A palette PNG at the smallest bit depth that holds the colours.
// `transparent_first`: index 0 is fully transparent (a tRNS of one entry).
Status EncodePalette(const std::vector<uint32_t>& colours,
                     const cv::Mat& indexes, int filters,
                     const PngOptions& options, bool transparent_first,
                     std::vector<uint8_t>* png) {
  const int n = static_cast<int>(colours.size());
  const int depth = n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
  std::vector<uint8_t> packed;
  std::vector<png_bytep> rows;
  PackRows(indexes, depth, &packed, &rows);
  std::vector<png_color> palette(colours.size());
  for (size_t i = 0; i < colours.size(); ++i) {
    // BGRX in memory, little-endian: blue is the low byte.
    palette[i].blue = static_cast<png_byte>(colours[i] & 0xFF);
    palette[i].green = static_cast<png_byte>((colours[i] >> 8) & 0xFF);
    palette[i].red = static_cast<png_byte>((colours[i] >> 16) & 0xFF);
  }
  PngImage image;
  image.width = indexes.cols;
  image.height = indexes.rows;
  image.color_type = PNG_COLOR_TYPE_PALETTE;
  image.bit_depth = depth;
  image.palette = palette.data();
  image.palette_size = n;
  image.filters = filters;
  image.zlib_level = options.zlib_level;
  image.transparent_first = transparent_first;
  return Run(rows, image, png);
}

// The grey levels of a BGRX image whose pixels all have B = G = R (those
// marked in `unchanged` aside), or false. `grey` gets one byte a pixel;
// `used` which levels occur.
bool AllGrey(const cv::Mat& bgrx, const cv::Mat* unchanged, cv::Mat* grey,
             bool used[256]) {
  std::fill(used, used + 256, false);
  grey->create(bgrx.size(), CV_8UC1);
  for (int y = 0; y < bgrx.rows; ++y) {
    const uint8_t* row = bgrx.ptr<uint8_t>(y);
    const uint8_t* same =
        unchanged != nullptr ? unchanged->ptr<uint8_t>(y) : nullptr;
    uint8_t* out = grey->ptr<uint8_t>(y);
    for (int x = 0; x < bgrx.cols; ++x) {
      if (same != nullptr && same[x] != 0) continue;
      const uint8_t* p = row + 4 * x;
      if (p[0] != p[1] || p[1] != p[2]) return false;
      out[x] = p[0];
      used[p[0]] = true;
    }
  }
  return true;
}

// A greyscale PNG, 8-bit or, when opaque and every level fits, 1, 2 or 4
// bits; with `transparent` >= 0, the pixels marked in `unchanged` become
// that level, which tRNS makes transparent (8-bit).
Status EncodeGrey(cv::Mat& grey, const cv::Mat* unchanged, int transparent,
                  int filters, const PngOptions& options,
                  std::vector<uint8_t>* png) {
  PngImage image;
  image.width = grey.cols;
  image.height = grey.rows;
  image.color_type = PNG_COLOR_TYPE_GRAY;
  image.zlib_level = options.zlib_level;
  image.filters = filters;
  if (unchanged == nullptr) {
    // Opaque: the fewest bits that hold every level exactly. A browser
    // widens a d-bit level v to v * 255 / (2^d - 1), so black and white
    // need 1 bit, multiples of 85 two, of 17 four (no palette to store).
    for (const int depth : {1, 2, 4}) {
      const int step = 255 / ((1 << depth) - 1);
      bool exact = true;
      for (int y = 0; y < grey.rows && exact; ++y) {
        const uint8_t* row = grey.ptr<uint8_t>(y);
        for (int x = 0; x < grey.cols && exact; ++x) exact = row[x] % step == 0;
      }
      if (!exact) continue;
      cv::Mat values;
      grey.convertTo(values, CV_8UC1, 1.0 / step);
      std::vector<uint8_t> packed;
      std::vector<png_bytep> rows;
      PackRows(values, depth, &packed, &rows);
      image.bit_depth = depth;
      return Run(rows, image, png);
    }
  }
  std::vector<png_bytep> rows(static_cast<size_t>(grey.rows));
  for (int y = 0; y < grey.rows; ++y) {
    uint8_t* row = grey.ptr<uint8_t>(y);
    if (unchanged != nullptr) {
      const uint8_t* same = unchanged->ptr<uint8_t>(y);
      for (int x = 0; x < grey.cols; ++x) {
        if (same[x] != 0) row[x] = static_cast<uint8_t>(transparent);
      }
    }
    rows[y] = row;
  }
  image.transparent_grey = unchanged != nullptr ? transparent : -1;
  return Run(rows, image, png);
}

// The row filters to try: libpng's adaptive choice and, but at kFast, none
// at all (which often wins on flat screen content and on palette indexes).
std::vector<int> FilterChoices(const PngOptions& options) {
  if (options.effort == Effort::kFast) return {PNG_ALL_FILTERS};
  return {PNG_ALL_FILTERS, PNG_FILTER_NONE};
}

// Keeps the smaller of `*best` and `candidate` (the earlier on a tie).
void KeepSmaller(std::vector<uint8_t>* best, std::vector<uint8_t>* candidate) {
  if (best->empty() || candidate->size() < best->size()) {
    best->swap(*candidate);
  }
}

Status CheckInput(const cv::Mat& image) {
  if (image.type() != CV_8UC4 || image.empty()) {
    return Status::Error("PNG encoder: expected a non-empty 4-channel image");
  }
  return Status::Ok();
}

}  // namespace

Status EncodePng(const cv::Mat& bgrx, const PngOptions& options,
                 std::vector<uint8_t>* png) {
  if (Status s = CheckInput(bgrx); !s.ok()) return s;
  // Candidates, smallest kept: greyscale when every pixel is grey (screen
  // text and UI often is: no palette to store, and filters work on real
  // levels), a palette for at most 256 colours, else RGB.
  png->clear();
  std::vector<uint8_t> candidate;
  if (options.palette) {
    cv::Mat grey;
    bool used[256];
    if (AllGrey(bgrx, nullptr, &grey, used)) {
      for (int filters : FilterChoices(options)) {
        if (Status s =
                EncodeGrey(grey, nullptr, -1, filters, options, &candidate);
            !s.ok()) {
          return s;
        }
        KeepSmaller(png, &candidate);
      }
    }
    std::vector<uint32_t> colours;
    cv::Mat indexes;
    if (FewColours(bgrx, nullptr, &colours, &indexes)) {
      for (int filters : FilterChoices(options)) {
        if (Status s = EncodePalette(colours, indexes, filters, options, false,
                                     &candidate);
            !s.ok()) {
          return s;
        }
        KeepSmaller(png, &candidate);
      }
    }
  }
  if (!png->empty()) return Status::Ok();
  for (int filters : FilterChoices(options)) {
    if (Status s = EncodeDirect(bgrx, filters, options, false, &candidate);
        !s.ok()) {
      return s;
    }
    KeepSmaller(png, &candidate);
  }
  return Status::Ok();
}

Status EncodePngWithAlpha(const cv::Mat& bgra, const PngOptions& options,
                          std::vector<uint8_t>* png) {
  if (Status s = CheckInput(bgra); !s.ok()) return s;
  return EncodeDirect(bgra, PNG_ALL_FILTERS, options, /*with_alpha=*/true, png);
}

namespace {
constexpr int kZopfliIterations = 15;
Status EncodeMasked(const cv::Mat& bgrx, const cv::Mat& previous,
                    const PngOptions& options, std::vector<uint8_t>* png);
}  // namespace

Status EncodePatch(const cv::Mat& bgrx, const cv::Mat& previous,
                   const PngOptions& requested, std::vector<uint8_t>* png) {
  PngOptions options = requested;
  if (options.effort == Effort::kFast) {
    options.zlib_level = std::min(options.zlib_level, 3);
    options.transparent_unchanged = false;
  }
  if (Status s = EncodeMasked(bgrx, previous, options, png); !s.ok()) {
    return s;
  }
  if (options.effort == Effort::kMax) {
    return RecompressPng(kZopfliIterations, png, options.stop_zopfli,
                         options.zopfli_meter);
  }
  return Status::Ok();
}

namespace {

// The candidates with every pixel marked in `unchanged` (CV_8UC1, non-zero)
// fully transparent: a grey PNG whose tRNS names a level no other pixel
// has, a palette whose index 0 is transparent, or else RGBA. The smallest
// goes to `masked`.
Status EncodeWithMask(const cv::Mat& bgrx, const cv::Mat& unchanged,
                      const PngOptions& options, std::vector<uint8_t>* masked) {
  masked->clear();
  std::vector<uint8_t> candidate;
  std::vector<uint32_t> colours;
  cv::Mat indexes;
  cv::Mat grey;
  bool used[256];
  if (options.palette && AllGrey(bgrx, &unchanged, &grey, used)) {
    // A level no changed pixel has stands for "transparent".
    const bool* unused = std::find(used, used + 256, false);
    if (unused != used + 256) {
      for (int filters : FilterChoices(options)) {
        if (Status s =
                EncodeGrey(grey, &unchanged, static_cast<int>(unused - used),
                           filters, options, &candidate);
            !s.ok()) {
          return s;
        }
        KeepSmaller(masked, &candidate);
      }
    }
  }
  if (options.palette && FewColours(bgrx, &unchanged, &colours, &indexes)) {
    for (int filters : FilterChoices(options)) {
      if (Status s = EncodePalette(colours, indexes, filters, options, true,
                                   &candidate);
          !s.ok()) {
        return s;
      }
      KeepSmaller(masked, &candidate);
    }
  }
  if (masked->empty()) {
    // Too many colours: RGBA, the unchanged pixels transparent black.
    cv::Mat bgra(bgrx.size(), CV_8UC4);
    for (int y = 0; y < bgrx.rows; ++y) {
      const uint32_t* now = bgrx.ptr<uint32_t>(y);
      const uint8_t* same_row = unchanged.ptr<uint8_t>(y);
      uint32_t* out = bgra.ptr<uint32_t>(y);
      for (int x = 0; x < bgrx.cols; ++x) {
        out[x] = same_row[x] ? 0u : (now[x] | 0xFF000000u);
      }
    }
    for (int filters : FilterChoices(options)) {
      if (Status s = EncodeDirect(bgra, filters, options, true, &candidate);
          !s.ok()) {
        return s;
      }
      KeepSmaller(masked, &candidate);
    }
  }
  return Status::Ok();
}

Status EncodeMasked(const cv::Mat& bgrx, const cv::Mat& previous,
                    const PngOptions& options, std::vector<uint8_t>* png) {
  if (Status s = EncodePng(bgrx, options, png); !s.ok()) return s;
  if (!options.transparent_unchanged || previous.empty()) return Status::Ok();
  if (previous.size() != bgrx.size() || previous.type() != CV_8UC4) {
    return Status::Error("PNG encoder: the previous pixels do not match");
  }
  // Where the pixel is as before (B, G and R; X is ignored).
  const cv::Mat unchanged = ChangedPixels(bgrx, previous) == 0;
  if (cv::countNonZero(unchanged) == 0) return Status::Ok();
  std::vector<uint8_t> masked;
  if (Status s = EncodeWithMask(bgrx, unchanged, options, &masked); !s.ok()) {
    return s;
  }
  if (masked.size() < png->size()) *png = std::move(masked);
  return Status::Ok();
}

}  // namespace

cv::Mat ChangedPixels(const cv::Mat& now, const cv::Mat& previous) {
  cv::Mat changed(now.size(), CV_8UC1);
  for (int y = 0; y < now.rows; ++y) {
    const uint32_t* in = now.ptr<uint32_t>(y);
    const uint32_t* before = previous.ptr<uint32_t>(y);
    uint8_t* out = changed.ptr<uint8_t>(y);
    for (int x = 0; x < now.cols; ++x) {
      out[x] = ((in[x] ^ before[x]) & 0x00FFFFFFu) != 0 ? 255 : 0;
    }
  }
  return changed;
}

Status EncodePngWithEffort(const cv::Mat& bgrx, const PngOptions& requested,
                           std::vector<uint8_t>* png) {
  PngOptions options = requested;
  if (options.effort == Effort::kFast) {
    options.zlib_level = std::min(options.zlib_level, 3);
  }
  if (Status s = EncodePng(bgrx, options, png); !s.ok()) return s;
  if (options.effort == Effort::kMax) {
    return RecompressPng(kZopfliIterations, png, options.stop_zopfli,
                         options.zopfli_meter);
  }
  return Status::Ok();
}

}  // namespace svgcast
