// InterruptHandler: Ctrl-C (SIGINT) and SIGTERM for the length of a run.
// The first signal only sets a flag: the capture thread sees it, ends the
// stream, and processing still drains and closes a valid SVG. A second
// signal aborts at once: it removes the unfinished output's temporary file
// and exits with status 130, so no file is left that looks complete. A
// second signal from the same process within 250 ms of the first is taken
// as the same request, not as a second one: `timeout -s INT` signals the
// process and then its process group, so svgcast gets both. (Ctrl-C at a
// terminal comes from the kernel, not a process: each press counts.)
//
// How: the two signals are blocked in the creating thread, so every thread
// started afterwards (capture, TBB workers) inherits the block, and one
// watcher thread owned by this object takes them with sigwait(). Nothing
// then runs in signal context. A handler stays installed as a fallback for
// threads that existed before (it does the same, async-signal-safely).
//
// Threading: create and destroy on the main thread, before the threads of
// the run start and after they end (one at a time); RemoveOnAbort() on the
// main thread too. interrupted() and flag() are thread-safe.
#ifndef SVGCAST_APP_INTERRUPT_H_
#define SVGCAST_APP_INTERRUPT_H_

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

namespace svgcast {

class InterruptHandler {
 public:
  // `outcome`: what the first signal leads to, as its message says
  // ("svgcast: stopping; finishing the SVG (Ctrl-C again to abort)").
  //
  // `before_start`: a first phase (a countdown) in which the first signal
  // prints this line instead, if not empty, and leaves the rest to the
  // caller, which polls interrupted(); the phase ends at Started().
  //
  // `same_request_ms`: how long after the first signal a second one from
  // the same process is still the same request (tests give more).
  static constexpr int64_t kSameRequestMs = 250;
  explicit InterruptHandler(
      const std::string& outcome = "finishing the SVG",
      const std::optional<std::string>& before_start = std::nullopt,
      int64_t same_request_ms = kSameRequestMs);
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
  // Stops the watcher, restores the previous handlers and signal mask.
  ~InterruptHandler();

  // The file a second signal removes: the output's temporary file, created
  // after this object (so that no signal finds the default action while it
  // exists) and removed before this object goes. Once.
  void RemoveOnAbort(const std::string& temp_path);

  // Ends the first phase (no-op without one): a first signal from now on
  // prints the `outcome` line.
  void Started();

  // The flag the capture thread polls.
  static const std::atomic<bool>* flag();
  static bool interrupted() { return flag()->load(); }
  // Signals taken so far, each counted once (also those taken as the same
  // request as the first).
  static int signals_taken();

 private:
  void Watch();

  sigset_t old_mask_;
  struct sigaction old_int_;
  struct sigaction old_term_;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;  // last: starts once the rest is set up
};

}  // namespace svgcast

#endif  // SVGCAST_APP_INTERRUPT_H_
