// StandardInput: `-` as the input file of convert, replay and extract,
// opened so that the commands can read it by a path (/proc/self/fd/N) as
// often as they need: a video is read twice (its packets' times, then its
// frames), and again for --colors. A file redirected in (`< video.mp4`) is
// read where it is; anything else (a pipe) is first copied into an unnamed
// temporary file (in $TMPDIR, else /tmp), which has no name in any folder,
// so it goes with the process however that ends (Ctrl-C too). While it is
// copied, a progress line counts the megabytes read (unless quiet: a pipe
// may bring a large video slowly). Errors about the input still name it
// `-`. A pipe named on the command line (`<(curl ...)`, a FIFO) or a
// device is copied the same way.
//
// Threading: main thread only (the progress line reads the count of bytes
// copied on a thread of its own).
#ifndef SVGCAST_APP_STANDARD_INPUT_H_
#define SVGCAST_APP_STANDARD_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "app/progress.h"
#include "capture/status.h"

namespace svgcast {

class StandardInput {
 public:
  static constexpr char kName[] = "-";

  // Fails when standard input is a terminal (nobody would type a video),
  // when it is empty, or when the copy cannot be written.
  static Status Open(std::unique_ptr<StandardInput>* out,
                     ProgressLine::Mode progress);
  StandardInput(const StandardInput&) = delete;
  StandardInput& operator=(const StandardInput&) = delete;
  ~StandardInput();

  // Where to open it (valid while this object lives).
  const std::string& path() const { return path_; }

  // Where to read an input file named on the command line: `input` itself,
  // or for `-` standard input (or for a pipe or device, its copy), opened
  // into *stdin_file (which must then outlive the reading).
  static Status Resolve(const std::string& input,
                        std::unique_ptr<StandardInput>* stdin_file,
                        std::string* path, ProgressLine::Mode progress);

  // Whether `input` is read as a stream: `-`, a pipe or a device.
  static bool IsStream(const std::string& input);

  // The progress line while a pipe is copied: "svgcast: reading standard
  // input: 12.3 MB, 4.0 s" (`name` "-"), or "reading /dev/fd/63: ...".
  static std::string ProgressText(uint64_t bytes, double seconds,
                                  const std::string& name = kName);

 private:
  StandardInput(int fd, bool owned);
  // Copies all of `from` into an unnamed temporary file.
  static Status Copy(int from, const std::string& name,
                     std::unique_ptr<StandardInput>* out,
                     ProgressLine::Mode progress);

  const int fd_;
  const bool owned_;  // (not standard input itself)
  const std::string path_;
};

}  // namespace svgcast

#endif  // SVGCAST_APP_STANDARD_INPUT_H_
