// Painter (see painter.h).
#include "tests/tools/painter.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>

extern char** environ;

namespace svgcast::test {

Painter::Painter(const std::string& display) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("DISPLAY=", 0) != 0) env_strings.push_back(*e);
  }
  env_strings.push_back("DISPLAY=" + display);
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  std::string path = SVGCAST_X11_PAINTER;
  char* argv[] = {path.data(), nullptr};
  const int spawned =
      ::posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  to_ = in[1];
  from_ = ::fdopen(out[0], "r");
  if (spawned != 0) {
    pid_ = -1;
    ADD_FAILURE() << "cannot start " << path;
  }
}

Painter::~Painter() {
  if (to_ >= 0) ::close(to_);
  if (from_ != nullptr) ::fclose(from_);
  if (pid_ > 0) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "x11_painter ended with status " << status;
  }
}

std::string Painter::Do(const std::string& command) {
  const std::string line = command + "\n";
  if (::write(to_, line.data(), line.size()) !=
      static_cast<ssize_t>(line.size())) {
    ADD_FAILURE() << "cannot write to the painter: " << command;
    return "";
  }
  char reply[256];
  if (::fgets(reply, sizeof reply, from_) == nullptr) {
    ADD_FAILURE() << "the painter ended at: " << command;
    return "";
  }
  std::string text(reply);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  EXPECT_EQ(text.rfind("ok", 0), 0u) << command << ": " << text;
  return text;
}

std::string Painter::Window(cv::Rect r) {
  const std::string reply =
      Do("window " + std::to_string(r.x) + " " + std::to_string(r.y) + " " +
         std::to_string(r.width) + " " + std::to_string(r.height));
  return reply.size() > 3 ? reply.substr(3) : "";
}

void Painter::Fill(cv::Rect r, uint32_t rgb) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%06x", rgb);
  Do("fill " + std::to_string(r.x) + " " + std::to_string(r.y) + " " +
     std::to_string(r.width) + " " + std::to_string(r.height) + " " + hex);
}

void FillExpected(cv::Mat& image, cv::Rect r, uint32_t rgb) {
  image(r & cv::Rect({0, 0}, image.size()))
      .setTo(cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 0));
}

}  // namespace svgcast::test
