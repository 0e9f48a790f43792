#include "svg/svg_source.h"

#include <utility>
#include <vector>

#include "capture/frame_selection.h"
#include "svg/svg_reader.h"

namespace svgcast {
namespace {

class SvgSource : public FrameSource {
 public:
  SvgSource(std::unique_ptr<ScreencastDecoder> decoder, Selection selection)
      : decoder_(std::move(decoder)), selection_(std::move(selection)) {}

  cv::Size frame_size() const override { return decoder_->size(); }
  std::optional<uint64_t> frame_count() const override {
    return selection_.frames.size();
  }

  bool WaitForNextFrame(Tick* tick) override {
    *tick = Tick{};
    return next_ < selection_.frames.size();
  }

  Status Capture(Frame* frame) override {
    const SelectedFrame& selected = selection_.frames[next_++];
    DecodedFrame decoded;
    while (decoded_ <= selected.index) {
      if (!decoder_->Next(&decoded)) {
        return Status::Error("the SVG ended before its last change");
      }
      ++decoded_;
    }
    frame->pixels = decoded.pixels.clone();  // the decoder paints on
    frame->timestamp_us = selected.timestamp_us;
    return Status::Ok();
  }

  void Skip() override { ++next_; }

 private:
  const std::unique_ptr<ScreencastDecoder> decoder_;
  const Selection selection_;
  size_t next_ = 0;     // into selection_.frames
  size_t decoded_ = 0;  // changes painted so far
};

}  // namespace

Status OpenSvgSource(const SvgSourceOptions& options,
                     std::unique_ptr<FrameSource>* source,
                     ScreencastSettings* settings) {
  std::unique_ptr<ScreencastDecoder> decoder;
  const std::string& name = options.name.empty() ? options.path : options.name;
  if (Status s = ScreencastDecoder::Open(options.path, &decoder, name);
      !s.ok()) {
    return s;
  }
  const std::vector<int64_t>& times = decoder->times_us();
  if (times.empty() || times.front() != 0) {
    return Status::Error(name +
                         ": not an svgcast SVG (nothing is shown at 0 ms)");
  }
  SelectionOptions selection_options;
  selection_options.start_us = options.start_us;
  selection_options.end_us = options.end_us;
  Selection selection;
  if (Status s = SelectFrames(times, selection_options, name, &selection);
      !s.ok()) {
    return s;
  }
  if (settings != nullptr) *settings = decoder->settings();
  *source =
      std::make_unique<SvgSource>(std::move(decoder), std::move(selection));
  return Status::Ok();
}

}  // namespace svgcast
