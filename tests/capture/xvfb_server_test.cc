// XvfbServer: a private virtual display that starts ready and leaves
// nothing behind (process, lock file, socket), however it ends.
#include "capture/xvfb_server.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

std::string LockFile(int number) {
  return "/tmp/.X" + std::to_string(number) + "-lock";
}
std::string Socket(int number) {
  return "/tmp/.X11-unix/X" + std::to_string(number);
}
bool Alive(pid_t pid) { return ::kill(pid, 0) == 0; }

TEST(XvfbServer, StartsReadyAndStopsClean) {
  std::unique_ptr<XvfbServer> server;
  const Status s = XvfbServer::Start({}, &server);
  ASSERT_TRUE(s.ok()) << s.message();
  const int number = server->display_number();
  EXPECT_EQ(server->display(), ":" + std::to_string(number));
  // Ready means listening: the socket exists before Start() returns.
  EXPECT_TRUE(FileExists(Socket(number)));
  const pid_t pid = server->pid();
  EXPECT_TRUE(Alive(pid));
  server.reset();
  EXPECT_FALSE(Alive(pid));  // reaped, so not even a zombie
  EXPECT_FALSE(FileExists(LockFile(number)));
  EXPECT_FALSE(FileExists(Socket(number)));
}

TEST(XvfbServer, TwoServersGetDifferentDisplays) {
  std::unique_ptr<XvfbServer> a, b;
  ASSERT_TRUE(XvfbServer::Start({}, &a).ok());
  ASSERT_TRUE(XvfbServer::Start({{320, 200}, 24, false}, &b).ok());
  EXPECT_NE(a->display_number(), b->display_number());
}

TEST(XvfbServer, CleansUpAfterAServerThatWasKilled) {
  std::unique_ptr<XvfbServer> server;
  ASSERT_TRUE(XvfbServer::Start({}, &server).ok());
  const int number = server->display_number();
  ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);  // no chance to clean up
  server->Stop();
  EXPECT_FALSE(FileExists(LockFile(number)));
  EXPECT_FALSE(FileExists(Socket(number)));
}

}  // namespace
}  // namespace svgcast::test
