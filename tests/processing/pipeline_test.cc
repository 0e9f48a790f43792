// Pipeline: order, release, drain, losslessness, failures and determinism.
#include "processing/pipeline.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <sys/resource.h>

#include "capture/frame.h"
#include "capture/frame_cache.h"
#include "capture/png_reader.h"
#include "processing/frame_diff.h"
#include "processing/frame_sink.h"
#include "processing/png_encoder.h"
#include "processing/region_optimizer.h"
#include "tests/test_util.h"

namespace svgcast::test {
namespace {

constexpr int64_t kFrameIntervalUs = 40'000;

// What the sink saw of one frame.
struct Written {
  uint64_t seq = 0;
  int64_t timestamp_us = 0;
  std::optional<Move> move;
  std::vector<cv::Rect> rects;
  std::vector<std::vector<uint8_t>> pngs;
  // Per patch: f(ill), s(prite), w (an image painting every pixel) or i
  // (an image that may leave unchanged pixels transparent).
  std::string kinds;

  bool operator==(const Written&) const = default;
};

// A FrameSink that records every call, and at every WriteFrame(seq) checks
// the protocol against the cache: frame seq is still cached, the frames
// before seq - 2 are released, nothing overlaps, nothing follows Finish().
// It can be told to throw at one frame. The graph calls it from different
// threads; everything it keeps is guarded by its mutex.
class RecordingSink : public FrameSink {
 public:
  RecordingSink(const FrameCache& cache, std::optional<uint64_t> throw_at,
                bool finish_throws)
      : cache_(cache), throw_at_(throw_at), finish_throws_(finish_throws) {}

  void WriteFrame(const EncodedFrame& frame) override {
    CallGuard guard(this, "WriteFrame");
    Written w;
    w.seq = frame.ticket.seq;
    w.timestamp_us = frame.ticket.timestamp_us;
    w.move = frame.move;
    for (const EncodedPatch& patch : frame.patches) {
      w.rects.push_back(patch.rect);
      w.kinds += patch.fill              ? 'f'
                 : !patch.sprite.empty() ? 's'
                 : patch.painted.empty() ? 'w'
                                         : 'i';
      // A one-colour patch or a sprite is kept as the PNG of its pixels.
      std::vector<uint8_t> png;
      if (patch.png != nullptr) {
        if (patch.format != ImageFormat::kPng) Violation("not a PNG");
        png = *patch.png;
        CheckPainted(patch);
      } else if (!patch.sprite.empty()) {
        if (patch.sprite.size() != patch.rect.size()) Violation("sprite size");
        if (!EncodePng(patch.sprite, PngOptions{}, &png).ok()) {
          Violation("sprite not encodable");
        }
      } else if (patch.fill) {
        const uint32_t c = *patch.fill;
        const cv::Mat pixels(
            patch.rect.size(), CV_8UC4,
            cv::Scalar(c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, 255));
        if (!EncodePng(pixels, PngOptions{}, &png).ok()) {
          Violation("fill not encodable");
        }
      } else {
        Violation("frame " + std::to_string(w.seq) + ": an empty patch");
      }
      w.pngs.push_back(std::move(png));
    }
    if (frame.ticket.is_end()) Violation("WriteFrame with the end marker");
    if (frame.failed) Violation("WriteFrame with a failed frame");
    if (frame.new_anchor) {
      const uint64_t a = *frame.new_anchor;
      if (a + 2 != w.seq || !anchors_.insert(a).second) {
        Violation("frame " + std::to_string(w.seq) + ": a stray anchor");
      }
    }
    if (frame.move && frame.move->frames_back > 2 &&
        anchors_.count(w.seq - frame.move->frames_back) == 0) {
      Violation("frame " + std::to_string(w.seq) + ": a move from no anchor");
    }
    CheckCache(w.seq);
    CheckMovedPixels(frame);
    for (uint64_t anchor : frame.anchors_dropped) {
      if (anchors_.erase(anchor) == 0) Violation("a stray anchor dropped");
    }
    {
      std::lock_guard lock(mutex_);
      if (finish_calls_ != 0) Violation("WriteFrame after Finish");
      written_.push_back(std::move(w));
    }
    if (throw_at_ == frame.ticket.seq) {
      throw std::runtime_error("sink: disk full at frame " +
                               std::to_string(frame.ticket.seq));
    }
  }

  void Finish() override {
    CallGuard guard(this, "Finish");
    std::lock_guard lock(mutex_);
    ++finish_calls_;
    if (finish_throws_) throw std::runtime_error("sink: cannot close output");
  }

  std::vector<Written> written() const {
    std::lock_guard lock(mutex_);
    return written_;
  }
  // How many pixels were left transparent (and, rightly, not claimed as
  // painted) in the images seen.
  int64_t transparent_px() const { return transparent_px_.load(); }
  int finish_calls() const {
    std::lock_guard lock(mutex_);
    return finish_calls_;
  }
  std::vector<std::string> violations() const {
    std::lock_guard lock(violation_mutex_);
    return violations_;
  }

 private:
  // An image's `painted` mask may claim only pixels it paints opaquely
  // (the SVG writer hides a frame whose pixels are all claimed later).
  void CheckPainted(const EncodedPatch& patch) {
    cv::Mat bgra;
    if (!DecodePngWithAlpha(patch.png->data(), patch.png->size(), &bgra).ok()) {
      Violation("patch PNG not decodable");
      return;
    }
    if (!patch.painted.empty() && (patch.painted.type() != CV_8UC1 ||
                                   patch.painted.size() != bgra.size())) {
      Violation("painted mask of the wrong type or size");
      return;
    }
    for (int y = 0; y < bgra.rows; ++y) {
      for (int x = 0; x < bgra.cols; ++x) {
        if (bgra.at<cv::Vec4b>(y, x)[3] == 255) continue;
        transparent_px_ += 1;
        if (patch.painted.empty() || patch.painted.at<uint8_t>(y, x) != 0) {
          Violation("a pixel left transparent is claimed as painted");
          return;
        }
      }
    }
  }

  // Flags a call that overlaps another (the writer must be serial).
  class CallGuard {
   public:
    CallGuard(RecordingSink* sink, const char* what) : sink_(sink) {
      if (sink_->active_calls_.fetch_add(1) != 0) {
        sink_->Violation(std::string(what) + " overlaps another call");
      }
    }
    ~CallGuard() { sink_->active_calls_.fetch_sub(1); }

   private:
    RecordingSink* sink_;
  };

  void Violation(const std::string& what) {
    std::lock_guard lock(violation_mutex_);
    violations_.push_back(what);
  }

  // A move carries the pixels it shows: the rows dy away in the frame it
  // shows (still cached: it is released once this frame is written).
  void CheckMovedPixels(const EncodedFrame& frame) {
    const std::string at =
        "at WriteFrame(" + std::to_string(frame.ticket.seq) + "): ";
    if (!frame.move) {
      if (!frame.moved_pixels.empty()) Violation(at + "pixels, no move");
      return;
    }
    const Move& move = *frame.move;
    if (frame.moved_frame == nullptr ||
        frame.moved_pixels.size() != move.to.size()) {
      Violation(at + "a move without its pixels");
      return;
    }
    const CropReply shown = cache_.Crop(
        {frame.ticket.seq - move.frames_back, move.to + cv::Point(0, move.dy)});
    if (cv::norm(shown.pixels, frame.moved_pixels, cv::NORM_INF) != 0) {
      Violation(at + "a move's pixels are not what it shows");
    }
  }

