#pragma once

// WorkerThreads: the lifetime of oneTBB's worker threads, as an RAII
// object. Without it the workers outlive main() and are never joined; a
// worker that has not yet left the pipeline's arena when the process ends
// still holds the arena's observer record (pipeline.cc lowers worker
// priority with a task_scheduler_observer), which LeakSanitizer reports.
// Destroying a WorkerThreads waits until every worker has finished and
// left, so everything the scheduler allocated is released before exit.
//
// Threading: make one on the main thread before any pipeline exists and
// let it go out of scope after the last pipeline is destroyed (e.g. as the
// first local of main()). If TBB work is still running elsewhere at that
// point, the destructor does not wait (oneTBB refuses) and nothing breaks.

#include <new>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

namespace svgcast {

class WorkerThreads {
 public:
  WorkerThreads() : handle_(tbb::attach{}) {}
  ~WorkerThreads() { tbb::finalize(handle_, std::nothrow); }

  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

 private:
  tbb::task_scheduler_handle handle_;
};

}  // namespace svgcast
