// ColourChoice: `--colors N` for `replay` and `convert` (capture/palette.h).
// A first pass reads a second copy of the source through, with a progress
// line, and chooses the palette; the source the session records is then
// wrapped to show its frames in that palette; after the run, one summary
// line says how many colours were seen and kept, and the largest error.
//
// Threading: the main thread; the wrapped source then belongs to the
// session's capture thread, and Summary() reads it after the run.
#ifndef SVGCAST_APP_COLOUR_CHOICE_H_
#define SVGCAST_APP_COLOUR_CHOICE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "capture/frame_source.h"
#include "capture/palette_source.h"
#include "capture/status.h"

namespace svgcast {

class ColourChoice {
 public:
  // Counts the colours of `first_pass` (read to its end) and chooses up to
  // `colours` of them. `quiet`: no progress line. Ctrl-C stops it with an
  // error, and InterruptHandler::interrupted() is then true.
  static Status Choose(FrameSource& first_pass, int colours, bool quiet,
                       std::unique_ptr<ColourChoice>* choice);

  // `source` (a fresh copy of the first pass's) shown in the palette.
  // Once only; the choice keeps a view of it for Summary().
  std::unique_ptr<FrameSource> Wrap(std::unique_ptr<FrameSource> source);

  // "  colours  256 of 12,345 seen in 270 frames (chosen in 1.2 s); max
  // error 38\n"
  std::string Summary() const;

 private:
  ColourChoice() = default;

  int asked_ = 0;
  uint64_t seen_ = 0;
  uint64_t frames_ = 0;
  double seconds_ = 0;
  std::vector<uint32_t> palette_;
  const PaletteSource* wrapped_ = nullptr;
};

}  // namespace svgcast

#endif  // SVGCAST_APP_COLOUR_CHOICE_H_