  void CheckCache(uint64_t seq) {
    const std::string at = "at WriteFrame(" + std::to_string(seq) + "): ";
    try {
      const CropReply reply = cache_.Crop({seq, std::nullopt});
      if (reply.pixels.empty()) Violation(at + "empty crop of the frame");
    } catch (const std::logic_error&) {
      Violation(at + "the frame itself is no longer cached");
    }
    // (An anchor, pinned, stays.)
    if (seq >= 3 && anchors_.count(seq - 3) == 0) {
      bool threw = false;
      try {
        (void)cache_.Crop({seq - 3, std::nullopt});
      } catch (const std::logic_error&) {
        threw = true;
      }
      if (!threw) Violation(at + "frame seq - 3 is still cached");
    }
    const CacheStats stats = cache_.Stats();
    const uint64_t pinned = static_cast<uint64_t>(
        std::count_if(anchors_.begin(), anchors_.end(),
                      [seq](uint64_t anchor) { return anchor + 2 < seq; }));
    if (seq >= 2 && stats.released + pinned < seq - 2) {
      Violation(at + "only " + std::to_string(stats.released) +
                " frames released");
    }
  }

  const FrameCache& cache_;
  const std::optional<uint64_t> throw_at_;
  const bool finish_throws_;
  std::atomic<int> active_calls_{0};
  mutable std::mutex mutex_;  // guards written_ and finish_calls_
  std::vector<Written> written_;
  int finish_calls_ = 0;
  std::set<uint64_t> anchors_;  // pinned now (WriteFrame calls never overlap)
  std::atomic<int64_t> transparent_px_{0};
  // violations_ has its own mutex: Violation() is called with mutex_ held.
  mutable std::mutex violation_mutex_;
  std::vector<std::string> violations_;
};

// The frames of a short screencast (117x83: not a multiple of the tile):
// some frames identical to the one before, some with a few changed blocks
// or pixels, some changed all over. X is always 255, as every source makes
// it.
std::vector<cv::Mat> MakeFrames(int count, uint32_t seed) {
  const cv::Size size(117, 83);
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto noise = [&](cv::Mat& area) {
    for (int y = 0; y < area.rows; ++y) {
      for (int x = 0; x < area.cols; ++x) {
        area.at<cv::Vec4b>(y, x) =
            cv::Vec4b(static_cast<uint8_t>(uniform(0, 255)),
                      static_cast<uint8_t>(uniform(0, 255)),
                      static_cast<uint8_t>(uniform(0, 255)), 255);
      }
    }
  };
  auto scribble = [&](cv::Mat& frame) {
    const int blocks = uniform(1, 4);
    for (int b = 0; b < blocks; ++b) {
      const int x = uniform(0, size.width - 1);
      const int y = uniform(0, size.height - 1);
      cv::Rect block(x, y, uniform(1, 30), uniform(1, 20));
      block &= cv::Rect(0, 0, size.width, size.height);
      cv::Mat area = frame(block);
      if (uniform(0, 1) == 0) {
        noise(area);
      } else {
        area.setTo(
            cv::Scalar(uniform(0, 255), uniform(0, 255), uniform(0, 255), 255));
      }
    }
    const int pixels = uniform(0, 3);
    for (int p = 0; p < pixels; ++p) {
      frame.at<cv::Vec4b>(uniform(0, size.height - 1),
                          uniform(0, size.width - 1))[uniform(0, 2)] ^= 0x80;
    }
  };

  std::vector<cv::Mat> frames;
  cv::Mat first = SolidFrame(size, cv::Scalar(235, 235, 235));
  scribble(first);
  frames.push_back(first);
  for (int i = 1; i < count; ++i) {
    cv::Mat next = frames.back().clone();
    switch (i % 7) {
      case 2:
      case 5:
        break;  // identical to the previous frame
      case 6: {
        noise(next);  // changed all over
        break;
      }
      default:
        scribble(next);
    }
    frames.push_back(next);
  }
  return frames;
}

bool SameBytes(const cv::Mat& a, const cv::Mat& b) {
  for (int y = 0; y < a.rows; ++y) {
    if (std::memcmp(a.ptr(y), b.ptr(y), a.cols * a.elemSize()) != 0) {
      return false;
    }
  }
  return true;
}

// What the pipeline must produce with default options, computed serially
// with the same pure functions.
std::vector<Written> ExpectedOutput(const std::vector<cv::Mat>& frames) {
  std::vector<Written> expected;
  for (size_t i = 0; i < frames.size(); ++i) {
    Written w;
    w.seq = i;
    w.timestamp_us = static_cast<int64_t>(i) * kFrameIntervalUs;
    const cv::Mat& cur = frames[i];
    w.rects = i == 0 ? std::vector<cv::Rect>{{0, 0, cur.cols, cur.rows}}
                     : PlanPatches(DiffRegions(frames[i - 1], cur, {}), {});
    if (i > 0) {
      // One pixel of context around each patch, then grown to even
      // coordinates (PipelineOptions' margin_px and align_px), in the frame.
      const cv::Rect frame(0, 0, cur.cols, cur.rows);
      for (cv::Rect& r : w.rects) {
        const cv::Rect grown =
            cv::Rect(r.x - 1, r.y - 1, r.width + 2, r.height + 2) & frame;
        const int x0 = grown.x / 2 * 2, y0 = grown.y / 2 * 2;
        const int x1 = (grown.br().x + 1) / 2 * 2;
        const int y1 = (grown.br().y + 1) / 2 * 2;
        r = cv::Rect(cv::Point(x0, y0), cv::Point(x1, y1)) & frame;
      }
    }
    for (const cv::Rect& r : w.rects) {
      // As RecordingSink keeps them: a one-colour patch or a sprite (at
      // most 64K pixels, sides of at most 1024: PipelineOptions) as the
      // plain PNG of its pixels, any other as EncodePatch gives it.
      std::vector<uint8_t> png;
      const cv::Mat patch = cur(r);
      auto one_colour_in = [&cur, &patch](const cv::Rect& rect) {
        const cv::Mat pixels = cur(rect);
        return cv::countNonZero(pixels.reshape(1, 0) !=
                                cv::repeat(patch(cv::Rect(0, 0, 1, 1)),
                                           pixels.rows, pixels.cols)
                                    .reshape(1, 0)) == 0;
      };
      // (A <rect> only where two pixels around it have its colour too.)
      const bool one_colour =
          one_colour_in(r) &&
          (i == 0 ||
           one_colour_in(cv::Rect(r.x - 2, r.y - 2, r.width + 4, r.height + 4) &
                         cv::Rect(0, 0, cur.cols, cur.rows)));
      // (Not when transparent unchanged pixels save over a quarter.)
      bool sprite =
          i > 0 && r.area() <= 64 * 1024 && r.width <= 1024 && r.height <= 1024;
      if (sprite) {
        std::vector<uint8_t> opaque, best;
        EXPECT_TRUE(EncodePng(patch, PngOptions{}, &opaque).ok());
        EXPECT_TRUE(
            EncodePatch(patch, frames[i - 1](r), PngOptions{}, &best).ok());
        sprite = best.size() * 4 >= opaque.size() * 3;
      }
      w.kinds += one_colour ? 'f' : sprite ? 's' : i == 0 ? 'w' : 'i';
      EXPECT_TRUE(
          (one_colour || sprite
               ? EncodePng(patch, PngOptions{}, &png)
               : EncodePatch(patch, i == 0 ? cv::Mat() : frames[i - 1](r),
                             PngOptions{}, &png))
              .ok());
      w.pngs.push_back(std::move(png));
    }
    expected.push_back(std::move(w));
  }
  return expected;
}

struct FeedResult {
  uint64_t published = 0;
  bool aborted = false;  // Admit() said kAborted
  std::string error;
};

// The capture thread's part: admit, publish and post every frame, then the
// end marker (seq one past the last published frame).
void Feed(FrameCache& cache, Pipeline& pipeline,
          const std::vector<cv::Mat>& frames, FeedResult* result) {
  try {
    for (const cv::Mat& pixels : frames) {
      const FrameCache::Admission admission =
          cache.Admit(FrameBytes(pixels.size()));
      if (admission == FrameCache::Admission::kAborted) {
        result->aborted = true;
        break;
      }
      if (admission != FrameCache::Admission::kReady) {
        result->error = "unexpected admission";
        break;
      }
      auto frame = std::make_shared<Frame>();
      frame->seq = result->published;
      frame->timestamp_us =
          static_cast<int64_t>(result->published) * kFrameIntervalUs;
      frame->pixels = pixels;  // shared, read only from here on
      const FrameTicket ticket{FrameTicket::Kind::kFrame, frame->seq,
                               frame->timestamp_us};
      cache.Publish(std::move(frame));
      pipeline.Post(ticket);
      ++result->published;
    }
  } catch (const std::exception& e) {
    result->error = e.what();
  }
  pipeline.Post({FrameTicket::Kind::kEnd, result->published,
                 static_cast<int64_t>(result->published) * kFrameIntervalUs});
}

// Perturbation, not waiting: 0..2 ms per (seq, stage), from a seeded RNG.
void RandomDelay(uint32_t seed, PipelineStage stage, uint64_t seq) {
  std::mt19937 rng(seed ^
                   static_cast<uint32_t>(seq * 8 + static_cast<int>(stage)));
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % 2001));
}

