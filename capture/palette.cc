#include "capture/palette.h"

#include <libimagequant.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>

namespace svgcast {
namespace {

constexpr size_t kColours = size_t{1} << 24;

template <typename T>
std::unique_ptr<T[], palette_internal::Free> ZeroedTable() {
  // calloc: the pages are the system's zero pages until written.
  void* p = std::calloc(kColours, sizeof(T));
  if (p == nullptr) throw std::bad_alloc();
  return std::unique_ptr<T[], palette_internal::Free>(static_cast<T*>(p));
}

// 0xRRGGBB of a BGRX pixel read as a little-endian word.
inline uint32_t Rgb(uint32_t bgrx) { return bgrx & 0xFFFFFFu; }

int ChannelError(uint32_t a, uint32_t b) {
  int error = 0;
  for (int shift = 0; shift < 24; shift += 8) {
    const int d = static_cast<int>((a >> shift) & 0xFF) -
                  static_cast<int>((b >> shift) & 0xFF);
    error = std::max(error, std::abs(d));
  }
  return error;
}

int SquaredDistance(uint32_t a, uint32_t b) {
  int sum = 0;
  for (int shift = 0; shift < 24; shift += 8) {
    const int d = static_cast<int>((a >> shift) & 0xFF) -
                  static_cast<int>((b >> shift) & 0xFF);
    sum += d * d;
  }
  return sum;
}

// libimagequant's handles, freed on every path.
struct LiqAttr {
  liq_attr* p = liq_attr_create();
  ~LiqAttr() {
    if (p) liq_attr_destroy(p);
  }
};
struct LiqHistogram {
  liq_histogram* p;
  ~LiqHistogram() {
    if (p) liq_histogram_destroy(p);
  }
};
struct LiqResult {
  liq_result* p = nullptr;
  ~LiqResult() {
    if (p) liq_result_destroy(p);
  }
};

// Holds OpenMP's thread count for this thread's parallel regions at one
// while it lives (libimagequant's k-means sums per thread; one thread
// sums in one order on every machine).
class OneOpenMpThread {
 public:
  OneOpenMpThread() : before_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneOpenMpThread() { omp_set_num_threads(before_); }

 private:
  const int before_;
};

}  // namespace

ColourHistogram::ColourHistogram() : counts_(ZeroedTable<uint32_t>()) {}

void ColourHistogram::Add(const cv::Mat& frame) {
  CV_Assert(frame.type() == CV_8UC4);
  uint32_t* counts = counts_.get();
  for (int y = 0; y < frame.rows; ++y) {
    const uint32_t* row = frame.ptr<uint32_t>(y);
    for (int x = 0; x < frame.cols; ++x) {
      const uint32_t rgb = Rgb(row[x]);
      uint32_t& c = counts[rgb];
      if (c == 0) colours_.push_back(rgb);
      c += (c != std::numeric_limits<uint32_t>::max());
    }
  }
  ++frames_;
}

Status ChoosePalette(const ColourHistogram& histogram, int max_colours,
                     std::vector<uint32_t>* palette) {
  if (max_colours < 2 || max_colours > 256) {
    return Status::Error("--colors " + std::to_string(max_colours) +
                         ": a palette has 2 to 256 colours");
  }
  palette->clear();
  std::vector<liq_histogram_entry> entries;
  for (const uint32_t rgb : histogram.colours()) {
    const uint32_t count = histogram.count(rgb);
    entries.push_back({{static_cast<unsigned char>(rgb >> 16),
                        static_cast<unsigned char>(rgb >> 8),
                        static_cast<unsigned char>(rgb), 255},
                       count});
  }
  if (entries.empty()) return Status::Error("no frame to choose colours from");
  if (entries.size() <= static_cast<size_t>(max_colours)) {
    // Few enough: the frames' own colours, and no pixel changes.
    for (const liq_histogram_entry& e : entries) {
      palette->push_back(uint32_t{e.color.r} << 16 | uint32_t{e.color.g} << 8 |
                         e.color.b);
    }
    return Status::Ok();
  }
  OneOpenMpThread one_thread;
  LiqAttr attr;
  if (attr.p == nullptr) return Status::Error("libimagequant: out of memory");
  liq_set_max_colors(attr.p, max_colours);
  LiqHistogram hist{liq_histogram_create(attr.p)};
  if (hist.p == nullptr) return Status::Error("libimagequant: out of memory");
  constexpr double kSrgbGamma = 0.45455;  // libimagequant's default
  if (liq_error e = liq_histogram_add_colors(hist.p, attr.p, entries.data(),
                                             static_cast<int>(entries.size()),
                                             kSrgbGamma);
      e != LIQ_OK) {
    return Status::Error("libimagequant could not take the colours (error " +
                         std::to_string(e) + ")");
  }
  LiqResult result;
  if (liq_error e = liq_histogram_quantize(hist.p, attr.p, &result.p);
      e != LIQ_OK) {
    return Status::Error("libimagequant could not choose " +
                         std::to_string(max_colours) + " colours (error " +
                         std::to_string(e) + ")");
  }
  const liq_palette* chosen = liq_get_palette(result.p);
  for (unsigned i = 0; i < chosen->count; ++i) {
    const liq_color& c = chosen->entries[i];
    palette->push_back(uint32_t{c.r} << 16 | uint32_t{c.g} << 8 | c.b);
  }
  return Status::Ok();
}

PaletteMap::PaletteMap(std::vector<uint32_t> palette)
    : palette_(std::move(palette)), index_(ZeroedTable<uint16_t>()) {
  CV_Assert(!palette_.empty() && palette_.size() <= 256);
}

uint32_t PaletteMap::Map(uint32_t rgb) {
  uint16_t& known = index_.get()[rgb & 0xFFFFFFu];
  if (known == 0) {
    size_t best = 0;
    int best_distance = std::numeric_limits<int>::max();
    for (size_t i = 0; i < palette_.size(); ++i) {
      const int d = SquaredDistance(rgb, palette_[i]);
      if (d < best_distance) {
        best = i;
        best_distance = d;
      }
    }
    known = static_cast<uint16_t>(best + 1);
    max_error_ = std::max(max_error_, ChannelError(rgb, palette_[best]));
  }
  return palette_[known - 1];
}

cv::Mat PaletteMap::Apply(const cv::Mat& frame) {
  CV_Assert(frame.type() == CV_8UC4);
  cv::Mat out(frame.size(), CV_8UC4);
  if (frame.empty()) return out;
  for (int y = 0; y < frame.rows; ++y) {
    const uint32_t* in = frame.ptr<uint32_t>(y);
    uint32_t* row = out.ptr<uint32_t>(y);
    uint32_t last_in = ~in[0];  // runs of one colour: one look-up
    uint32_t last_out = 0;
    for (int x = 0; x < frame.cols; ++x) {
      if (in[x] != last_in) {
        last_in = in[x];
        last_out = (in[x] & 0xFF000000u) | Map(Rgb(in[x]));
      }
      row[x] = last_out;
    }
  }
  return out;
}

}  // namespace svgcast
