// XvfbServer: a private virtual display that starts ready and leaves
// nothing behind (process, lock file, socket), however it ends.
#include "capture/xvfb_server.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

std::string Socket(int number) {
  return "/tmp/.X11-unix/X" + std::to_string(number);
}
bool Alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// Left behind by a dead server: the socket file exists but nobody listens.
// (Tests run in parallel, so another test's Xvfb may already have taken the
// freed display number; its socket is live, not a leftover.)
bool StaleSocket(int number) {
  const std::string path = Socket(number);
  if (!FileExists(path)) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  const bool refused =
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0;
  ::close(fd);
  return refused;
}

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
  EXPECT_FALSE(StaleSocket(number));
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
  EXPECT_FALSE(StaleSocket(number));
}

}  // namespace
}  // namespace svgcast::test
