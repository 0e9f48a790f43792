// `svgcast profile`: the stutter report. Runs the same capture twice, once
// with processing offloaded to the flow graph (svgcast) and once inline on
// the capture thread (the naive design svgcast replaces), and prints the
// two frame-timer summaries side by side. The source is the live screen
// (the record options) or, without a screen, a fixture folder replayed in
// real time (--replay): each frame due at its manifest time, late frames
// skipped like a live screen's. Both runs make their patches the same way
// (--effort, --codec, --no-scroll, --align, as `record`), so a heavier
// setting can be profiled before it is recorded with.
//
// Threading: RunProfile() on the main thread; runs one session after the
// other.
#ifndef SVGCAST_APP_PROFILE_COMMAND_H_
#define SVGCAST_APP_PROFILE_COMMAND_H_

#include <string>

#include "app/record_command.h"

namespace svgcast {

struct ProfileOptions {
  RecordOptions record;       // the live source and the shared options
  std::string replay_folder;  // set: replay this folder in real time
  double replay_fps = 0;      // for a folder without frames.txt
  std::string keep_folder;    // set: keep both SVGs (and timer logs) there
};

// 0 when both runs completed; 1 on an error.
int RunProfile(const ProfileOptions& options);

}  // namespace svgcast

#endif  // SVGCAST_APP_PROFILE_COMMAND_H_
