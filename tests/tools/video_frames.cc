// video_frames: every frame of a video as OpenCV's FFmpeg backend decodes
// it, for the tests' reference (DecodeVideoFrames in tests/test_util.h).
//
//   video_frames VIDEO
//
// On standard output, for each frame the line "WIDTH HEIGHT\n" and then
// WIDTH * HEIGHT * 4 bytes of BGRX. Exits 1 (and says why on stderr) when
// OpenCV cannot open the file.
//
// A program of its own so that the test binary does not link OpenCV's
// videoio: its libraries (FFmpeg; imgcodecs, and GDAL through it) take
// 0.2 s to load (0.5 s under AddressSanitizer) in every test process.
//
// Threading: one thread.
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: video_frames VIDEO\n");
    return 2;
  }
  cv::VideoCapture capture(argv[1], cv::CAP_FFMPEG);
  if (!capture.isOpened()) {
    std::fprintf(stderr, "video_frames: OpenCV cannot open %s\n", argv[1]);
    return 1;
  }
  cv::Mat bgrx;
  for (cv::Mat bgr; capture.read(bgr);) {
    cv::cvtColor(bgr, bgrx, cv::COLOR_BGR2BGRA);
    std::printf("%d %d\n", bgrx.cols, bgrx.rows);
    for (int y = 0; y < bgrx.rows; ++y) {
      std::fwrite(bgrx.ptr(y), 4, static_cast<size_t>(bgrx.cols), stdout);
    }
  }
  return std::ferror(stdout) != 0 || std::fflush(stdout) != 0 ? 1 : 0;
}
