// Base64 (RFC 4648, with padding) for data: URIs, and its inverse for
// reading them back.
//
// Threading: pure functions; call from any thread.
#ifndef SVGCAST_SVG_BASE64_H_
#define SVGCAST_SVG_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace svgcast {

void AppendBase64(const uint8_t* data, size_t size, std::string* out);

// False if `text` is not canonical padded base64 (whitespace not allowed).
bool DecodeBase64(std::string_view text, std::vector<uint8_t>* out);

}  // namespace svgcast

#endif  // SVGCAST_SVG_BASE64_H_