using Hook = std::function<void(const FrameCache& cache, PipelineStage stage,
                                uint64_t seq)>;

struct RunConfig {
  ProcessingMode mode = ProcessingMode::kOffloaded;
  int threads = 1;
  CacheLimits limits;
  Hook hook;
  std::optional<uint64_t> sink_throw_at;
  bool sink_finish_throws = false;
  // Called first on the feeding (capture) thread.
  std::function<void()> on_feeder_start;
  int sprite_max_area_px = PipelineOptions{}.sprite_max_area_px;
  bool grey_apart = PipelineOptions{}.grey_apart;
  ImageFormat codec = PipelineOptions{}.codec;
  Effort effort = Effort::kDefault;
  const std::atomic<bool>* hurry = nullptr;
  // PngOptions::transparent_unchanged (off in svgcast: see PipelineOptions)
  // on, so that the sink checks the masks of images that use it.
  bool transparent_unchanged = true;
};

struct RunResult {
  Status status;
  std::vector<Written> written;
  int finish_calls = 0;
  std::vector<std::string> violations;
  int64_t transparent_px = 0;  // in the images the sink saw
  FeedResult feed;
  CacheStats cache;
  FrameCache::Admission later_admission = FrameCache::Admission::kReady;
  PipelineStats stats;
  uint64_t frames_written = 0;
  std::vector<uint64_t> progress;  // on_frame_written calls
};

RunResult RunPipeline(const std::vector<cv::Mat>& frames,
                      const RunConfig& config) {
  FrameCache cache(config.limits, WhenFull::kWait);
  RecordingSink sink(cache, config.sink_throw_at, config.sink_finish_throws);
  std::mutex progress_mutex;
  std::vector<uint64_t> progress;
  PipelineOptions options;
  options.mode = config.mode;
  options.threads = config.threads;
  options.sprite_max_area_px = config.sprite_max_area_px;
  options.grey_apart = config.grey_apart;
  options.codec = config.codec;
  options.png.transparent_unchanged = config.transparent_unchanged;
  options.png.effort = config.effort;
  options.hurry = config.hurry;
  options.on_frame_written = [&](uint64_t frames_written) {
    std::lock_guard lock(progress_mutex);
    progress.push_back(frames_written);
  };
  if (config.hook) {
    options.stage_hook = [&cache, hook = config.hook](PipelineStage stage,
                                                      uint64_t seq) {
      hook(cache, stage, seq);
    };
  }
  RunResult result;
  {
    Pipeline pipeline(cache, sink, options);
    EXPECT_EQ(pipeline.threads(),
              config.mode == ProcessingMode::kInline ? 0 : config.threads);
    std::thread feeder([&] {
      if (config.on_feeder_start) config.on_feeder_start();
      Feed(cache, pipeline, frames, &result.feed);
    });
    result.status = pipeline.Wait();
    feeder.join();
    result.stats = pipeline.stats();
    result.frames_written = pipeline.frames_written();
  }
  {
    std::lock_guard lock(progress_mutex);
    result.progress = progress;
  }
  result.written = sink.written();
  result.finish_calls = sink.finish_calls();
  result.violations = sink.violations();
  result.transparent_px = sink.transparent_px();
  result.cache = cache.Stats();
  result.later_admission = cache.Admit(FrameBytes(frames.front().size()));
  return result;
}

// Moves the band of each move, then pastes every patch, decoded by our PNG
// reader, onto a canvas, and checks that after each frame the canvas is
// that frame.
::testing::AssertionResult Reproduces(const std::vector<cv::Mat>& frames,
                                      const std::vector<Written>& written) {
  cv::Mat canvas(frames.front().size(), CV_8UC4, cv::Scalar(1, 2, 3, 255));
  std::vector<cv::Mat> shown;  // the canvas after each frame so far
  const cv::Rect bounds(0, 0, canvas.cols, canvas.rows);
  for (const Written& w : written) {
    if (w.move) {
      const cv::Rect from = w.move->to + cv::Point(0, w.move->dy);
      if ((w.move->to & bounds) != w.move->to || (from & bounds) != from) {
        return ::testing::AssertionFailure()
               << "frame " << w.seq << ": move outside";
      }
      const size_t back = static_cast<size_t>(w.move->frames_back);
      if (back < 1 || back > shown.size()) {
        return ::testing::AssertionFailure()
               << "frame " << w.seq << ": a move from " << w.move->frames_back
               << " frames back";
      }
      shown[shown.size() - back](from).copyTo(canvas(w.move->to));
    }
    for (size_t i = 0; i < w.rects.size(); ++i) {
      const cv::Rect& r = w.rects[i];
      if ((r & bounds) != r || r.empty()) {
        return ::testing::AssertionFailure()
               << "frame " << w.seq << ": patch " << r << " outside";
      }
      cv::Mat patch;  // BGRA: pixels left as they were are transparent
      const Status s =
          DecodePngWithAlpha(w.pngs[i].data(), w.pngs[i].size(), &patch);
      if (!s.ok()) {
        return ::testing::AssertionFailure()
               << "frame " << w.seq << ": " << s.message();
      }
      if (patch.size() != r.size()) {
        return ::testing::AssertionFailure()
               << "frame " << w.seq << ": patch " << r << " decodes to "
               << patch.size();
      }
      cv::Mat opaque;
      cv::extractChannel(patch, opaque, 3);
      patch.copyTo(canvas(r), opaque);
    }
    ::testing::AssertionResult same = SamePixels(frames[w.seq], canvas);
    if (!same) {
      return ::testing::AssertionFailure()
             << "canvas after frame " << w.seq << ": " << same.message();
    }
    shown.push_back(canvas.clone());
  }
  return ::testing::AssertionSuccess();
}

