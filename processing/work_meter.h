// WorkMeter: how far the slow encoders are through the data they were
// given — Zopfli recompressing a sprite sheet at --effort max (about 10 s a
// megabyte), and lossless WebP at --effort max. The progress line shows it
// while the SVG is being closed, when the last sheets are encoded and no
// frame is written for a minute.
//
// An encoder Plan()s its input's bytes when it starts and reports them
// Done() as it goes (Zopfli a megabyte at a time, WebP by its own percent
// reports); one that stops early (Ctrl-C) reports the rest done, so done
// reaches planned when every encoder has returned.
//
// Threading: Plan() and Done() from any thread (the encoding tasks, in
// parallel); the counts from any other (the progress line). An encoder
// plans before it reports done, so a reader that reads done_bytes() first
// reads a planned_bytes() at least as large.
#ifndef SVGCAST_PROCESSING_WORK_METER_H_
#define SVGCAST_PROCESSING_WORK_METER_H_

#include <atomic>
#include <cstdint>

namespace svgcast {

class WorkMeter {
 public:
  void Plan(uint64_t bytes) {
    planned_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void Done(uint64_t bytes) {
    done_.fetch_add(bytes, std::memory_order_release);
  }
  uint64_t planned_bytes() const {
    return planned_.load(std::memory_order_relaxed);
  }
  uint64_t done_bytes() const { return done_.load(std::memory_order_acquire); }

 private:
  std::atomic<uint64_t> planned_{0};
  std::atomic<uint64_t> done_{0};
};

}  // namespace svgcast

#endif  // SVGCAST_PROCESSING_WORK_METER_H_
