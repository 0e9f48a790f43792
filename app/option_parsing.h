// Parsing the values of command-line options that are more than a number:
// durations ("10s", "500ms", "2m", "1.5s", "3" = seconds unless the
// option counts in ms), screen regions
// ("0,0,800x600") and sizes ("1280x720"). Errors are one line naming the
// option and what was given, of kind Status::Usage.
//
// Threading: pure functions; call from any thread.
#ifndef SVGCAST_APP_OPTION_PARSING_H_
#define SVGCAST_APP_OPTION_PARSING_H_

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "capture/status.h"

namespace svgcast {

struct DurationRules {
  // What a number without a unit counts; 0: it needs one (--duration: a
  // bare 1500 was 25 minutes, where --hold 1500 is 1.5 s).
  double bare_unit_us = 0;
  bool allow_zero = false;
};

// "10s", "500ms", "2m", "1.5s"; a bare number in rules.bare_unit_us, or
// refused. At most kMaxTimestampUs (capture/frame.h).
Status ParseDuration(const std::string& option, const std::string& text,
                     int64_t* duration_us, const DurationRules& rules = {});
Status ParseRegion(const std::string& option, const std::string& text,
                   cv::Rect* region);
Status ParseSize(const std::string& option, const std::string& text,
                 cv::Size* size);

// Prints a failed command's `status` as svgcast's one line on stderr and
// returns the exit status for it: 2 for a usage error (its line ends with
// "(see svgcast <command> --help)", as CLI11's own errors do), 130 for a
// run Ctrl-C ended before it made anything, else 1.
int ReportFailure(const Status& status);

// The command whose help a usage error points to (main thread, once the
// command line is parsed).
void SetHelpCommand(const std::string& command);

}  // namespace svgcast

#endif  // SVGCAST_APP_OPTION_PARSING_H_
