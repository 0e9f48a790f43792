// InterruptHandler: Ctrl-C (SIGINT) and SIGTERM for the length of a run.
// The first signal only sets a flag: the capture thread sees it, ends the
// stream, and processing still drains and closes a valid SVG. A second
// signal aborts at once: it removes the unfinished output's temporary file
// and exits with status 130, so no file is left that looks complete.
//
// Threading: create and destroy on the main thread (one at a time). The
// signal handler runs on whichever thread the kernel picks and only touches
// lock-free atomics and async-signal-safe calls. interrupted() is
// thread-safe.
#ifndef SVGCAST_APP_INTERRUPT_H_
#define SVGCAST_APP_INTERRUPT_H_

#include <signal.h>

#include <atomic>
#include <string>

namespace svgcast {

class InterruptHandler {
 public:
  // `temp_path`: the file to remove on a second signal (may be empty).
  explicit InterruptHandler(const std::string& temp_path);
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
  ~InterruptHandler();  // restores the previous handlers

  // The flag the capture thread polls.
  static const std::atomic<bool>* flag();
  static bool interrupted() { return flag()->load(); }

 private:
  struct sigaction old_int_;
  struct sigaction old_term_;
};

}  // namespace svgcast

#endif  // SVGCAST_APP_INTERRUPT_H_
