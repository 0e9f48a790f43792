// Painter: the X11 tests' hands on a display. It runs tests/tools/
// x11_painter (a tiny X client, see there for its commands) on a display
// and speaks to it over pipes: each command returns once the X server has
// carried it out, so a test knows the drawing is there before it captures.
//
// Threading: one thread. Failures are GoogleTest failures of the test that
// uses it.
#ifndef SVGCAST_TESTS_TOOLS_PAINTER_H_
#define SVGCAST_TESTS_TOOLS_PAINTER_H_

#include <stdio.h>

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>
#include <sys/types.h>

namespace svgcast::test {

class Painter {
 public:
  explicit Painter(const std::string& display);
  Painter(const Painter&) = delete;
  Painter& operator=(const Painter&) = delete;
  // Closing its input ends the painter (it also ends when its server dies);
  // it must have exited with status 0.
  ~Painter();

  // Runs one command; its reply once the server has carried it out.
  std::string Do(const std::string& command);

  // "window X Y W H": the new window's id ("0x...").
  std::string Window(cv::Rect r);

  // "fill X Y W H RRGGBB" (on the current window, else the root).
  void Fill(cv::Rect r, uint32_t rgb);

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  FILE* from_ = nullptr;
};

// Fills `r` (clipped) of a BGRX image with `rgb`, X byte 0: what Fill()
// makes a 24-bit screen show.
void FillExpected(cv::Mat& image, cv::Rect r, uint32_t rgb);

}  // namespace svgcast::test

#endif  // SVGCAST_TESTS_TOOLS_PAINTER_H_
