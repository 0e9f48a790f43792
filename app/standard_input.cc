#include "app/standard_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace svgcast {
namespace {

std::string TempFolder() {
  const char* folder = std::getenv("TMPDIR");
  return folder != nullptr && folder[0] != '\0' ? folder : "/tmp";
}

// An open file with no name in `folder` (O_TMPFILE; else made and unlinked
// at once, for file systems without it). -1 on failure (errno set).
int OpenUnnamedFile(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR)) return fd;
  std::string name = folder + "/svgcast-stdin-XXXXXX";
  const int made = ::mkostemp(name.data(), O_CLOEXEC);
  if (made >= 0) ::unlink(name.c_str());
  return made;
}

// What is read, in messages: "standard input" for `-`, else its name.
std::string What(const std::string& name) {
  return name == StandardInput::kName ? "standard input" : name;
}

}  // namespace

StandardInput::StandardInput(int fd, bool owned)
    : fd_(fd), owned_(owned), path_("/proc/self/fd/" + std::to_string(fd)) {}

StandardInput::~StandardInput() {
  if (owned_) ::close(fd_);
}

std::string StandardInput::ProgressText(uint64_t bytes, double seconds,
                                        const std::string& name) {
  char line[96];
  std::snprintf(line, sizeof line, "%.1f MB, %.1f s",
                static_cast<double>(bytes) / 1e6, seconds);
  return "svgcast: reading " + What(name) + ": " + line;
}

bool StandardInput::IsStream(const std::string& input) {
  struct stat file {};
  return input == kName || (::stat(input.c_str(), &file) == 0 &&
                            !S_ISREG(file.st_mode) && !S_ISDIR(file.st_mode));
}

Status StandardInput::Open(std::unique_ptr<StandardInput>* out,
                           ProgressLine::Mode progress) {
  if (::isatty(STDIN_FILENO)) {
    return Status::Error(std::string(kName) +
                         ": standard input is a terminal (pipe the file in, "
                         "or give its name)");
  }
  // A whole file, redirected in: read where it is.
  struct stat file {};
  if (::fstat(STDIN_FILENO, &file) == 0 && S_ISREG(file.st_mode) &&
      ::lseek(STDIN_FILENO, 0, SEEK_CUR) == 0) {
    if (file.st_size == 0) {
      return Status::Error(std::string(kName) + ": nothing on standard input");
    }
    out->reset(new StandardInput(STDIN_FILENO, /*owned=*/false));
    return Status::Ok();
  }
  return Copy(STDIN_FILENO, kName, out, progress);
}

Status StandardInput::Copy(int from, const std::string& name,
                           std::unique_ptr<StandardInput>* out,
                           ProgressLine::Mode progress) {
  const std::string what = What(name);
  const std::string folder = TempFolder();
  const int fd = OpenUnnamedFile(folder);
  if (fd < 0) {
    return Status::FromErrno(name + ": cannot copy " + what + " into " + folder,
                             errno);
  }
  std::unique_ptr<StandardInput> input(new StandardInput(fd, /*owned=*/true));
  std::vector<char> buffer(1 << 16);
  uint64_t total_bytes = 0;
  std::atomic<uint64_t> copied_bytes{0};
  ProgressLine line(
      [&copied_bytes, &name](double seconds) {
        return ProgressText(copied_bytes.load(std::memory_order_relaxed),
                            seconds, name);
      },
      progress);
  for (;;) {
    const ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(name + ": cannot read", errno);
    if (n == 0) break;
    for (ssize_t written = 0; written < n;) {
      const ssize_t w = ::write(fd, buffer.data() + written,
                                static_cast<size_t>(n - written));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        return Status::FromErrno(
            name + ": cannot copy " + what + " into " + folder, errno);
      }
      written += w;
    }
    total_bytes += static_cast<uint64_t>(n);
    copied_bytes.store(total_bytes, std::memory_order_relaxed);
  }
  line.Finish();
  if (total_bytes == 0) {
    return Status::Error(name == kName ? name + ": nothing on standard input"
                                       : name + ": empty");
  }
  *out = std::move(input);
  return Status::Ok();
}

Status StandardInput::Resolve(const std::string& input,
                              std::unique_ptr<StandardInput>* stdin_file,
                              std::string* path, ProgressLine::Mode progress) {
  *path = input;
  if (!IsStream(input)) return Status::Ok();
  if (input == kName) {
    if (Status s = Open(stdin_file, progress); !s.ok()) return s;
  } else {
    // A pipe by name (`<(...)`, a FIFO) or a device: copied as standard
    // input is, to be read as often as needed.
    const int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(input + ": cannot read", errno);
    const Status s = Copy(fd, input, stdin_file, progress);
    ::close(fd);
    if (!s.ok()) return s;
  }
  *path = (*stdin_file)->path();
  return Status::Ok();
}

}  // namespace svgcast
