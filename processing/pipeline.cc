#include "processing/pipeline.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_scheduler_observer.h>
#include <sys/resource.h>

#include "processing/grey_split.h"
#include "processing/webp_codec.h"

namespace svgcast {

namespace flow = tbb::flow;

namespace {

int ResolveThreads(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

// Lowers the CPU priority of every thread that works in the arena. On
// Linux a nice level set with a thread id applies to that thread only; a
// worker keeps it (raising nice needs no privilege, lowering it would).
// A worker started by a real-time capture thread would inherit SCHED_FIFO,
// so normal scheduling is set first (leaving real time needs no privilege).
class LowerWorkerPriority final : public tbb::task_scheduler_observer {
 public:
  LowerWorkerPriority(tbb::task_arena& arena, int nice)
      : tbb::task_scheduler_observer(arena), nice_(nice) {
    observe(true);
  }
  ~LowerWorkerPriority() override { observe(false); }

  void on_scheduler_entry(bool is_worker) override {
    if (!is_worker) return;
    const sched_param normal{};
    ::pthread_setschedparam(::pthread_self(), SCHED_OTHER, &normal);
    if (nice_ > 0) ::setpriority(PRIO_PROCESS, ::gettid(), nice_);
  }

 private:
  const int nice_;
};

}  // namespace

// The topology, in one place. Node bodies are thin adapters that call the
// pure functions in processing/ through the Pipeline's methods.
struct Pipeline::Graph {
  struct Nodes {
    Nodes(flow::graph& g, Pipeline* p)
        // Frames are immutable and diff (n-1, n) reads only those two, so
        // every frame can be diffed, planned and encoded in parallel.
        : diff(g, flow::unlimited,
               [p](const FrameTicket& t) { return p->Diff(t); }),
          // Anchors follow the scrolls in frame order: serial, fed in seq
          // order (most frames pass straight through).
          diff_order(g, [](const FrameChanges& c) { return c.ticket.seq; }),
          anchor(g, flow::serial,
                 [p](const FrameChanges& c) { return p->Anchor(c); }),
          optimize(g, flow::unlimited,
                   [p](const FrameChanges& c) { return p->Optimize(c); }),
          encode(g, flow::unlimited,
                 [p](const FrameChanges& c) { return p->Encode(c); }),
          // Every seq reaches the sequencer (frames without changes and
          // failed frames too), so it never stalls.
          order(g, [](const EncodedFramePtr& f) { return f->ticket.seq; }),
          // Serial, fed in seq order by the sequencer: the SVG is written
          // front to back, and releases go to the cache in order.
          write(g, flow::serial, [p](const EncodedFramePtr& f) {
            p->Write(f);
            return flow::continue_msg();
          }) {
      flow::make_edge(diff, diff_order);
      flow::make_edge(diff_order, anchor);
      flow::make_edge(anchor, optimize);
      flow::make_edge(optimize, encode);
      flow::make_edge(encode, order);
      flow::make_edge(order, write);
    }

    flow::function_node<FrameTicket, FrameChanges> diff;
    flow::sequencer_node<FrameChanges> diff_order;
    flow::function_node<FrameChanges, FrameChanges> anchor;
    flow::function_node<FrameChanges, FrameChanges> optimize;
    flow::function_node<FrameChanges, EncodedFramePtr> encode;
    flow::sequencer_node<EncodedFramePtr> order;
    flow::function_node<EncodedFramePtr, flow::continue_msg> write;
  };

  Graph(int threads, int worker_nice, Pipeline* pipeline)
      // The owning thread never joins the arena (it waits on a future), so
      // all `threads` slots go to worker threads.
      : parallelism(tbb::global_control::max_allowed_parallelism,
                    static_cast<size_t>(threads) + 1),
        arena(threads, /*reserved_for_masters=*/0),
        priority(arena, worker_nice) {
    arena.execute([&] {  // the graph attaches to the arena it is made in
      graph = std::make_unique<flow::graph>();
      nodes = std::make_unique<Nodes>(*graph, pipeline);
    });
  }

  ~Graph() {
    arena.execute([&] {
      graph->wait_for_all();
      nodes.reset();
      graph.reset();
    });
  }

