#include "svg/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <sys/stat.h>

namespace svgcast {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

}  // namespace

Status OutputFile::Open(const std::string& path,
                        std::unique_ptr<OutputFile>* out) {
  if (path.empty()) return Status::Error("output path is empty");
  if (path == "-") {
    out->reset(new OutputFile(path, "", STDOUT_FILENO));
    return Status::Ok();
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::Error(path + ": cannot write: is a folder");
  }
  const std::filesystem::path target(path);
  const std::filesystem::path temp =
      target.parent_path() / ("." + target.filename().string() + "." +
                              std::to_string(::getpid()) + ".svgcast-tmp");
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Status::FromErrno(path + ": cannot write", errno);
  out->reset(new OutputFile(path, temp.string(), fd));
  return Status::Ok();
}

OutputFile::OutputFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (is_stdout()) {
    if (!committed_) (void)FlushBuffer();  // what was streamed, streamed
    return;
  }
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

Status OutputFile::WriteAll(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(path_ + ": cannot write", errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status OutputFile::FlushBuffer() {
  Status s = WriteAll(buffer_);
  buffer_.clear();
  return s;
}

void OutputFile::Write(std::string_view bytes) {
  bytes_written_ += bytes.size();
  if (buffer_.size() + bytes.size() > kBufferBytes) {
    if (Status s = FlushBuffer(); !s.ok())
      throw std::runtime_error(s.message());
  }
  if (bytes.size() >= kBufferBytes) {  // large: write straight through
    if (Status s = WriteAll(bytes); !s.ok())
      throw std::runtime_error(s.message());
    return;
  }
  buffer_.append(bytes);
}

Status OutputFile::Commit() {
  if (Status s = FlushBuffer(); !s.ok()) return s;
  if (is_stdout()) {
    committed_ = true;
    return Status::Ok();
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
    return Status::FromErrno(path_ + ": cannot write", errno);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Status::FromErrno(path_ + ": cannot write", errno);
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace svgcast
