#include "app/playback_options.h"

#include "app/option_parsing.h"

namespace svgcast {

Status ResolvePlayback(const PlaybackOptions& options, ResolvedPlayback* out) {
  const DurationRules ms{1e3, /*allow_zero=*/true};
  ResolvedPlayback r;
  r.timing.loop = options.loop;
  r.timing.speed = options.speed;
  if (!options.hold.empty()) {
    if (!options.loop) {
      return Status::Usage(
          "--hold: only with --loop (without it the last frame stays for "
          "good)");
    }
    if (Status s = ParseDuration("--hold", options.hold, &r.timing.hold_us, ms);
        !s.ok()) {
      return s;
    }
  }
  if (!options.idle_limit.empty()) {
    if (Status s = ParseDuration("--idle-limit", options.idle_limit,
                                 &r.timing.idle_limit_us, {1e3, false});
        !s.ok()) {
      return s;
    }
  }
  if (!options.start.empty()) {
    if (Status s = ParseDuration("--start", options.start, &r.start_us, ms);
        !s.ok()) {
      return s;
    }
  }
  if (!options.end.empty()) {
    if (Status s = ParseDuration("--end", options.end, &r.end_us, ms);
        !s.ok()) {
      return s;
    }
    if (r.end_us <= r.start_us) {
      return Status::Usage("--end " + options.end + ": not after --start (" +
                           (options.start.empty() ? "0" : options.start) + ")");
    }
    // The recording ends there, in time from the (trimmed) first frame.
    r.timing.end_us = r.end_us - r.start_us;
  }
  *out = r;
  return Status::Ok();
}

}  // namespace svgcast