  tbb::global_control parallelism;
  tbb::task_arena arena;
  LowerWorkerPriority priority;
  std::unique_ptr<flow::graph> graph;
  std::unique_ptr<Nodes> nodes;
};

Pipeline::Pipeline(FrameCache& cache, FrameSink& sink, PipelineOptions options)
    : cache_(cache),
      sink_(sink),
      options_(std::move(options)),
      threads_(options_.mode == ProcessingMode::kInline
                   ? 0
                   : ResolveThreads(options_.threads)),
      done_future_(done_.get_future()) {
  if (options_.mode == ProcessingMode::kOffloaded) {
    graph_ = std::make_unique<Graph>(threads_, options_.worker_nice, this);
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::Post(const FrameTicket& ticket) {
  if (graph_ == nullptr) {  // inline: the same stages, on this thread
    Write(Encode(Optimize(Anchor(Diff(ticket)))));
    return;
  }
  graph_->nodes->diff.try_put(ticket);
}

Status Pipeline::Wait() { return done_future_.get(); }

void Pipeline::Fail(const std::string& message) {
  {
    std::lock_guard lock(error_mutex_);
    if (error_.empty()) error_ = message.empty() ? "unknown error" : message;
  }
  failed_.store(true, std::memory_order_release);
  cache_.Abort();  // a capture thread waiting for room would wait forever
}

namespace {

int64_t Area(const std::vector<cv::Rect>& regions) {
  int64_t area = 0;
  for (const cv::Rect& r : regions) area += r.area();
  return area;
}

}  // namespace

void Pipeline::DetectMove(const cv::Mat& prev2, const cv::Mat& prev,
                          const cv::Mat& cur, FrameChanges* changes) const {
  if (changes->regions.empty() || !options_.scroll.enabled) return;
  // From the frame before; else, when the text moved an odd distance from
  // there (refused), from the one before it (twice that is even).
  int unaligned_dy = 0;
  if (TryMove(1, prev, prev, cur, changes, &unaligned_dy)) return;
  changes->odd_scroll = unaligned_dy != 0;
  if (!changes->odd_scroll) return;
  if (!prev2.empty() && TryMove(2, prev2, prev, cur, changes, &unaligned_dy)) {
    return;
  }
  // Scrolled, but by no distance a move may take: painted afresh (whole),
  // so that a later move shows it as one frame, not also the older ones
  // under its unchanged pixels. (The anchor node may still find a move
  // from further back.)
  changes->repaint = Changed(*changes);
}

cv::Rect Pipeline::Changed(const FrameChanges& changes) {
  cv::Rect changed = changes.regions.front();
  for (const cv::Rect& r : changes.regions) changed |= r;
  return changed;
}

bool Pipeline::TryMove(int back, const cv::Mat& source, const cv::Mat& prev,
                       const cv::Mat& cur, FrameChanges* changes,
                       int* unaligned_dy) const {
  const ScrollOptions& options = options_.scroll;
  const cv::Rect changed = Changed(*changes);
  std::optional<Move> move =
      DetectScroll(source, cur, changed, options, unaligned_dy);
  // Also over the columns of the largest region that changed alone, when
  // that is narrower (a page's text column, when the thumb of the scroll
  // bar beside it moved too: its rows break a band that takes it in, so
  // the move would show the column in one frame and the whole window in
  // the next, and each move two earlier frames); the move that leaves less
  // to encode is taken (the first when as much).
  const cv::Rect* largest = &changes->regions.front();
  for (const cv::Rect& r : changes->regions) {
    if (r.area() > largest->area()) largest = &r;
  }
  std::optional<Move> column;
  if (largest->x != changed.x || largest->width != changed.width) {
    column = DetectScrollInColumns(source, cur, changed, *largest, options);
  }
  if (!move && !column) return false;
  std::vector<cv::Rect> left;
  if (move) {
    move->frames_back = back;
    left = DiffRegions(ApplyMove(prev, source, *move), cur, options_.diff);
  }
  if (column && (!move || column->to != move->to || column->dy != move->dy)) {
    column->frames_back = back;
    std::vector<cv::Rect> column_left =
        DiffRegions(ApplyMove(prev, source, *column), cur, options_.diff);
    if (!move || Area(column_left) < Area(left)) {
      move = column;
      left = std::move(column_left);
    }
  }
  // Worth it when it leaves less than half as much to encode.
  if (Area(left) * 2 >= Area(changes->regions)) return false;
  // (However long the chain of moves, each showing the frame before: the
  // writer paints the band afresh past its nesting bound.)
  const cv::Rect frame(0, 0, cur.cols, cur.rows);
  const cv::Rect& to = move->to;
  const int rows = std::abs(move->dy);
  changes->move = move;
  changes->repaint = cv::Rect();
  changes->regions = std::move(left);
  for (const cv::Rect& edge : EdgesToRepaint(source, cur, *move)) {
    changes->regions.push_back(edge);
  }
  for (const cv::Rect& strip : OutsideEdgesToRepaint(prev, cur, *move)) {
    changes->regions.push_back(strip);
  }
  // The rows the band will move in from next time, painted (whole, as
  // every patch of a frame with a move), so that the next move finds them
  // all in this frame.
  const cv::Rect next =
      (move->dy > 0 ? cv::Rect(to.x, to.br().y, to.width, rows)
                    : cv::Rect(to.x, to.y - rows, to.width, rows)) &
      frame;
  if (!next.empty()) changes->regions.push_back(next);
  return true;
}

FrameChanges Pipeline::Anchor(FrameChanges changes) {
  if (changes.ticket.is_end() && anchor_) {  // no later move shows it
    changes.anchors_dropped.push_back(*anchor_);
    anchor_.reset();
  }
  if (changes.ticket.is_end() || changes.failed) return changes;
  const uint64_t seq = changes.ticket.seq;
  try {
    if (changes.odd_scroll && !changes.move && anchor_ &&
        !changes.regions.empty()) {
      // Odd from the frame before and from the one before that: from the
      // anchor (the text moved two odd distances since, and even ones).
      const CropReply cur = cache_.Crop({seq, std::nullopt});
      const CropReply prev = cache_.Crop({seq - 1, std::nullopt});
      const CropReply anchor = cache_.Crop({*anchor_, std::nullopt});
      int unaligned_dy = 0;
      TryMove(static_cast<int>(seq - *anchor_), anchor.pixels, prev.pixels,
              cur.pixels, &changes, &unaligned_dy);
    }
    // After a run of odd scrolls (frame after frame: one, usually), the
    // frame before the last becomes the anchor (while the text moved odd
    // distances frame after frame, the frame two back is the source). It
    // is still cached: frame seq - 2 is released once this one is written.
    if (last_odd_seq_ && *last_odd_seq_ + 1 == seq && !changes.odd_scroll &&
        seq >= 2) {
      cache_.Pin(seq - 2);
      if (anchor_) changes.anchors_dropped.push_back(*anchor_);
      anchor_ = seq - 2;
      changes.new_anchor = anchor_;
    }
    if (changes.odd_scroll) last_odd_seq_ = seq;
  } catch (const std::exception& e) {
    Fail(e.what());
    changes.failed = true;
  }
  return changes;
}

FrameChanges Pipeline::Diff(const FrameTicket& ticket) {
  FrameChanges changes;
  changes.ticket = ticket;
  if (ticket.is_end()) return changes;
  try {
    if (options_.stage_hook)
      options_.stage_hook(PipelineStage::kDiff, ticket.seq);
    if (failed()) {
      changes.failed = true;
      return changes;
    }
    const CropReply cur = cache_.Crop({ticket.seq, std::nullopt});
    changes.cursor = cur.frame->cursor;
    if (ticket.seq == 0) {  // the poster: the whole first frame
      changes.regions.push_back(cur.rect);
    } else {
      const CropReply prev = cache_.Crop({ticket.seq - 1, std::nullopt});
      changes.regions = DiffRegions(prev.pixels, cur.pixels, options_.diff);
      if (!changes.regions.empty() && options_.scroll.enabled) {
        CropReply prev2;  // (none for frame 1)
        if (ticket.seq >= 2)
          prev2 = cache_.Crop({ticket.seq - 2, std::nullopt});
        DetectMove(prev2.pixels, prev.pixels, cur.pixels, &changes);
      }
    }
  } catch (const std::exception& e) {
    Fail(e.what());
    changes.failed = true;
  }
  return changes;
}

FrameChanges Pipeline::Optimize(const FrameChanges& changes) {
  FrameChanges plan = changes;
  plan.regions.clear();
  if (changes.ticket.is_end() || changes.failed) return plan;
  try {
    if (options_.stage_hook) {
      options_.stage_hook(PipelineStage::kOptimize, changes.ticket.seq);
    }
    plan.regions = PlanPatches(changes.regions, options_.cost);
    // Context and alignment for clean scaling (not the poster: it is the
    // whole frame already).
    if (plan.ticket.seq > 0 && !plan.regions.empty()) {
      const cv::Rect frame = cache_.Crop({plan.ticket.seq, std::nullopt}).rect;
      const int m = options_.margin_px;
      for (cv::Rect& r : plan.regions) {
        r = Aligned(
            cv::Rect(r.x - m, r.y - m, r.width + 2 * m, r.height + 2 * m),
            frame);
      }
    }
  } catch (const std::exception& e) {
    Fail(e.what());
    plan.failed = true;
  }
  return plan;
}

cv::Rect Pipeline::Aligned(const cv::Rect& rect, const cv::Rect& bounds) const {
  return AlignOutward(rect, std::max(1, options_.align_px)) & bounds;
}

namespace {

// The colour (0xRRGGBB) of a BGRX image whose pixels all have it.
std::optional<uint32_t> OneColour(const cv::Mat& bgrx) {
  const uint32_t first = bgrx.ptr<uint32_t>(0)[0] & 0x00FFFFFFu;
  for (int y = 0; y < bgrx.rows; ++y) {
    const uint32_t* row = bgrx.ptr<uint32_t>(y);
    for (int x = 0; x < bgrx.cols; ++x) {
      if ((row[x] & 0x00FFFFFFu) != first) return std::nullopt;
    }
  }
  return first;
}

// BGRA: alpha 0 where `now` equals `before` (B, G, R), else 255; `before`
// empty: all opaque. (What EncodePatch does for a PNG, for WebP.)
cv::Mat TransparentWhereUnchanged(const cv::Mat& now, const cv::Mat& before) {
  cv::Mat bgra(now.size(), CV_8UC4);
  for (int y = 0; y < now.rows; ++y) {
    const uint32_t* in = now.ptr<uint32_t>(y);
    const uint32_t* old = before.empty() ? nullptr : before.ptr<uint32_t>(y);
    uint32_t* out = bgra.ptr<uint32_t>(y);
    for (int x = 0; x < now.cols; ++x) {
      const uint32_t bgr = in[x] & 0x00FFFFFFu;
      out[x] = old != nullptr && (old[x] & 0x00FFFFFFu) == bgr
                   ? 0u
                   : bgr | 0xFF000000u;
    }
  }
  return bgra;
}

}  // namespace

bool Pipeline::TransparencyPays(const cv::Mat& now, const cv::Mat& before) {
  if (before.empty()) return false;
  PngOptions options = options_.png;
  options.effort = std::min(options.effort, Effort::kDefault);  // no Zopfli
  std::vector<uint8_t> opaque, best;
  if (Status s = EncodePng(now, options, &opaque); !s.ok()) {
    throw std::runtime_error(s.message());
  }
  if (Status s = EncodePatch(now, before, options, &best); !s.ok()) {
    throw std::runtime_error(s.message());
  }
  return best.size() * 4 < opaque.size() * 3;
}

EncodedPatch Pipeline::EncodeRect(uint64_t seq, const cv::Rect& rect,
                                  bool whole) {
  EncodedPatch patch;
  patch.rect = rect;
  const CropReply crop = cache_.Crop({seq, rect});
  const cv::Rect around =
      ContextAround(rect, cv::Rect(cv::Point(), crop.frame->pixels.size()));
  if (std::optional<uint32_t> colour = OneColour(crop.pixels)) {
    // A <rect> has sharp edges, where a browser scaling the SVG blends the
    // frame's pixels with their neighbours (at 150%, a sixth of the pixel
    // past the edge): so only where what surrounds it has its colour too
    // (a cursor erased beside a glyph was 48 levels off). Else a sprite,
    // which carries its surroundings.
    if (seq == 0 || OneColour(cache_.Crop({seq, around}).pixels) == colour) {
      patch.fill = colour;
      return patch;
    }
  }
  // The frame before is still cached: it is released only once this
  // frame is written.
  CropReply before;
  if (seq > 0 && options_.png.transparent_unchanged && !whole) {
    before = cache_.Crop({seq - 1, rect});
  }
  if (seq > 0 && rect.area() <= options_.sprite_max_area_px &&
      rect.width <= options_.sprite_max_side_px &&
      rect.height <= options_.sprite_max_side_px &&
      !TransparencyPays(crop.pixels, before.pixels)) {
    // Opaque, like the frame, and with what surrounds it in the frame
    // around it on the sheet: a browser scaling the SVG samples past a
    // patch's edge (at 150%, a sixth of the pixel beyond it), and finds
    // there what it finds in the frame (an image of its own repeats its
    // edge instead: 36 levels off beside text on anchor-electron). In a
    // frame with a move, the band carries the sprite's neighbours along.
    patch.sprite = crop.pixels.clone();
    patch.sprite_context = cache_.Crop({seq, around}).pixels.clone();
    patch.sprite_inside = rect.tl() - around.tl();
    return patch;
  }
  // (After Ctrl-C, no Zopfli: PipelineOptions::hurry.)
  PngOptions png_options = options_.png;
  png_options.stop_zopfli = options_.hurry;
  if (options_.hurry != nullptr && options_.hurry->load()) {
    png_options.effort = std::min(png_options.effort, Effort::kDefault);
  }
  auto png = std::make_shared<std::vector<uint8_t>>();
  if (Status s =
          EncodePatch(crop.pixels, before.pixels, png_options, png.get());
      !s.ok()) {
    throw std::runtime_error(s.message());
  }
  patch.png = png;
  if (!before.pixels.empty()) {
    // (What the image surely paints: EncodePatch and
    // TransparentWhereUnchanged may leave the other pixels transparent.)
    patch.painted = ChangedPixels(crop.pixels, before.pixels);
  }
  if (options_.codec == ImageFormat::kWebp) {
    auto webp = std::make_shared<std::vector<uint8_t>>();
    if (Status s =
            EncodeWebp(TransparentWhereUnchanged(crop.pixels, before.pixels),
                       png_options.effort, webp.get(), options_.hurry);
        !s.ok()) {
      throw std::runtime_error(s.message());
    }
    if (webp->size() < png->size()) {
      patch.png = webp;
      patch.format = ImageFormat::kWebp;
    }
  }
  return patch;
}

std::vector<cv::Rect> Pipeline::GreyApart(uint64_t seq,
                                          const cv::Rect& rect) const {
  if (seq == 0 || !options_.grey_apart) return {rect};
  const CropReply frame = cache_.Crop({seq, std::nullopt});
  const cv::Rect around = ContextAround(rect, frame.rect);
  GreySplitOptions options;
  options.align_px = options_.align_px;
  if (options_.codec == ImageFormat::kWebp) {
    options = WebPGreySplitOptions(options_.align_px);
  }
  return CutGreyApart(frame.pixels(around), around.tl(), rect, options);
}

EncodedFramePtr Pipeline::Encode(const FrameChanges& plan) {
  auto frame = std::make_shared<EncodedFrame>();
  frame->ticket = plan.ticket;
  frame->move = plan.move;
  frame->cursor = plan.cursor;
  frame->failed = plan.failed;
  frame->new_anchor = plan.new_anchor;
  frame->anchors_dropped = plan.anchors_dropped;
  if (plan.ticket.is_end() || plan.failed) return frame;
  try {
    if (options_.stage_hook) {
      options_.stage_hook(PipelineStage::kEncode, plan.ticket.seq);
    }
    if (plan.move) {
      // (Cached until this frame is written, as the diff needed it.)
      const Move& move = *plan.move;
      const CropReply band = cache_.Crop(
          {plan.ticket.seq - static_cast<uint64_t>(move.frames_back),
           move.to + cv::Point(0, move.dy)});
      frame->moved_pixels = band.pixels;
      frame->moved_frame = band.frame;
      const cv::Rect around = ContextAround(
          move.to, cv::Rect(cv::Point(), band.frame->pixels.size()));
      const CropReply shown = cache_.Crop({plan.ticket.seq, around});
      frame->band_context = shown.pixels;
      frame->band_inside = move.to.tl() - around.tl();
      frame->shown_frame = shown.frame;
    }
    for (const cv::Rect& rect : plan.regions) {
      if (failed()) break;  // the output is lost anyway; do not waste time
      // Painted whole, every pixel opaque, in a frame with a move (a pixel
      // left transparent over the moved band blends with it when a
      // browser scales the SVG: 65 levels at 50% on a terminal recording)
      // and in a band scrolled by a distance no move may take.
      const bool whole = plan.move.has_value() ||
                         (rect & plan.repaint).area() * 2 > rect.area();
      // Too big for a sprite, a patch is cut into tiles (strips, as wide as
      // a sprite may be) that are not: an opaque image of its own repeats
      // its edge where a browser scaling the SVG samples past it, a sprite
      // carries what surrounds it (48 levels off at 150% below a moved band
      // on a terminal recording, 40 beside a window opened over text: the
      // window fixture). Aligned sides, as every patch.
      const int64_t max_area = options_.sprite_max_area_px;
      const int a = std::max(1, options_.align_px);
      const int max_side = AlignDown(options_.sprite_max_side_px, a);
      const bool too_big = plan.ticket.seq > 0 && max_area > 0 &&
                           max_side > 0 &&
                           (rect.area() > max_area || rect.width > max_side ||
                            rect.height > max_side);
      for (const cv::Rect& tile :
           too_big ? SpriteTiles(rect, max_area, max_side, options_.align_px)
                   : std::vector<cv::Rect>{rect}) {
        for (const cv::Rect& part : GreyApart(plan.ticket.seq, tile)) {
          frame->patches.push_back(EncodeRect(plan.ticket.seq, part, whole));
        }
      }
    }
    JoinFills(&frame->patches);
  } catch (const std::exception& e) {
    Fail(e.what());
    frame->failed = true;
  }
  return frame;
}

void Pipeline::Write(const EncodedFramePtr& frame) {
  const FrameTicket& ticket = frame->ticket;
  try {
    if (options_.stage_hook)
      options_.stage_hook(PipelineStage::kWrite, ticket.seq);
    if (!failed() && !frame->failed) {
      if (ticket.is_end()) {
        sink_.Finish();
      } else {
        sink_.WriteFrame(*frame);
        stats_.frames += 1;
        stats_.changed_frames += frame->patches.empty() && !frame->move ? 0 : 1;
        stats_.moves += frame->move ? 1 : 0;
        stats_.patches += frame->patches.size();
      }
    }
  } catch (const std::exception& e) {
    Fail(e.what());
  }
  // Frame `seq` is the base of the next diff, and the frame before it is
  // where the next diff looks for a scrolled band too; everything before
  // them is done (all of it at the end).
  cache_.ReleaseBefore(ticket.is_end() || ticket.seq == 0 ? ticket.seq
                                                          : ticket.seq - 1);
  // (Once written: every frame that moves from them is written too.)
  for (uint64_t anchor : frame->anchors_dropped) cache_.Unpin(anchor);
  if (ticket.is_end()) {
    Status status;
    if (failed()) {
      std::lock_guard lock(error_mutex_);
      status = Status::Error(error_);
    }
    done_.set_value(std::move(status));
    return;
  }
  frames_written_.store(ticket.seq + 1, std::memory_order_relaxed);
  if (options_.on_frame_written) options_.on_frame_written(ticket.seq + 1);
}

}  // namespace svgcast