void ExpectInOrderOnce(const std::vector<Written>& written, size_t count) {
  ASSERT_EQ(written.size(), count);
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(written[i].seq, i);
    EXPECT_EQ(written[i].timestamp_us,
              static_cast<int64_t>(i) * kFrameIntervalUs);
  }
}

std::string Describe(const std::vector<std::string>& violations) {
  std::string text;
  for (const std::string& v : violations) text += v + "\n";
  return text;
}

class PipelineThreadsTest : public ::testing::TestWithParam<int> {};

// (1) Random processing delays: every frame reaches the sink once, in
// order, then Finish once; releases follow the writer; the cache drains;
// the patches reproduce every frame exactly.
TEST_P(PipelineThreadsTest, WritesEveryFrameInOrderAndDrains) {
  const int threads = GetParam();
  const std::vector<cv::Mat> frames = MakeFrames(40, 17);
  RunConfig config;
  config.threads = threads;
  config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
    RandomDelay(1234, stage, seq);
  };
  const RunResult run = RunPipeline(frames, config);

  ASSERT_TRUE(run.status.ok()) << run.status.message();
  EXPECT_TRUE(run.feed.error.empty()) << run.feed.error;
  EXPECT_FALSE(run.feed.aborted);
  EXPECT_EQ(run.feed.published, frames.size());
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  ExpectInOrderOnce(run.written, frames.size());
  EXPECT_EQ(run.finish_calls, 1);

  // Drained: nothing left cached, every published frame released.
  EXPECT_EQ(run.cache.published, frames.size());
  EXPECT_EQ(run.cache.released, run.cache.published);
  EXPECT_EQ(run.cache.frames, 0u);
  EXPECT_EQ(run.cache.bytes, 0u);
  EXPECT_EQ(run.later_admission, FrameCache::Admission::kReady);

  EXPECT_EQ(run.frames_written, frames.size());
  std::vector<uint64_t> progress(frames.size());
  std::iota(progress.begin(), progress.end(), 1);
  EXPECT_EQ(run.progress, progress);  // on_frame_written: 1, 2, ..., n
  EXPECT_EQ(run.stats.frames, frames.size());
  uint64_t changed = 0, patches = 0;
  for (const Written& w : run.written) {
    changed += w.rects.empty() && !w.move ? 0 : 1;
    patches += w.rects.size();
  }
  EXPECT_EQ(run.stats.changed_frames, changed);
  EXPECT_EQ(run.stats.patches, patches);

  // Frame 0 is the poster: one patch of the whole frame.
  ASSERT_FALSE(run.written.empty());
  EXPECT_EQ(run.written[0].rects,
            (std::vector<cv::Rect>{{0, 0, frames[0].cols, frames[0].rows}}));
  // A frame identical to the one before has no patches; any other has some.
  int identical = 0;
  for (size_t i = 1; i < run.written.size(); ++i) {
    const bool same = SameBytes(frames[i - 1], frames[i]);
    identical += same ? 1 : 0;
    EXPECT_EQ(run.written[i].rects.empty() && !run.written[i].move, same)
        << "frame " << i;
  }
  EXPECT_GE(identical, 5);  // the sequence really has such frames

  EXPECT_TRUE(Reproduces(frames, run.written));
  // Some images left pixels transparent, and the sink checked that their
  // masks do not claim them (no violation above).
  EXPECT_GT(run.transparent_px, 0);
}

// (2) The smallest cache, four frames (Pipeline::kFramesInUse), under
// kWait: the capture side waits for the writer, and everything still gets
// through.
TEST_P(PipelineThreadsTest, SmallestCacheWithWaitProcessesEverything) {
  const int threads = GetParam();
  const std::vector<cv::Mat> frames = MakeFrames(30, 23);
  RunConfig config;
  config.threads = threads;
  config.limits.max_frames = Pipeline::kFramesInUse;
  config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
    RandomDelay(777, stage, seq);
  };
  const RunResult run = RunPipeline(frames, config);

  ASSERT_TRUE(run.status.ok()) << run.status.message();
  EXPECT_TRUE(run.feed.error.empty()) << run.feed.error;
  EXPECT_EQ(run.feed.published, frames.size());
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  ExpectInOrderOnce(run.written, frames.size());
  EXPECT_EQ(run.finish_calls, 1);
  EXPECT_LE(run.cache.peak_frames, Pipeline::kFramesInUse);
  EXPECT_LE(run.cache.waited, frames.size() - Pipeline::kFramesInUse);
  EXPECT_EQ(run.cache.dropped, 0u);
  EXPECT_EQ(run.cache.frames, 0u);
  EXPECT_EQ(run.cache.released, frames.size());
  EXPECT_TRUE(Reproduces(frames, run.written));
}

