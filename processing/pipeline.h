// Pipeline: the processing side, a oneTBB flow graph that turns frame
// tickets into encoded patches and hands them, in frame order, to a
// FrameSink:
//
//   Post(ticket) -> diff -> sequencer -> anchor -> optimize -> encode
//                -> sequencer -> writer
//
// diff, optimize and encode run in parallel on different frames (frames are
// immutable, so the diff of (n-1, n) needs nothing from (n, n+1)); the
// sequencers restore frame order, and anchor and the writer are serial.
// anchor keeps the frame before the last odd scroll (from the frame
// before, an odd distance: the last of a run of them) pinned in the cache
// (FrameCache::Pin), and looks there for a scrolled band the diff did not
// find a move for (odd from the frame before and from the one before that:
// a terminal with 13-pixel lines, a command typed, then Enter; from the
// anchor, the text moved two odd distances and even ones: an even one). A
// frame is unpinned once the frame that drops it is written. Pixels are
// fetched from the capture side's FrameCache by crop requests; once frame n
// is written the pipeline tells the cache that frames before n - 1 are no
// longer needed (the diff of n + 1 looks for a scrolled band in n - 1 too,
// and the anchor is pinned: the cache must hold kFramesInUse frames). A frame
// with a move also carries a view of the pixels the move shows
// (EncodedFrame::moved_pixels, for the writer's own keyframes): no copy, and no
// longer held than the cache holds that frame, until this one is written. The
// end marker drains everything, then the sink's Finish() runs and Wait()
// returns.
//
// Threading: construct, Wait() and destroy on the owning thread. Post() is
// for the capture thread (one thread, tickets in seq order). frames_written()
// is thread-safe. The graph runs on its own task arena of `threads` worker
// threads; the owning thread only waits. In ProcessingMode::kInline there is
// no graph: Post() does all the work on the capture thread.
#ifndef SVGCAST_PROCESSING_PIPELINE_H_
#define SVGCAST_PROCESSING_PIPELINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "capture/frame.h"
#include "capture/frame_cache.h"
#include "capture/status.h"
#include "processing/frame_diff.h"
#include "processing/frame_sink.h"
#include "processing/png_encoder.h"
#include "processing/region_optimizer.h"
#include "processing/scroll_detector.h"

namespace svgcast {

enum class PipelineStage { kDiff = 1, kOptimize, kEncode, kWrite };

// Where the processing runs. kOffloaded is svgcast: the flow graph, off the
// capture thread. kInline runs every stage on the capture thread inside
// Post(): the naive design svgcast exists to replace, kept so `svgcast
// profile` can show the difference.
enum class ProcessingMode { kOffloaded = 1, kInline };

struct PipelineOptions {
  ProcessingMode mode = ProcessingMode::kOffloaded;
  int threads = 0;  // worker threads (kOffloaded); 0: one per core
  // Nice level of the worker threads (kOffloaded): above 0 they yield the
  // CPU to the capture thread and to the recorded program, so processing
  // falls behind (the cache absorbs it) instead of capture. 0: unchanged.
  int worker_nice = 10;
  DiffOptions diff;
  // Scrolled bands found and sent as moves (the writer shows what earlier
  // frames showed, shifted) when that leaves less than half as much to
  // encode.
  ScrollOptions scroll;
  CostModel cost;
  // Patches opaque (PngOptions::transparent_unchanged off): pixels an
  // image leaves transparent blend with the frames under them when a
  // browser scales the SVG, which filtering the frame itself does not do
  // (64 and 71 levels off at 50% and 150% where text was recoloured: the
  // recolour fixture); and on every recording and corpus sequence measured
  // it saved no byte. (Tests turn it on to check the masks it needs.)
  PngOptions png{.transparent_unchanged = false};
  // Unchanged context kept around every patch (not the poster), so that a
  // browser scaling the SVG filters a patch's edge with its true
  // neighbours instead of repeating the patch's own edge; and patches
  // aligned to even pixels, so that at 50% every patch is averaged in the
  // same 2x2 blocks as the whole frame. Together: no seams when scaled.
  int margin_px = 1;
  int align_px = 2;
  // The image format of patches encoded on their own (--codec): PNG, or
  // lossless WebP where it is smaller.
  ImageFormat codec = ImageFormat::kPng;
  // Patches of at most this many pixels (and sides) go to a sprite
  // sheet that the writer packs and encodes as one image (both 0: every
  // patch is an image of its own). One image compresses what recurs
  // across patches (the same glyphs, typed again) and carries one header.
  int sprite_max_area_px = 64 * 1024;
  int sprite_max_side_px = 1024;
  // Patches of grey text with coloured pixels in it cut into parts, so
  // that the grey ones go on the writer's grey sheet (processing/
  // grey_split.h; not the poster: an image of its own, it has no context
  // to carry across the cut; the writer cuts the rows of a band it paints
  // the same way, for PNG). Off: one patch each. With codec WebP, only
  // the clearest cut (WebPGreySplitOptions: a line of grey text ending in
  // an emoji): WebP's colour transforms store grey in RGB cheaply, and
  // more parts' markup and contexts cost more than they save.
  bool grey_apart = true;
  // Once this is true (Ctrl-C), patches are encoded at kDefault effort at
  // most, so that the frames still cached are finished soon (Zopfli, at
  // --effort max, is several times slower; one it is running stops at its
  // next megabyte: PngOptions::stop_zopfli). Read on any node; may be
  // null.
  const std::atomic<bool>* hurry = nullptr;
  // Called on the writer node after each frame is written (progress lines).
  std::function<void(uint64_t frames_written)> on_frame_written;
  // Test hook: called at the start of every node body with the frame's seq
  // (tests inject delays and failures here). May throw.
  std::function<void(PipelineStage stage, uint64_t seq)> stage_hook;
};

struct PipelineStats {
  uint64_t frames = 0;          // written, end marker excluded
  uint64_t changed_frames = 0;  // frames with a patch or a move
  uint64_t moves = 0;           // frames with a scrolled band
  uint64_t patches = 0;
};

class Pipeline {
 public:
  // How many frames the cache must be able to hold: a diff reads the frame,
  // the one before and the one before that; and the anchor is pinned.
  static constexpr size_t kFramesInUse = 4;

