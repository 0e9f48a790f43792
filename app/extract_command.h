// `svgcast extract`: decode an svgcast SVG back into frames (one PNG per
// change time, plus frames.txt), with svgcast's own decoder.
//
// Threading: main thread only.
#ifndef SVGCAST_APP_EXTRACT_COMMAND_H_
#define SVGCAST_APP_EXTRACT_COMMAND_H_

#include <string>

namespace svgcast {

struct ExtractOptions {
  std::string input;   // an svgcast SVG
  std::string folder;  // created if missing (once the SVG has been read)
  bool quiet = false;
};

// 0 on success, 1 on error (message printed). frames.txt is written last,
// so a folder from a failed run has no manifest. Into a folder an earlier
// extract wrote: its frames.txt goes before the first frame is written,
// and its frames past the new last one at the end; other files stay.
int RunExtract(const ExtractOptions& options);

}  // namespace svgcast

#endif  // SVGCAST_APP_EXTRACT_COMMAND_H_
