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
// A stream's last bytes, kept until Commit(): a failed run's SVG then has
// no closing tag.
constexpr size_t kHeldBackBytes = 64;

// `path` with symbolic links followed to what they name (which may not
// exist yet); `path` itself when it is not a link.
std::filesystem::path FollowLinks(std::filesystem::path path) {
  namespace fs = std::filesystem;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!fs::is_symlink(fs::symlink_status(path, error))) break;
    const fs::path next = fs::read_symlink(path, error);
    if (error) break;
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  return path;
}

}  // namespace

bool OutputFile::IsStream(const std::string& path) {
  struct stat st;
  return path == "-" || (::stat(path.c_str(), &st) == 0 &&
                         !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode));
}

Status OutputFile::Open(const std::string& path,
                        std::unique_ptr<OutputFile>* out) {
  if (path.empty()) return Status::Error("output path is empty");
  if (path == "-") {
    out->reset(new OutputFile(path, path, "", STDOUT_FILENO));
    return Status::Ok();
  }
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return Status::Error(path + ": cannot write: is a folder");
  }
  if (exists && !S_ISREG(st.st_mode)) {  // a pipe or a device: a stream
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(path + ": cannot write", errno);
    out->reset(new OutputFile(path, path, "", fd));
    return Status::Ok();
  }
  if (exists && ::access(path.c_str(), W_OK) != 0) {
    return Status::FromErrno(path + ": cannot write", errno);
  }
  const std::filesystem::path target = FollowLinks(path);
  const std::filesystem::path temp =
      target.parent_path() / ("." + target.filename().string() + "." +
                              std::to_string(::getpid()) + ".svgcast-tmp");
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Status::FromErrno(path + ": cannot write", errno);
  if (exists) (void)::fchmod(fd, st.st_mode & 07777);
  out->reset(new OutputFile(path, target.string(), temp.string(), fd));
  return Status::Ok();
}

OutputFile::OutputFile(std::string path, std::string target,
                       std::string temp_path, int fd)
    : path_(std::move(path)),
      target_(std::move(target)),
      temp_path_(std::move(temp_path)),
      fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (is_stream()) {
    // Not committed: what was streamed stays streamed; the rest, and the
    // held-back end, are not written.
    if (!is_stdout() && fd_ >= 0) ::close(fd_);
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
  if (is_stream()) {
    // (All but the last bytes, once the buffer is full.)
    buffer_.append(bytes);
    if (buffer_.size() >= kBufferBytes) {
      const size_t ready = buffer_.size() - kHeldBackBytes;
      if (Status s = WriteAll(std::string_view(buffer_).substr(0, ready));
          !s.ok()) {
        throw std::runtime_error(s.message());
      }
      buffer_.erase(0, ready);
    }
    return;
  }
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
  if (is_stream()) {
    committed_ = true;
    return Status::Ok();
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
    return Status::FromErrno(path_ + ": cannot write", errno);
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    return Status::FromErrno(path_ + ": cannot write", errno);
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace svgcast