  Pipeline(FrameCache& cache, FrameSink& sink, PipelineOptions options);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  // Capture thread: a frame is published in the cache (or the end marker).
  void Post(const FrameTicket& ticket);

  // Owning thread: blocks until the end marker has been through the writer.
  // Ok when every frame was written and the sink finished; otherwise the
  // first error (the sink was not finished).
  Status Wait();

  // Owning thread, after Wait().
  PipelineStats stats() const { return stats_; }

  // The number of processing threads the graph runs on (0 when inline).
  int threads() const { return threads_; }

  uint64_t frames_written() const {
    return frames_written_.load(std::memory_order_relaxed);
  }

 private:
  struct Graph;  // the nodes (pipeline.cc builds the topology)

  // Any node: remember the first error, stop the capture side from waiting.
  void Fail(const std::string& message);
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  FrameChanges Diff(const FrameTicket& ticket);
  // A scrolled band in `changes` (cur against prev), if one pays: then the
  // regions are what is left once it has moved. It is looked for in prev,
  // then in `prev2`, the frame before prev (empty for frame 1).
  void DetectMove(const cv::Mat& prev2, const cv::Mat& prev, const cv::Mat& cur,
                  FrameChanges* changes) const;
  // The bounding box of changes.regions (not empty).
  static cv::Rect Changed(const FrameChanges& changes);
  // A move of the band from `source`, the frame `back` before cur: when
  // DetectScroll finds one (else `unaligned_dy` may say why not) and it
  // leaves less than half as much to encode, `changes` gets it and true is
  // returned.
  bool TryMove(int back, const cv::Mat& source, const cv::Mat& prev,
               const cv::Mat& cur, FrameChanges* changes,
               int* unaligned_dy) const;
  // The anchor node (serial, in seq order): a move from the anchor for an
  // odd scroll without one; a new anchor after a run of odd scrolls.
  FrameChanges Anchor(FrameChanges changes);
  FrameChanges Optimize(const FrameChanges& changes);
  EncodedFramePtr Encode(const FrameChanges& plan);
  // `rect` grown to multiples of align_px, then clipped to `bounds`.
  cv::Rect Aligned(const cv::Rect& rect, const cv::Rect& bounds) const;
  // Whether leaving the pixels that are as before transparent saves more
  // than a quarter of the patch's PNG (sparse changes: a converted video's
  // noise under --tolerance, a blinking cursor in a merged region). Such a
  // patch stays an image of its own: sprites are opaque, since transparent
  // pixels blend with what is below when a browser scales the SVG.
  bool TransparencyPays(const cv::Mat& now, const cv::Mat& before);
  // Frame `seq`'s pixels in `rect` (over frame seq - 1) as a patch: one
  // colour, a sprite (with its context), or an image of its own. `whole`:
  // every pixel painted (none left transparent where unchanged).
  EncodedPatch EncodeRect(uint64_t seq, const cv::Rect& rect, bool whole);
  // `rect` of frame `seq` as the patches to encode: its grey parts apart
  // (CutGreyApart), or whole.
  std::vector<cv::Rect> GreyApart(uint64_t seq, const cv::Rect& rect) const;
  void Write(const EncodedFramePtr& frame);  // serial

  FrameCache& cache_;
  FrameSink& sink_;
  const PipelineOptions options_;
  const int threads_;

  std::atomic<bool> failed_{false};
  std::mutex error_mutex_;
  std::string error_;  // guarded by error_mutex_

  // Anchor node only (serial): the anchor (pinned) and the last frame that
  // scrolled an odd distance.
  std::optional<uint64_t> anchor_;
  std::optional<uint64_t> last_odd_seq_;

  PipelineStats stats_;  // writer node only (serial), read after Wait()
  std::atomic<uint64_t> frames_written_{0};
  std::promise<Status> done_;  // set by the writer on the end marker
  std::future<Status> done_future_;

  std::unique_ptr<Graph> graph_;  // last: destroyed (and drained) first
};

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_PIPELINE_H_
