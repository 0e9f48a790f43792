// The fixture manifest, frames.txt: one line per frame, "<file name>
// <timestamp ms>", timestamps strictly increasing. Blank lines and lines
// starting with '#' are skipped. The file name may contain spaces (the
// timestamp is the last field); the timestamp may have up to three decimals,
// and is at most kMaxTimestampUs (capture/frame.h).
//
// Threading: pure functions; call them from any thread.
#ifndef SVGCAST_CAPTURE_MANIFEST_H_
#define SVGCAST_CAPTURE_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/status.h"

namespace svgcast {

struct ManifestEntry {
  std::string file;  // as written, relative to the manifest's folder
  int64_t timestamp_us = 0;
  int line = 0;  // 1-based line in the manifest
};

// Parses the text of a manifest. `name` is used in errors, which read
// "<name>:<line>: <problem>". The times must increase, unless
// `times_replaced` (--fps gives the frames times of its own: only the
// order of the lines is used).
Status ParseManifest(const std::string& text, const std::string& name,
                     std::vector<ManifestEntry>* entries,
                     bool times_replaced = false);

// Reads and parses the manifest file at `path` (errors name it).
Status ReadManifest(const std::string& path,
                    std::vector<ManifestEntry>* entries,
                    bool times_replaced = false);

// Text for one line (an error's quote, a frames.txt comment): control
// characters (a NUL cut a message short, a newline split a comment) as '?'.
std::string Printable(std::string_view text);

// Formats microseconds as milliseconds with up to three decimals and no
// trailing zeros ("146", "146.5"), as manifests and the SVG write them.
std::string FormatMilliseconds(int64_t us);

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_MANIFEST_H_
