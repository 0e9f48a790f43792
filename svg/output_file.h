// OutputFile: where an SVG (or any output) goes. A file is written under a
// temporary name in its folder and renamed into place only by Commit(), so
// a run that fails or is killed never leaves a file at the path that looks
// complete. A symbolic link is followed: its target is replaced, the link
// kept. An existing file keeps its permissions; one the user may not write
// is refused. "-", a pipe (a FIFO, `>(...)`) or a device (/dev/null) is
// written through as a stream: there nothing can be taken back, so its
// last bytes (an SVG's closing tag) are held back until Commit(), and a
// run that fails leaves it unfinished, which no reader takes for complete.
//
// Threading: not thread-safe; one thread at a time (the graph's serial
// writer node, then the owning thread for Commit()). temp_path() is fixed
// at Open(), so a signal handler may read it.
#ifndef SVGCAST_SVG_OUTPUT_FILE_H_
#define SVGCAST_SVG_OUTPUT_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "capture/status.h"

namespace svgcast {

class OutputFile {
 public:
  // Creates the temporary file now, so an unwritable output is reported
  // before any work is done.
  static Status Open(const std::string& path, std::unique_ptr<OutputFile>* out);

  // Whether `path` is written as a stream: "-", a pipe or a device.
  static bool IsStream(const std::string& path);

  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  // Not committed: closes and removes the temporary file.
  ~OutputFile();

  // Buffered. Throws std::runtime_error("<path>: cannot write: <reason>").
  void Write(std::string_view bytes);

  // Flushes, closes and renames the file into place (or flushes stdout).
  Status Commit();

  const std::string& path() const { return path_; }
  // Empty for a stream.
  const std::string& temp_path() const { return temp_path_; }
  bool is_stdout() const { return path_ == "-"; }
  bool is_stream() const { return temp_path_.empty(); }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  OutputFile(std::string path, std::string target, std::string temp_path,
             int fd);
  Status WriteAll(std::string_view bytes);
  Status FlushBuffer();

  const std::string path_;
  const std::string target_;  // what is replaced: path_, its link followed
  const std::string temp_path_;
  int fd_;
  bool committed_ = false;
  std::string buffer_;
  uint64_t bytes_written_ = 0;
};

}  // namespace svgcast

#endif  // SVGCAST_SVG_OUTPUT_FILE_H_
