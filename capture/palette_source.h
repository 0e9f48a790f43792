// PaletteSource: a FrameSource that shows another source's frames in a
// palette (`--colors N`, see palette.h); and CountColours, the first pass
// that reads a source through to count its colours for ChoosePalette.
//
// Threading: see FrameSource. CountColours runs on the calling thread.
#ifndef SVGCAST_CAPTURE_PALETTE_SOURCE_H_
#define SVGCAST_CAPTURE_PALETTE_SOURCE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "capture/frame_source.h"
#include "capture/palette.h"
#include "capture/status.h"

namespace svgcast {

// Reads `source` to its end and adds every frame to `histogram`.
// `progress`, if set, is called after each frame with the count so far.
// A source that ends early (Status::SourceLost) counts what it gave; any
// other error is returned, and so is "interrupted" once `*stop` (if
// given) is true.
Status CountColours(FrameSource& source, ColourHistogram* histogram,
                    const std::function<void(uint64_t frames)>& progress,
                    const std::atomic<bool>* stop = nullptr);

class PaletteSource : public FrameSource {
 public:
  PaletteSource(std::unique_ptr<FrameSource> source,
                std::vector<uint32_t> palette);

  cv::Size frame_size() const override { return source_->frame_size(); }
  std::optional<uint64_t> frame_count() const override {
    return source_->frame_count();
  }
  bool WaitForNextFrame(Tick* tick) override {
    return source_->WaitForNextFrame(tick);
  }
  void SetCutShort(CutShort cut_short) override {
    source_->SetCutShort(std::move(cut_short));
  }
  // The source's frame, mapped: new pixels, owned by their Mat.
  Status Capture(Frame* frame) override;
  void Skip() override { source_->Skip(); }

  // The largest error of a shown channel against the source's frame. Read
  // once the capture thread has been joined.
  int max_error() const { return map_.max_error(); }
  size_t colours() const { return map_.palette().size(); }

 private:
  const std::unique_ptr<FrameSource> source_;
  PaletteMap map_;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_PALETTE_SOURCE_H_
