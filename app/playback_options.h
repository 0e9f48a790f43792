// How a screencast plays, as the user asks for it on the command line:
// --loop, --hold, --speed, --idle-limit and (for recorded frames) --start
// and --end, shared by the commands that write an SVG. Resolving them turns
// the text into the writer's TimingOptions and the source's trim.
//
// Threading: plain data and a pure function; call from any thread.
#ifndef SVGCAST_APP_PLAYBACK_OPTIONS_H_
#define SVGCAST_APP_PLAYBACK_OPTIONS_H_

#include <cstdint>
#include <string>

#include "capture/status.h"
#include "svg/timeline.h"

namespace svgcast {

struct PlaybackOptions {
  bool loop = false;
  std::string hold;  // durations; a bare number counts ms
  double speed = 1;
  std::string idle_limit;
  std::string start;
  std::string end;
};

struct ResolvedPlayback {
  TimingOptions timing;
  int64_t start_us = 0;  // trim, in recorded time from the first frame
  int64_t end_us = -1;   // -1: no end
};

// Errors name the option: a bad duration, --hold without --loop, --end not
// after --start.
Status ResolvePlayback(const PlaybackOptions& options, ResolvedPlayback* out);

}  // namespace svgcast

#endif  // SVGCAST_APP_PLAYBACK_OPTIONS_H_