// Spins (yielding) until `done`; false after a minute, so that a broken
// implementation fails instead of hanging. Used only to wait for the
// capture thread to block inside Admit(), which signals nothing.
bool SpinUntil(const std::function<bool()>& done) {
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// With the same cap, the writer of frame j holds back until the capture
// thread is waiting for room for frame j + 1. Then every frame from 3 on has
// to wait exactly once, and stats().waited says so.
TEST_P(PipelineThreadsTest, SmallestCacheCountsEveryWait) {
  const int threads = GetParam();
  const std::vector<cv::Mat> frames = MakeFrames(12, 29);
  const uint64_t n = frames.size();
  std::atomic<bool> gave_up{false};
  RunConfig config;
  config.threads = threads;
  config.limits.max_frames = Pipeline::kFramesInUse;
  config.hook = [n, &gave_up](const FrameCache& cache, PipelineStage stage,
                              uint64_t seq) {
    if (stage != PipelineStage::kWrite || seq < 2 || seq + 2 >= n) return;
    // Frames seq - 2 to seq + 1 fill the cache (no scroll: no anchor)
    // until this write releases seq - 2, so frame seq + 2 is the
    // (seq - 1)-th frame to wait.
    if (!SpinUntil([&] { return cache.Stats().waited >= seq - 1; })) {
      gave_up.store(true);
    }
  };
  const RunResult run = RunPipeline(frames, config);

  ASSERT_TRUE(run.status.ok()) << run.status.message();
  EXPECT_FALSE(gave_up.load()) << "the capture thread never waited";
  EXPECT_EQ(run.feed.published, n);
  ExpectInOrderOnce(run.written, n);
  EXPECT_EQ(run.finish_calls, 1);
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  EXPECT_EQ(run.cache.waited, n - 4);
  EXPECT_EQ(run.cache.peak_frames, 4u);
  EXPECT_EQ(run.cache.frames, 0u);
  EXPECT_TRUE(Reproduces(frames, run.written));
}

// The frames 00.png, 01.png... of a fixture.
std::vector<cv::Mat> ReadFixtureFrames(const std::string& fixture, int count) {
  std::vector<cv::Mat> frames;
  for (int n = 0; n < count; ++n) {
    char name[16];
    std::snprintf(name, sizeof name, "/%02d.png", n);
    cv::Mat frame;
    const Status s = ReadPngFile(FixturePath(fixture) + name, &frame);
    EXPECT_TRUE(s.ok()) << s.message();
    frames.push_back(frame);
  }
  return frames;
}

// A terminal printing a log (fixtures/terminal): the scrolled bands come
// as moves, with only the new lines as patches, and reproduce every frame
// whatever the thread count (12 of 13: the pause has none).
TEST(PipelineTest, ScrolledBandsAreMovesThatReproduceEveryFrame) {
  const std::vector<cv::Mat> frames = ReadFixtureFrames("terminal", 14);
  std::vector<Written> first;
  for (int threads : {1, 2}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    RunConfig config;
    config.threads = threads;
    config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
      RandomDelay(77, stage, seq);
    };
    const RunResult run = RunPipeline(frames, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
    ASSERT_EQ(run.written.size(), frames.size());
    uint64_t moves = 0;
    for (const Written& w : run.written) {
      if (!w.move) continue;
      ++moves;
      EXPECT_EQ(w.move->dy % 8, 0) << "frame " << w.seq;  // whole lines
    }
    EXPECT_EQ(run.stats.moves, moves);
    EXPECT_EQ(moves, 12u);
    EXPECT_TRUE(Reproduces(frames, run.written));
    if (first.empty()) {
      first = run.written;
    } else {
      EXPECT_TRUE(first == run.written);
    }
  }
}

// A web page scrolling 2 rows a frame: its text column (x 16-79 of 128)
// on white, and a scroll bar's thumb (x 120-125) that moves a row every
// other frame. Where the thumb moved, the columns that changed take it in
// and its rows break the band; the column alone is then a taller band that
// leaves less to encode. Every move is the column's (not the whole width
// in one frame and the column in the next: each move would show two
// earlier frames again), and every frame is reproduced.
TEST(PipelineTest, AScrollBarsThumbDoesNotWidenTheMove) {
  cv::RNG rng(5);
  cv::Mat text(200, 64, CV_8UC4);
  rng.fill(text, cv::RNG::UNIFORM, 0, 256);
  std::vector<cv::Mat> frames;
  for (int n = 0; n < 12; ++n) {
    cv::Mat frame(64, 128, CV_8UC4, cv::Scalar(255, 255, 255, 255));
    text(cv::Rect(0, 2 * n, 64, 64)).copyTo(frame(cv::Rect(16, 0, 64, 64)));
    frame(cv::Rect(120, 8 + n / 2, 6, 16)).setTo(cv::Scalar(90, 90, 90, 255));
    frames.push_back(frame);
  }
  const RunResult run = RunPipeline(frames, RunConfig{});
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  ASSERT_EQ(run.written.size(), frames.size());
  for (const Written& w : run.written) {
    if (w.seq == 0) continue;
    ASSERT_TRUE(w.move.has_value()) << "frame " << w.seq;
    EXPECT_EQ(w.move->dy, 2) << "frame " << w.seq;
    EXPECT_EQ(w.move->to.x, 16) << "frame " << w.seq;
    EXPECT_EQ(w.move->to.width, 64) << "frame " << w.seq;
  }
  EXPECT_TRUE(Reproduces(frames, run.written));
}

// Lines 7 pixels high (fixtures/terminal-odd): a line a frame is an odd
// distance from the frame before, refused, and an even one from the frame
// before that, so the band is a move from two frames back; the two-line
// scroll is a move from the frame before. Every frame is reproduced, the
// same whatever the thread count and with the smallest cache.
TEST(PipelineTest, OddLineHeightsMoveFromTwoFramesBack) {
  const std::vector<cv::Mat> frames = ReadFixtureFrames("terminal-odd", 20);
  // Frame -> frames back (0: no move). 6 and 9 are an odd distance from
  // both frames before them (after the two-line scroll, and either side
  // of the pause at 8): they move from the anchor, the frame before the
  // last odd scroll (3, then 6): four lines, then two.
  const std::vector<int> expected = {0, 0, 2, 2, 2, 1, 3, 2, 0, 3,
                                     2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  std::vector<Written> first;
  // (Last: the smallest cache, under which the capture side waits for
  // every write while diffs read two frames back.)
  for (size_t cap : {size_t{0}, size_t{0}, Pipeline::kFramesInUse}) {
    const int threads = cap == 0 && first.empty() ? 1 : 2;
    SCOPED_TRACE("threads " + std::to_string(threads) + ", cache cap " +
                 std::to_string(cap));
    RunConfig config;
    config.threads = threads;
    config.limits.max_frames = cap;
    config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
      RandomDelay(78, stage, seq);
    };
    const RunResult run = RunPipeline(frames, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
    ASSERT_EQ(run.written.size(), frames.size());
    for (const Written& w : run.written) {
      EXPECT_EQ(w.move ? w.move->frames_back : 0, expected[w.seq])
          << "frame " << w.seq;
      if (w.move) {
        EXPECT_EQ(w.move->dy, w.seq == 6 ? 28 : 14) << "frame " << w.seq;
      }
    }
    EXPECT_EQ(run.stats.moves, 17u);
    // The end drops the anchor: nothing stays pinned.
    EXPECT_EQ(run.cache.frames, 0u);
    EXPECT_EQ(run.cache.released, frames.size());
    EXPECT_TRUE(Reproduces(frames, run.written));
    if (first.empty()) {
      first = run.written;
    } else {
      EXPECT_TRUE(first == run.written);
    }
  }
}

// A region of one colour is a <rect> only where what surrounds it (as
// far as a sprite's context) has its colour too: a <rect>'s edges are
// sharp, and a browser scaling the SVG blends the frame's pixels with
// their neighbours. Else it is a sprite, which carries them.
// After Ctrl-C (replay, convert) the frames still cached are finished
// soon: once PipelineOptions::hurry is true, patches are encoded as at the
// default effort (no Zopfli): the same PNGs as a default pipeline's;
// before, at --effort max, smaller ones.
TEST(PipelineTest, OnceHurriedPatchesAreEncodedAtTheDefaultEffort) {
  const std::vector<cv::Mat> frames = MakeFrames(6, 29);
  std::atomic<bool> hurry{false};
  RunConfig config;
  config.sprite_max_area_px = 0;  // (every patch an image of its own)
  const RunResult by_default = RunPipeline(frames, config);
  config.effort = Effort::kMax;
  config.hurry = &hurry;
  const RunResult at_max = RunPipeline(frames, config);
  hurry = true;
  const RunResult hurried = RunPipeline(frames, config);
  for (const RunResult* run : {&by_default, &at_max, &hurried}) {
    ASSERT_TRUE(run->status.ok()) << run->status.message();
    EXPECT_TRUE(run->violations.empty()) << Describe(run->violations);
  }
  auto bytes = [](const RunResult& run) {
    size_t total = 0;
    for (const Written& w : run.written) {
      for (const auto& png : w.pngs) total += png.size();
    }
    return total;
  };
  EXPECT_LT(bytes(at_max), bytes(by_default));
  EXPECT_EQ(hurried.written, by_default.written);
}

TEST(PipelineTest, OneColourPatchIsARectOnlyWithinItsColour) {
  for (bool dark_beside : {false, true}) {
    SCOPED_TRACE(dark_beside ? "a dark pixel beside" : "white around");
    cv::Mat before(32, 32, CV_8UC4, cv::Scalar(255, 255, 255, 255));
    before(cv::Rect(10, 10, 4, 4)).setTo(cv::Scalar(0, 0, 0, 255));
    // (The erased block's patch, with its margin, is x 8-16: 7 is past it.)
    if (dark_beside) before.at<cv::Vec4b>(11, 7) = cv::Vec4b(0, 0, 0, 255);
    cv::Mat after = before.clone();
    after(cv::Rect(10, 10, 4, 4)).setTo(cv::Scalar(255, 255, 255, 255));
    const RunResult run = RunPipeline({before, after}, RunConfig{});
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    ASSERT_EQ(run.written.size(), 2u);
    ASSERT_EQ(run.written[1].rects.size(), 1u);
    EXPECT_EQ(run.written[1].rects[0], cv::Rect(8, 8, 8, 8));
    EXPECT_EQ(run.written[1].kinds, dark_beside ? "s" : "f");
    EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  }
}

// A one-colour area too big for one sprite is cut into tiles, each a
// fill; tiles of one colour that share a side are one <rect> again.
TEST(PipelineTest, OneColourTilesAreJoined) {
  const cv::Mat before(64, 64, CV_8UC4, cv::Scalar(255, 255, 255, 255));
  cv::Mat after(64, 64, CV_8UC4, cv::Scalar(200, 200, 200, 255));
  RunConfig config;
  config.sprite_max_area_px = 64 * 8;  // tiles 64x8
  {
    const RunResult run = RunPipeline({before, after}, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    ASSERT_EQ(run.written.size(), 2u);
    EXPECT_EQ(run.written[1].kinds, "f");
    EXPECT_EQ(run.written[1].rects,
              std::vector<cv::Rect>{cv::Rect(0, 0, 64, 64)});
    EXPECT_TRUE(Reproduces({before, after}, run.written));
  }
  // With text in the top left tile: that tile a sprite, the rest two fills.
  after(cv::Rect(10, 2, 6, 4)).setTo(cv::Scalar(0, 0, 0, 255));
  const RunResult run = RunPipeline({before, after}, config);
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  ASSERT_EQ(run.written.size(), 2u);
  EXPECT_TRUE(Reproduces({before, after}, run.written));
  EXPECT_EQ(
      std::count(run.written[1].kinds.begin(), run.written[1].kinds.end(), 'f'),
      1);
  EXPECT_LE(run.written[1].rects.size(), 3u);
}

// Grey "text" (black and white noise) over `where` of `frame`.
void PaintGreyText(const cv::Rect& where, uint64_t seed, cv::Mat* frame) {
  cv::RNG rng(seed);
  for (int x = where.x; x < where.br().x; ++x) {
    for (int y = where.y; y < where.br().y; ++y) {
      const auto v = static_cast<uint8_t>(rng.uniform(0, 2) * 255);
      frame->at<cv::Vec4b>(y, x) = cv::Vec4b(v, v, v, 255);
    }
  }
}

// A line of grey text ending in a coloured mark: the grey columns a patch
// of their own (a sprite for the grey sheet), the mark another.
TEST(PipelineTest, GreyTextIsAPatchApartFromAColouredMarkBesideIt) {
  const cv::Mat before(32, 96, CV_8UC4, cv::Scalar(255, 255, 255, 255));
  cv::Mat after = before.clone();
  PaintGreyText(cv::Rect(4, 8, 66, 12), 3, &after);
  after(cv::Rect(76, 8, 10, 12)).setTo(cv::Scalar(40, 40, 220, 255));
  // (Off: one patch; with the WebP codec too, as this line is too short
  // for a cut to pay there: see the next test.)
  for (int variant : {0, 1, 2}) {
    const bool apart = variant == 0;
    SCOPED_TRACE(variant == 0 ? "apart" : variant == 1 ? "off" : "webp");
    RunConfig config;
    config.grey_apart = variant != 1;
    config.codec = variant == 2 ? ImageFormat::kWebp : ImageFormat::kPng;
    const RunResult run = RunPipeline({before, after}, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    ASSERT_EQ(run.written.size(), 2u);
    EXPECT_TRUE(Reproduces({before, after}, run.written));
    const std::vector<cv::Rect>& rects = run.written[1].rects;
    EXPECT_EQ(run.written[1].kinds, apart ? "ss" : "s");
    ASSERT_EQ(rects.size(), apart ? 2u : 1u);
    if (!apart) continue;
    // Side by side, the cut 2 px (the context) before the mark, even.
    EXPECT_EQ(rects[0].br().x, rects[1].x);
    EXPECT_EQ(rects[0].br().x, 74);
    EXPECT_EQ(rects[0].y, rects[1].y);
    EXPECT_EQ(rects[0].height, rects[1].height);
  }
}

// With WebP, a long line of grey text ending in a mark is cut the same
// way (grey_split.h's WebPGreySplitOptions); with a second mark in its
// middle it stays whole (PNG: four parts).
TEST(PipelineTest, WebPCutsOnlyALongGreyLineEndingInAMark) {
  const cv::Mat before(32, 480, CV_8UC4, cv::Scalar(255, 255, 255, 255));
  cv::Mat after = before.clone();
  PaintGreyText(cv::Rect(4, 8, 452, 16), 5, &after);
  after(cv::Rect(462, 8, 10, 16)).setTo(cv::Scalar(40, 40, 220, 255));
  cv::Mat middle = after.clone();
  middle(cv::Rect(200, 8, 10, 16)).setTo(cv::Scalar(40, 40, 220, 255));
  const struct {
    const char* name;
    const cv::Mat& frame;
    ImageFormat codec;
    size_t parts;
  } cases[] = {{"webp, one mark", after, ImageFormat::kWebp, 2},
               {"webp, two marks", middle, ImageFormat::kWebp, 1},
               {"png, two marks", middle, ImageFormat::kPng, 4}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RunConfig config;
    config.codec = c.codec;
    const RunResult run = RunPipeline({before, c.frame}, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    ASSERT_EQ(run.written.size(), 2u);
    EXPECT_TRUE(Reproduces({before, c.frame}, run.written));
    EXPECT_EQ(run.written[1].rects.size(), c.parts);
  }
}

// Direct: whatever the order, fills of one colour that share a whole side
// are joined; other patches are left, and every pixel keeps its colour.
TEST(JoinFillsTest, JoinsFillsOfOneColourSharingASide) {
  auto fill = [](cv::Rect r, uint32_t colour) {
    EncodedPatch p;
    p.rect = r;
    p.fill = colour;
    return p;
  };
  EncodedPatch sprite;
  sprite.rect = cv::Rect(4, 0, 4, 2);
  sprite.sprite = cv::Mat(2, 4, CV_8UC4, cv::Scalar(1, 2, 3, 255));
  std::vector<EncodedPatch> patches = {
      fill({0, 0, 4, 2}, 7), sprite,
      fill({8, 0, 4, 2}, 7), fill({0, 2, 4, 2}, 7),
      fill({4, 2, 4, 2}, 7), fill({8, 2, 4, 2}, 9),
      fill({0, 4, 12, 2}, 7)};
  JoinFills(&patches);
  // The left column (0-4 x 0-6)... whichever way: check the pixels.
  cv::Mat shown(6, 12, CV_32S, cv::Scalar(-1));
  int fills = 0;
  for (const EncodedPatch& p : patches) {
    ASSERT_EQ(cv::countNonZero(shown(p.rect) != -1), 0)
        << "overlap at " << p.rect;
    shown(p.rect).setTo(p.fill ? static_cast<int>(*p.fill) : 0);
    fills += p.fill ? 1 : 0;
  }
  const int expected[3][3] = {{7, 0, 7}, {7, 7, 9}, {7, 7, 7}};
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 12; ++x) {
      EXPECT_EQ(shown.at<int>(y, x), expected[y / 2][x / 4]) << x << "," << y;
    }
  }
  EXPECT_LT(fills, 6);
  for (size_t i = 0; i < patches.size(); ++i) {
    for (size_t j = i + 1; j < patches.size(); ++j) {
      const cv::Rect &a = patches[i].rect, &b = patches[j].rect;
      const bool side = (a.y == b.y && a.height == b.height &&
                         (a.br().x == b.x || b.br().x == a.x)) ||
                        (a.x == b.x && a.width == b.width &&
                         (a.br().y == b.y || b.br().y == a.y));
      EXPECT_FALSE(side && patches[i].fill && patches[j].fill &&
                   *patches[i].fill == *patches[j].fill)
          << a << " and " << b << " could still be one";
    }
  }
  EXPECT_FALSE(patches[1].fill) << "the sprite keeps its place";
}

// Sparse "text" (BGRX) on 7-pixel lines, from line `first` at the top.
cv::Mat TextLines(cv::Size size, int first) {
  cv::Mat image(size, CV_8UC4, cv::Scalar(30, 20, 20, 255));
  for (int y = 0; y < size.height; ++y) {
    const int line = first + y / 7;
    if (y % 7 == 0 || y % 7 == 6) continue;  // the space between lines
    for (int x = 4; x < size.width - 4; ++x) {
      const uint32_t h = static_cast<uint32_t>(line * 7919 + (y % 7) * 131 +
                                               x * 31 + x * line) *
                         2654435761u;
      if (h >> 29 == 0) image.at<cv::Vec4b>(y, x) = {220, 220, 220, 255};
    }
  }
  return image;
}

// A band that scrolled by an odd distance (and no move from two frames
// back: the second frame) is painted whole, every pixel opaque, not
// with its unchanged pixels transparent: a later move then shows it as one
// frame, not also every older one under those pixels. Too large for one
// sprite, it is cut into strips that are sprites (opaque, and each with
// what surrounds it, for a browser scaling the SVG), not an image of its
// own. (With no sheet, it is one image, every pixel opaque.)
TEST(PipelineTest, BandScrolledAnOddDistanceIsPaintedWhole) {
  const cv::Size size(400, 210);
  const RunResult run =
      RunPipeline({TextLines(size, 0), TextLines(size, 1)}, RunConfig{});
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  ASSERT_EQ(run.written.size(), 2u);
  EXPECT_FALSE(run.written[1].move.has_value());
  EXPECT_EQ(run.written[1].kinds, "ss");
  for (const cv::Rect& r : run.written[1].rects) {
    EXPECT_LE(r.area(), PipelineOptions{}.sprite_max_area_px) << r;
  }
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  EXPECT_TRUE(
      Reproduces({TextLines(size, 0), TextLines(size, 1)}, run.written));

  // Wider than a sprite may be (1024): tiles.
  const cv::Size wide(1100, 120);
  const std::vector<cv::Mat> two = {TextLines(wide, 0), TextLines(wide, 1)};
  const RunResult tiled = RunPipeline(two, RunConfig{});
  ASSERT_TRUE(tiled.status.ok()) << tiled.status.message();
  ASSERT_EQ(tiled.written.size(), 2u);
  EXPECT_FALSE(tiled.written[1].move.has_value());
  EXPECT_GE(tiled.written[1].kinds.size(), 4u);
  EXPECT_EQ(tiled.written[1].kinds.find_first_not_of('s'), std::string::npos)
      << tiled.written[1].kinds;
  for (const cv::Rect& r : tiled.written[1].rects) {
    EXPECT_LE(r.area(), PipelineOptions{}.sprite_max_area_px) << r;
    EXPECT_LE(r.width, PipelineOptions{}.sprite_max_side_px) << r;
  }
  EXPECT_TRUE(tiled.violations.empty()) << Describe(tiled.violations);
  EXPECT_TRUE(Reproduces(two, tiled.written));

  RunConfig no_sheet;
  no_sheet.sprite_max_area_px = 0;
  const RunResult alone =
      RunPipeline({TextLines(size, 0), TextLines(size, 1)}, no_sheet);
  ASSERT_TRUE(alone.status.ok()) << alone.status.message();
  ASSERT_EQ(alone.written.size(), 2u);
  EXPECT_EQ(alone.written[1].kinds, "w");
}

// (4) The sink sees the same frames, rects and PNG bytes whatever the
// thread count and delays, and exactly what the pure functions give.
TEST(PipelineTest, OutputIsIdenticalForAnyThreadCount) {
  const std::vector<cv::Mat> frames = MakeFrames(35, 31);
  const std::vector<Written> expected = ExpectedOutput(frames);
  uint32_t delay_seed = 1;
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    RunConfig config;
    config.threads = threads;
    const uint32_t seed = delay_seed++;
    config.hook = [seed](const FrameCache&, PipelineStage stage, uint64_t seq) {
      RandomDelay(seed, stage, seq);
    };
    const RunResult run = RunPipeline(frames, config);
    ASSERT_TRUE(run.status.ok()) << run.status.message();
    ASSERT_EQ(run.written.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(run.written[i].rects, expected[i].rects) << "frame " << i;
      EXPECT_TRUE(run.written[i] == expected[i]) << "frame " << i;
    }
  }
}

// Inline mode (what `svgcast profile` compares against): every stage runs
// inside Post() on the capture thread, with the same output.
TEST(PipelineTest, InlineModeRunsOnTheCapturingThreadWithTheSameOutput) {
  const std::vector<cv::Mat> frames = MakeFrames(20, 37);
  const std::vector<Written> expected = ExpectedOutput(frames);
  std::mutex mutex;
  std::set<std::thread::id> hook_threads;
  RunConfig config;
  config.mode = ProcessingMode::kInline;
  config.hook = [&](const FrameCache&, PipelineStage, uint64_t) {
    std::lock_guard lock(mutex);
    hook_threads.insert(std::this_thread::get_id());
  };
  const RunResult run = RunPipeline(frames, config);
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  ASSERT_EQ(run.written.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(run.written[i] == expected[i]) << "frame " << i;
  }
  EXPECT_EQ(run.finish_calls, 1);
  EXPECT_EQ(run.cache.frames, 0u);
  // One thread ran every stage of every frame: the feeding (capture) one,
  // which is not this test's main thread.
  ASSERT_EQ(hook_threads.size(), 1u);
  EXPECT_NE(*hook_threads.begin(), std::this_thread::get_id());
}

// A real-time capture thread must not hand its scheduling class to the
// processing workers (threads inherit it from the thread that starts them,
// and TBB starts its workers when the first frame is posted): every
// worker runs under normal scheduling at nice +10.
TEST(PipelineTest, WorkersRunAtNormalPriorityWhenFedFromARealTimeThread) {
  {
    // Can this process use real-time scheduling at all?
    bool permitted = false;
    std::thread probe([&] {
      sched_param param{};
      param.sched_priority = 1;
      permitted =
          ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param) == 0;
    });
    probe.join();
    if (!permitted) GTEST_SKIP() << "no permission for SCHED_FIFO here";
  }
  struct Seen {
    int policy;
    int nice;
  };
  std::mutex mutex;
  std::map<std::thread::id, Seen> workers;
  std::thread::id feeder_id;
  std::atomic<bool> feeder_realtime{false};
  RunConfig config;
  config.threads = 2;
  config.on_feeder_start = [&] {
    sched_param param{};
    param.sched_priority = 1;
    feeder_realtime =
        ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param) == 0;
    std::lock_guard lock(mutex);
    feeder_id = std::this_thread::get_id();
  };
  config.hook = [&](const FrameCache&, PipelineStage stage, uint64_t) {
    if (stage == PipelineStage::kWrite) return;
    const Seen seen{::sched_getscheduler(0),
                    ::getpriority(PRIO_PROCESS, ::gettid())};
    std::lock_guard lock(mutex);
    workers[std::this_thread::get_id()] = seen;
  };
  const RunResult run = RunPipeline(MakeFrames(30, 41), config);
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  ASSERT_TRUE(feeder_realtime);
  ASSERT_FALSE(workers.empty());
  for (const auto& [id, seen] : workers) {
    EXPECT_NE(id, feeder_id);
    EXPECT_EQ(seen.policy, SCHED_OTHER);
    EXPECT_EQ(seen.nice, 10);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, PipelineThreadsTest,
                         ::testing::Values(1, 2, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "t" + std::to_string(info.param);
                         });

// (3) A node throws at frame 5: Wait() reports it, Finish() is not called,
// nothing from frame 5 on is written, the cache is aborted and the capture
// thread (blocked on a two-frame cache) gets out.
struct FailureCase {
  PipelineStage stage;
  int threads;
};

void PrintTo(const FailureCase& c, std::ostream* os) {
  *os << "stage " << static_cast<int>(c.stage) << ", " << c.threads
      << " threads";
}

class PipelineFailureTest : public ::testing::TestWithParam<FailureCase> {};

TEST_P(PipelineFailureTest, StageFailureStopsEverything) {
  const FailureCase c = GetParam();
  const std::vector<cv::Mat> frames = MakeFrames(20, 37);
  const std::string text = "injected failure in stage " +
                           std::to_string(static_cast<int>(c.stage)) +
                           " at frame 5";
  RunConfig config;
  config.threads = c.threads;
  config.limits.max_frames = Pipeline::kFramesInUse;
  config.hook = [&](const FrameCache&, PipelineStage stage, uint64_t seq) {
    RandomDelay(99, stage, seq);
    if (stage == c.stage && seq == 5) throw std::runtime_error(text);
  };
  const RunResult run = RunPipeline(frames, config);

  ASSERT_FALSE(run.status.ok());
  EXPECT_NE(run.status.message().find(text), std::string::npos)
      << run.status.message();
  EXPECT_EQ(run.finish_calls, 0);
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  ASSERT_LE(run.written.size(), 5u);
  ExpectInOrderOnce(run.written, run.written.size());
  EXPECT_EQ(run.stats.frames, run.written.size());
  EXPECT_TRUE(Reproduces(frames, run.written));

  // The capture thread was stopped by the abort: with room for three
  // frames it cannot have got past frame 7 (admitting 7 needs the write of
  // 6, which releases 4).
  EXPECT_TRUE(run.feed.aborted);
  EXPECT_TRUE(run.feed.error.empty()) << run.feed.error;
  EXPECT_LE(run.feed.published, 7u);
  EXPECT_GE(run.feed.published, 6u);  // 5 and the frame after it
  EXPECT_EQ(run.later_admission, FrameCache::Admission::kAborted);
}

INSTANTIATE_TEST_SUITE_P(
    Stages, PipelineFailureTest,
    ::testing::Values(FailureCase{PipelineStage::kEncode, 1},
                      FailureCase{PipelineStage::kEncode, 2},
                      FailureCase{PipelineStage::kEncode, 8},
                      FailureCase{PipelineStage::kDiff, 2},
                      FailureCase{PipelineStage::kOptimize, 2},
                      FailureCase{PipelineStage::kWrite, 2}),
    [](const ::testing::TestParamInfo<FailureCase>& info) {
      return "stage" + std::to_string(static_cast<int>(info.param.stage)) +
             "_t" + std::to_string(info.param.threads);
    });

// (5) The sink throws: Wait() returns its message and nothing more is
// written.
TEST(PipelineTest, SinkFailureIsReported) {
  const std::vector<cv::Mat> frames = MakeFrames(20, 41);
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    RunConfig config;
    config.threads = threads;
    config.limits.max_frames = Pipeline::kFramesInUse;
    config.sink_throw_at = 3;
    config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
      RandomDelay(5, stage, seq);
    };
    const RunResult run = RunPipeline(frames, config);

    ASSERT_FALSE(run.status.ok());
    EXPECT_NE(run.status.message().find("sink: disk full at frame 3"),
              std::string::npos)
        << run.status.message();
    EXPECT_EQ(run.finish_calls, 0);
    EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
    ExpectInOrderOnce(run.written, 4);  // 0..3; 3 threw
    EXPECT_TRUE(run.feed.aborted);
    EXPECT_LE(run.feed.published, 5u);
    EXPECT_EQ(run.later_admission, FrameCache::Admission::kAborted);
  }
}

