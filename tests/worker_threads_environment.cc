// Joins oneTBB's worker threads after the last test of a test program, as
// svgcast's main() does (processing/worker_threads.h), so LeakSanitizer
// sees only what the tests themselves leave behind.
//
// Threading: gtest calls SetUp and TearDown on the main thread.

#include <memory>

#include <gtest/gtest.h>

#include "processing/worker_threads.h"

namespace {

class WorkerThreadsEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override {
    worker_threads_ = std::make_unique<svgcast::WorkerThreads>();
  }
  void TearDown() override { worker_threads_.reset(); }

 private:
  std::unique_ptr<svgcast::WorkerThreads> worker_threads_;
};

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new WorkerThreadsEnvironment);

}  // namespace
