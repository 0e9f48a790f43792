// Status: the result of an operation that can fail in an expected way
// (missing file, corrupt PNG, unwritable output). It carries one line of
// text that names the file or option and the problem, ready for the user.
//
// Threading: a Status is a value; const methods may be called from any
// thread without synchronisation.
#ifndef SVGCAST_CAPTURE_STATUS_H_
#define SVGCAST_CAPTURE_STATUS_H_

#include <string>
#include <utility>

namespace svgcast {

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  // `message` is the whole line the user will see after "svgcast: ".
  static Status Error(std::string message) {
    return Status(std::move(message));
  }
  // "<context>: <strerror(errno_value)>".
  static Status FromErrno(const std::string& context, int errno_value);
  // A command-line option that cannot be used as given (svgcast exits with
  // status 2, as for options its parser rejects).
  static Status Usage(std::string message) {
    return Status(Code::kUsage, std::move(message));
  }
  // A live source went away mid-stream (the X server died): the stream ends
  // there, and what was captured before is still a good recording.
  static Status SourceLost(std::string message) {
    return Status(Code::kSourceLost, std::move(message));
  }
  // The user stopped the run (Ctrl-C) before it made anything: svgcast
  // exits with status 130, as a shell reports a program Ctrl-C ended.
  static Status Interrupted(std::string message) {
    return Status(Code::kInterrupted, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  bool source_lost() const { return code_ == Code::kSourceLost; }
  bool usage() const { return code_ == Code::kUsage; }
  bool interrupted() const { return code_ == Code::kInterrupted; }
  const std::string& message() const { return message_; }

 private:
  enum class Code { kOk = 1, kError, kSourceLost, kUsage, kInterrupted };

  explicit Status(std::string message)
      : code_(Code::kError), message_(std::move(message)) {}
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_STATUS_H_
