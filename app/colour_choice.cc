#include "app/colour_choice.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "app/interrupt.h"
#include "app/progress.h"

namespace svgcast {

Status ColourChoice::Choose(FrameSource& first_pass, int colours, bool quiet,
                            std::unique_ptr<ColourChoice>* choice) {
  const auto start = std::chrono::steady_clock::now();
  ColourHistogram histogram;
  {
    // Ctrl-C stops the pass (InterruptHandler::interrupted() says so).
    InterruptHandler interrupt("nothing is written");
    ProgressLine progress("counting colours", first_pass.frame_count(),
                          ProgressMode(quiet));
    Status s = CountColours(
        first_pass, &histogram,
        [&](uint64_t frames) { progress.Update(frames); },
        InterruptHandler::flag());
    progress.Finish();
    if (!s.ok()) return s;
  }
  std::unique_ptr<ColourChoice> c(new ColourChoice);
  c->asked_ = colours;
  c->frames_ = histogram.frames();
  c->seen_ = histogram.distinct();
  if (Status s = ChoosePalette(histogram, colours, &c->palette_); !s.ok()) {
    return s;
  }
  c->seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  *choice = std::move(c);
  return Status::Ok();
}

std::unique_ptr<FrameSource> ColourChoice::Wrap(
    std::unique_ptr<FrameSource> source) {
  auto wrapped =
      std::make_unique<PaletteSource>(std::move(source), std::move(palette_));
  wrapped_ = wrapped.get();
  return wrapped;
}

std::string ColourChoice::Summary() const {
  char text[256];
  std::snprintf(text, sizeof text,
                "  colours  %zu of %llu seen in %llu frames (at most %d; "
                "chosen in %.1f s); max error %d\n",
                wrapped_ ? wrapped_->colours() : palette_.size(),
                static_cast<unsigned long long>(seen_),
                static_cast<unsigned long long>(frames_), asked_, seconds_,
                wrapped_ ? wrapped_->max_error() : 0);
  return text;
}

}  // namespace svgcast
