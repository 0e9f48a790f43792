// Timeline: when things appear in the SVG, given when they were recorded.
//
// Recorded time (from the first frame) becomes SVG time in two steps: every
// pause between two changes longer than idle_limit is cut to idle_limit (in
// recorded time, as terminal recorders do), then everything is divided by
// speed. Frames that show nothing new do not move the clock on their own;
// they only matter for where the recording ends (the last frame, or end_us).
//
// With loop, the animation repeats with a period of the recording's end in
// SVG time plus hold: the last picture stays for `hold`, then the poster
// comes back and everything plays again. Without loop the last picture
// stays for good (hold does not apply).
//
// Threading: not thread-safe; the SVG writer's one thread uses it.
#ifndef SVGCAST_SVG_TIMELINE_H_
#define SVGCAST_SVG_TIMELINE_H_

#include <cstdint>

namespace svgcast {

struct TimingOptions {
  double speed = 1;             // > 0; 2: twice as fast
  int64_t idle_limit_us = 0;    // > 0: longest pause kept; 0: keep all
  bool loop = false;            // repeat forever
  int64_t hold_us = 2'000'000;  // loop: how long the last picture stays
  // Recorded time at which the recording ends (>= the last frame); -1: at
  // the last frame.
  int64_t end_us = -1;
};

class Timeline {
 public:
  explicit Timeline(const TimingOptions& options) : options_(options) {}

  // SVG time of a frame recorded at `recorded_us` (non-decreasing from call
  // to call; the first call is the poster, at 0). `changed`: the frame shows
  // something new (so later pauses are measured from it).
  int64_t Place(int64_t recorded_us, bool changed);

  // SVG time at which the recording ends: the last frame placed, or
  // options.end_us when later.
  int64_t EndUs() const;

  // The loop's period in SVG time (at least 1 us); only with loop.
  int64_t PeriodUs() const;

  const TimingOptions& options() const { return options_; }

 private:
  // Recorded time from the first frame with every pause cut to the idle
  // limit (not yet divided by speed).
  int64_t CutUs(int64_t recorded_us) const;
  int64_t Map(int64_t recorded_us) const;

  const TimingOptions options_;
  bool started_ = false;
  int64_t last_change_recorded_us_ = 0;
  int64_t last_change_cut_us_ = 0;
  int64_t last_recorded_us_ = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_SVG_TIMELINE_H_