// Finish() throws: Wait() returns its message, after every frame was
// written.
TEST(PipelineTest, SinkFinishFailureIsReported) {
  const std::vector<cv::Mat> frames = MakeFrames(10, 47);
  for (int threads : {1, 8}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    RunConfig config;
    config.threads = threads;
    config.sink_finish_throws = true;
    const RunResult run = RunPipeline(frames, config);
    ASSERT_FALSE(run.status.ok());
    EXPECT_NE(run.status.message().find("sink: cannot close output"),
              std::string::npos)
        << run.status.message();
    EXPECT_EQ(run.finish_calls, 1);
    ExpectInOrderOnce(run.written, frames.size());
    EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  }
}

// Without a cap and without delays, failures still end the stream cleanly.
TEST(PipelineTest, FailureWithUncappedCache) {
  const std::vector<cv::Mat> frames = MakeFrames(20, 43);
  RunConfig config;
  config.threads = 4;
  config.hook = [](const FrameCache&, PipelineStage stage, uint64_t seq) {
    if (stage == PipelineStage::kEncode && seq == 5) {
      throw std::runtime_error("boom at 5");
    }
  };
  const RunResult run = RunPipeline(frames, config);
  ASSERT_FALSE(run.status.ok());
  EXPECT_NE(run.status.message().find("boom at 5"), std::string::npos);
  EXPECT_EQ(run.finish_calls, 0);
  EXPECT_LE(run.written.size(), 5u);
  EXPECT_TRUE(run.violations.empty()) << Describe(run.violations);
  EXPECT_EQ(run.later_admission, FrameCache::Admission::kAborted);
}

}  // namespace
}  // namespace svgcast::test
