#include "capture/palette_source.h"

#include <utility>

namespace svgcast {

Status CountColours(FrameSource& source, ColourHistogram* histogram,
                    const std::function<void(uint64_t frames)>& progress,
                    const std::atomic<bool>* stop) {
  Tick tick;
  while (source.WaitForNextFrame(&tick)) {
    if (stop != nullptr && stop->load()) {
      return Status::Error(
          "interrupted while counting colours; nothing written");
    }
    Frame frame;
    if (Status s = source.Capture(&frame); !s.ok()) {
      if (s.source_lost()) break;
      return s;
    }
    histogram->Add(frame.pixels);
    if (progress) progress(histogram->frames());
  }
  return Status::Ok();
}

PaletteSource::PaletteSource(std::unique_ptr<FrameSource> source,
                             std::vector<uint32_t> palette)
    : source_(std::move(source)), map_(std::move(palette)) {}

Status PaletteSource::Capture(Frame* frame) {
  if (Status s = source_->Capture(frame); !s.ok()) return s;
  frame->pixels = map_.Apply(frame->pixels);
  frame->storage.reset();
  return Status::Ok();
}

}  // namespace svgcast
