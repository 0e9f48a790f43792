#include "processing/png_recompress.h"

#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include <zopfli/deflate.h>
#include <zopfli/util.h>
#include <zopfli/zopfli.h>
}

namespace svgcast {
namespace {

constexpr uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};

uint32_t ReadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void AppendBe32(uint32_t v, std::vector<uint8_t>* out) {
  for (int shift : {24, 16, 8, 0}) {
    out->push_back(static_cast<uint8_t>(v >> shift));
  }
}

void AppendChunk(const char type[4], const uint8_t* data, size_t size,
                 std::vector<uint8_t>* out) {
  AppendBe32(static_cast<uint32_t>(size), out);
  const size_t start = out->size();
  out->insert(out->end(), type, type + 4);
  out->insert(out->end(), data, data + size);
  const uLong crc = crc32(0, out->data() + start, static_cast<uInt>(size + 4));
  AppendBe32(static_cast<uint32_t>(crc), out);
}

bool Inflate(const std::vector<uint8_t>& in, std::vector<uint8_t>* out) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  uint8_t buffer[1 << 15];
  int result = Z_OK;
  while (result == Z_OK) {
    z.next_out = buffer;
    z.avail_out = sizeof buffer;
    result = inflate(&z, Z_NO_FLUSH);
    out->insert(out->end(), buffer, buffer + (sizeof buffer - z.avail_out));
  }
  inflateEnd(&z);
  return result == Z_STREAM_END;
}

// Zopfli's output, freed with it.
struct ZopfliFree {
  void operator()(unsigned char* p) const { std::free(p); }
};
using ZopfliBytes = std::unique_ptr<unsigned char, ZopfliFree>;

// The zlib stream ZopfliCompress(ZOPFLI_FORMAT_ZLIB) writes, byte for
// byte: its header (CMF 120, FLEVEL 3), the deflate stream a master block
// (ZOPFLI_MASTER_BLOCK_SIZE bytes) at a time, as ZopfliDeflate runs it,
// and the Adler-32 of the data; with `stop` read between blocks. False
// (and nothing) when it was set. Each block is reported to `meter` (may be
// null) when done, and what is left when stopped.
bool ZopfliZlib(const ZopfliOptions& options, const std::vector<uint8_t>& in,
                const std::atomic<bool>* stop, WorkMeter* meter,
                std::vector<uint8_t>* zlib) {
  unsigned char* out = nullptr;
  size_t out_size = 0;
  unsigned char bit_pointer = 0;
  size_t i = 0;
  do {
    if (stop != nullptr && stop->load()) {
      std::free(out);
      if (meter != nullptr) meter->Done(in.size() - i);
      return false;
    }
    const bool last = i + ZOPFLI_MASTER_BLOCK_SIZE >= in.size();
    const size_t size = last ? in.size() - i : ZOPFLI_MASTER_BLOCK_SIZE;
    ZopfliDeflatePart(&options, 2, last ? 1 : 0, in.data(), i, i + size,
                      &bit_pointer, &out, &out_size);
    i += size;
    if (meter != nullptr) meter->Done(size);
  } while (i < in.size());
  const ZopfliBytes deflate(out);
  if (deflate == nullptr && !in.empty()) return false;
  constexpr unsigned kCmfFlg = 256 * 120 + 3 * 64;
  constexpr unsigned kHeader = kCmfFlg + (31 - kCmfFlg % 31);
  zlib->assign({static_cast<uint8_t>(kHeader >> 8),
                static_cast<uint8_t>(kHeader & 0xFF)});
  zlib->insert(zlib->end(), deflate.get(), deflate.get() + out_size);
  AppendBe32(static_cast<uint32_t>(adler32(adler32(0, nullptr, 0), in.data(),
                                           static_cast<uInt>(in.size()))),
             zlib);
  return true;
}

}  // namespace

Status RecompressPng(int iterations, std::vector<uint8_t>* png,
                     const std::atomic<bool>* stop, WorkMeter* meter) {
  const std::vector<uint8_t>& in = *png;
  if (in.size() < 8 || std::memcmp(in.data(), kSignature, 8) != 0) {
    return Status::Error("PNG recompress: not a PNG");
  }
  // Walk the chunks: everything but IDAT is kept in place; the IDATs
  // (consecutive) are joined.
  std::vector<uint8_t> compressed;
  size_t idat_at = 0;  // where the IDATs began
  size_t pos = 8;
  while (pos + 12 <= in.size()) {
    const uint32_t length = ReadBe32(&in[pos]);
    if (length > in.size() - pos - 12) {
      return Status::Error("PNG recompress: a chunk overruns the data");
    }
    if (std::memcmp(&in[pos + 4], "IDAT", 4) == 0) {
      if (compressed.empty()) idat_at = pos;
      compressed.insert(compressed.end(), in.begin() + pos + 8,
                        in.begin() + pos + 8 + length);
    }
    pos += 12 + length;
  }
  if (idat_at == 0) return Status::Error("PNG recompress: no image data");
  std::vector<uint8_t> raw;
  if (!Inflate(compressed, &raw)) {
    return Status::Error("PNG recompress: corrupt image data");
  }
  ZopfliOptions options;
  ZopfliInitOptions(&options);
  options.numiterations = iterations;
  std::vector<uint8_t> zlib;
  if (meter != nullptr) meter->Plan(raw.size());
  if (!ZopfliZlib(options, raw, stop, meter, &zlib)) return Status::Ok();
  if (zlib.size() < compressed.size()) {
    std::vector<uint8_t> result(in.begin(), in.begin() + idat_at);
    AppendChunk("IDAT", zlib.data(), zlib.size(), &result);
    // Everything after the IDATs (IEND).
    size_t after = idat_at;
    while (after + 12 <= in.size() &&
           std::memcmp(&in[after + 4], "IDAT", 4) == 0) {
      after += 12 + ReadBe32(&in[after]);
    }
    result.insert(result.end(), in.begin() + after, in.end());
    png->swap(result);
  }
  return Status::Ok();
}

}  // namespace svgcast
