// StandardInput: `-` as the input file of convert, replay and extract. What
// arrives on standard input is copied into an unnamed temporary file (in
// $TMPDIR, else /tmp), which the commands then open by a path of its own
// (/proc/self/fd/N) as often as they need: a video is read twice (its
// packets' times, then its frames), and again for --colors. The file has no
// name in any folder, so it goes with the process however that ends
// (Ctrl-C too). Errors about the input still name it `-`.
//
// Threading: main thread only.
#ifndef SVGCAST_APP_STANDARD_INPUT_H_
#define SVGCAST_APP_STANDARD_INPUT_H_

#include <memory>
#include <string>

#include "capture/status.h"

namespace svgcast {

class StandardInput {
 public:
  static constexpr char kName[] = "-";

  // Reads standard input to its end. Fails when it is a terminal (nobody
  // would type a video), when it is empty, or when the copy cannot be
  // written.
  static Status Copy(std::unique_ptr<StandardInput>* out);
  StandardInput(const StandardInput&) = delete;
  StandardInput& operator=(const StandardInput&) = delete;
  ~StandardInput();

  // Where to open the copy (valid while this object lives).
  const std::string& path() const { return path_; }

  // Where to read an input file named on the command line: `input` itself,
  // or for `-` a copy of standard input, kept in *copy (which must then
  // outlive the reading).
  static Status Resolve(const std::string& input,
                        std::unique_ptr<StandardInput>* copy,
                        std::string* path);

 private:
  explicit StandardInput(int fd);

  const int fd_;
  const std::string path_;
};

}  // namespace svgcast

#endif  // SVGCAST_APP_STANDARD_INPUT_H_
