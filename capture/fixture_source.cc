#include "capture/fixture_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "capture/clock.h"
#include "capture/manifest.h"
#include "capture/png_reader.h"

namespace svgcast {
namespace {

namespace fs = std::filesystem;

struct FixtureFrame {
  std::string path;
  int64_t timestamp_us;
};

class FixtureSource final : public FrameSource {
 public:
  FixtureSource(std::vector<FixtureFrame> frames, cv::Size size, bool realtime)
      : frames_(std::move(frames)), size_(size), realtime_(realtime) {}

  cv::Size frame_size() const override { return size_; }
  std::optional<uint64_t> frame_count() const override {
    return frames_.size();
  }
  bool WaitForNextFrame(Tick* tick) override {
    *tick = Tick{};
    if (next_ >= frames_.size()) return false;
    if (!realtime_) return true;
    const int64_t now_ns = MonotonicNowNs();
    if (!started_) {
      start_ns_ = now_ns;
      started_ = true;
    }
    // Like a live screen: what is on screen now is the latest due frame;
    // the ones before it can no longer be captured.
    while (next_ + 1 < frames_.size() && DueNs(next_ + 1) <= now_ns) {
      ++next_;
      ++tick->skipped;
    }
    tick->deadline_ns = DueNs(next_);
    return SleepUntilNsUnless(tick->deadline_ns, cut_short());
  }

  Status Capture(Frame* frame) override {
    const FixtureFrame& fixture = frames_[next_++];
    if (Status s = ReadPngFile(fixture.path, &frame->pixels); !s.ok()) return s;
    if (frame->pixels.size() != size_) {  // the header check makes this rare
      return Status::Error(fixture.path + ": frame size changed mid-stream");
    }
    frame->timestamp_us = fixture.timestamp_us;
    return Status::Ok();
  }

  void Skip() override { ++next_; }

 private:
  // When frame i is due in real time.
  int64_t DueNs(size_t i) const {
    return start_ns_ +
           (frames_[i].timestamp_us - frames_[0].timestamp_us) * 1000;
  }

  const std::vector<FixtureFrame> frames_;
  const cv::Size size_;
  const bool realtime_;
  size_t next_ = 0;
  bool started_ = false;  // realtime: start_ns_ is set
  int64_t start_ns_ = 0;  // realtime: when frame 0 was due
};

// Natural order: digit runs compare by value, so 2.png < 10.png.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() &&
             std::isdigit(static_cast<unsigned char>(a[i_end])))
        ++i_end;
      while (j_end < b.size() &&
             std::isdigit(static_cast<unsigned char>(b[j_end])))
        ++j_end;
      std::string_view x(a.data() + i, i_end - i), y(b.data() + j, j_end - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

Status ListPngs(const fs::path& folder, std::vector<std::string>* names) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    std::string name = it->path().filename().string();
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.size() > 4 && lower.ends_with(".png")) names->push_back(name);
  }
  if (error) return Status::Error(folder.string() + ": " + error.message());
  std::sort(names->begin(), names->end(), NaturalLess);
  return Status::Ok();
}

}  // namespace

Status OpenFixtureSource(const FixtureOptions& options,
                         std::unique_ptr<FrameSource>* source) {
  const fs::path folder(options.folder);
  std::error_code error;
  if (!fs::exists(folder, error)) {
    return Status::Error(options.folder + ": no such folder");
  }
  if (!fs::is_directory(folder, error)) {
    return Status::Error(options.folder + ": not a folder");
  }

  const fs::path manifest_path = folder / "frames.txt";
  const bool has_manifest = fs::exists(manifest_path, error);
  std::vector<FixtureFrame> frames;
  if (has_manifest) {
    std::vector<ManifestEntry> entries;
    if (Status s = ReadManifest(manifest_path.string(), &entries,
                                /*times_replaced=*/options.fps > 0);
        !s.ok()) {
      return s;
    }
    for (const ManifestEntry& entry : entries) {
      frames.push_back({(folder / entry.file).string(), entry.timestamp_us});
    }
  } else {
    std::vector<std::string> names;
    if (Status s = ListPngs(folder, &names); !s.ok()) return s;
    if (names.empty()) {
      return Status::Error(options.folder +
                           ": no frames (no frames.txt and no .png files)");
    }
    if (options.fps <= 0) {
      return Status::Error(
          options.folder + ": has no frames.txt; pass --fps N to play its " +
          std::to_string(names.size()) + " PNG files at N frames per second");
    }
    for (const std::string& name : names) {
      frames.push_back({(folder / name).string(), 0});
    }
  }
  if (options.fps > 0) {
    for (size_t i = 0; i < frames.size(); ++i) {
      frames[i].timestamp_us =
          std::llround(static_cast<double>(i) * 1e6 / options.fps);
    }
  }

  if (options.start_us > 0 || options.end_us >= 0) {
    const int64_t first_us = frames.front().timestamp_us;
    const int64_t last_us = frames.back().timestamp_us - first_us;
    if (options.start_us > last_us) {
      return Status::Error("--start " + FormatMilliseconds(options.start_us) +
                           " ms: after the last frame of " + options.folder +
                           " (at " + FormatMilliseconds(last_us) + " ms)");
    }
    size_t first = 0;  // the frame on screen at start_us
    while (first + 1 < frames.size() &&
           frames[first + 1].timestamp_us - first_us <= options.start_us) {
      ++first;
    }
    frames.erase(frames.begin(), frames.begin() + static_cast<long>(first));
    frames.front().timestamp_us = first_us + options.start_us;
    if (options.end_us >= 0) {
      auto cut = std::find_if(
          frames.begin() + 1, frames.end(), [&](const FixtureFrame& f) {
            return f.timestamp_us - first_us >= options.end_us;
          });
      frames.erase(cut, frames.end());
    }
  }

  cv::Size size;
  for (size_t i = 0; i < frames.size(); ++i) {
    cv::Size this_size;
    if (Status s = ReadPngSize(frames[i].path, &this_size); !s.ok()) return s;
    if (i == 0) {
      size = this_size;
    } else if (this_size != size) {
      return Status::Error(
          frames[i].path + ": frame is " + std::to_string(this_size.width) +
          "x" + std::to_string(this_size.height) + ", the first frame is " +
          std::to_string(size.width) + "x" + std::to_string(size.height) +
          " (all frames must have one size)");
    }
  }
  *source = std::make_unique<FixtureSource>(std::move(frames), size,
                                            options.realtime);
  return Status::Ok();
}

}  // namespace svgcast
