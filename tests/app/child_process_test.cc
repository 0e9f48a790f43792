// The command `record -- CMD` runs: started with extra environment, seen
// exiting, stopped with its whole process group, and a command that cannot
// start is reported.
#include "app/child_process.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

TEST(ChildProcess, RunsWithTheEnvironmentAndReportsItsExit) {
  TempDir dir;
  const std::string out = dir.File("display");
  std::unique_ptr<ChildProcess> child;
  const Status s = ChildProcess::Start(
      {"sh", "-c", "printf %s \"$DISPLAY\" > " + out + "; exit 7"},
      {{"DISPLAY", ":42"}}, &child);
  ASSERT_TRUE(s.ok()) << s.message();
  while (!child->Exited()) {  // polled like the capture thread does
    std::this_thread::yield();
  }
  EXPECT_EQ(child->exit_status(), 7);
  EXPECT_EQ(ReadFile(out), ":42");
}

TEST(ChildProcess, StopEndsTheWholeProcessGroup) {
  TempDir dir;
  const std::string pids = dir.File("pids");
  std::unique_ptr<ChildProcess> child;
  // A shell with a grandchild that ignores nothing: both must go.
  ASSERT_TRUE(
      ChildProcess::Start({"sh", "-c",
                           "sleep 1000 & echo $! > " + pids + ".tmp; mv " +
                               pids + ".tmp " + pids + "; wait"},
                          {}, &child)
          .ok());
  while (!FileExists(pids)) std::this_thread::yield();
  const pid_t grandchild = std::stoi(ReadFile(pids));
  // A pidfd becomes readable when that process exits (it is not our child,
  // so waitpid cannot tell).
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, grandchild, 0));
  ASSERT_GE(pidfd, 0);
  EXPECT_FALSE(child->Exited());
  child->Stop();
  EXPECT_TRUE(child->Exited());
  EXPECT_EQ(child->exit_status(), 128 + SIGTERM);
  // The grandchild was in the group too: it ends (the timeout only keeps a
  // broken Stop() from hanging the suite).
  pollfd exited{pidfd, POLLIN, 0};
  EXPECT_EQ(::poll(&exited, 1, 60'000), 1);
  ::close(pidfd);
}

TEST(ChildProcess, ACommandThatCannotStartIsAnError) {
  std::unique_ptr<ChildProcess> child;
  const Status s = ChildProcess::Start({"svgcast-no-such-command"}, {}, &child);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.message(),
      "cannot start 'svgcast-no-such-command': No such file or directory");
  EXPECT_EQ(child, nullptr);
}

}  // namespace
}  // namespace svgcast::test
