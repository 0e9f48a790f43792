// svg/output_file.h: temp file until Commit, atomic rename, cleanup, errors.
#include "svg/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<OutputFile> OpenOrDie(const std::string& path) {
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open(path, &file);
  EXPECT_TRUE(s.ok()) << s.message();
  return file;
}

// Bytes that differ from position to position, so a lost, doubled or
// reordered chunk shows.
std::string Pattern(size_t size, int seed) {
  std::string bytes(size, '\0');
  uint32_t x = 2463534242u + static_cast<uint32_t>(seed);
  for (char& c : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return bytes;
}

::testing::AssertionResult IsOneLineNaming(const Status& s,
                                           const std::string& path) {
  if (s.ok()) return ::testing::AssertionFailure() << "no error";
  if (s.message().find('\n') != std::string::npos) {
    return ::testing::AssertionFailure()
           << "more than one line: " << s.message();
  }
  if (s.message().find(path) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "does not name " << path << ": " << s.message();
  }
  return ::testing::AssertionSuccess();
}

TEST(OutputFile, NothingAtThePathBeforeCommit) {
  TempDir dir;
  const std::string path = dir.File("out.svg");
  std::unique_ptr<OutputFile> file = OpenOrDie(path);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->path(), path);
  EXPECT_FALSE(file->is_stdout());
  file->Write("<svg>");
  file->Write("</svg>\n");
  EXPECT_EQ(file->bytes_written(), 12u);

  EXPECT_FALSE(FileExists(path));
  // Only the temporary file, in the same folder as the target.
  const std::vector<std::string> listing = ListFolder(dir.path());
  ASSERT_EQ(listing.size(), 1u);
  EXPECT_NE(listing[0], "out.svg");
  EXPECT_EQ(fs::path(file->temp_path()).parent_path(), fs::path(dir.path()));
  EXPECT_EQ(fs::path(file->temp_path()).filename(), listing[0]);

  const Status committed = file->Commit();
  ASSERT_TRUE(committed.ok()) << committed.message();
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});
  EXPECT_EQ(ReadFile(path), "<svg></svg>\n");
}

TEST(OutputFile, CommitWritesExactBytesOfLargeWrites) {
  TempDir dir;
  const std::string path = dir.File("big.svg");
  std::unique_ptr<OutputFile> file = OpenOrDie(path);
  ASSERT_NE(file, nullptr);
  // Small writes into the buffer, one write larger than the 1 MiB buffer
  // (written straight through), a write of exactly the buffer size, and a
  // run of small writes that overflows the buffer several times.
  std::string expected;
  for (const std::string& chunk :
       {Pattern(100, 1), Pattern(3 * (1 << 20) + 7, 2), Pattern(5, 3),
        Pattern(1 << 20, 4), Pattern((1 << 20) - 1, 5), Pattern(1, 6)}) {
    file->Write(chunk);
    expected += chunk;
  }
  for (int i = 0; i < 3000; ++i) {
    const std::string chunk = Pattern(997, 100 + i);
    file->Write(chunk);
    expected += chunk;
  }
  EXPECT_EQ(file->bytes_written(), expected.size());
  EXPECT_FALSE(FileExists(path));
  const Status committed = file->Commit();
  ASSERT_TRUE(committed.ok()) << committed.message();
  const std::string written = ReadFile(path);
  ASSERT_EQ(written.size(), expected.size());
  EXPECT_TRUE(written == expected) << "content differs";
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"big.svg"});
}

TEST(OutputFile, CommitOfNothingMakesAnEmptyFile) {
  TempDir dir;
  const std::string path = dir.File("empty.svg");
  std::unique_ptr<OutputFile> file = OpenOrDie(path);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_TRUE(FileExists(path));
  EXPECT_EQ(ReadFile(path), "");
}

TEST(OutputFile, DestroyedWithoutCommitLeavesNothing) {
  TempDir dir;
  {
    std::unique_ptr<OutputFile> file = OpenOrDie(dir.File("out.svg"));
    ASSERT_NE(file, nullptr);
    file->Write("<svg>");
    EXPECT_EQ(ListFolder(dir.path()).size(), 1u);
  }
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

TEST(OutputFile, DestroyedWithoutCommitAfterDataReachedDiskLeavesNothing) {
  TempDir dir;
  {
    std::unique_ptr<OutputFile> file = OpenOrDie(dir.File("out.svg"));
    ASSERT_NE(file, nullptr);
    file->Write(Pattern(2 * (1 << 20), 7));  // larger than the buffer
    const std::vector<std::string> listing = ListFolder(dir.path());
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(fs::file_size(dir.File(listing[0])), 2u * (1 << 20));
  }
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

TEST(OutputFile, ReplacesAnExistingFileOnlyAtCommit) {
  TempDir dir;
  const std::string path = dir.File("out.svg");
  WriteFile(path, "old content");
  std::unique_ptr<OutputFile> file = OpenOrDie(path);
  ASSERT_NE(file, nullptr);
  file->Write("new content, longer than the old");
  file->Write(Pattern(2 * (1 << 20), 8));
  EXPECT_EQ(ReadFile(path), "old content");
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_EQ(ReadFile(path),
            "new content, longer than the old" + Pattern(2 * (1 << 20), 8));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});
}

TEST(OutputFile, AbandonedReplacementKeepsTheOldFile) {
  TempDir dir;
  const std::string path = dir.File("out.svg");
  WriteFile(path, "old content");
  {
    std::unique_ptr<OutputFile> file = OpenOrDie(path);
    ASSERT_NE(file, nullptr);
    file->Write("new");
  }
  EXPECT_EQ(ReadFile(path), "old content");
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"out.svg"});
}

TEST(OutputFile, DashIsStandardOutput) {
  std::unique_ptr<OutputFile> file = OpenOrDie("-");
  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(file->is_stdout());
  EXPECT_EQ(file->temp_path(), "");
  // Nothing written: destroying it writes nothing to the test's stdout.
}

// A link is followed: its target is replaced, the link stays a link.
TEST(OutputFile, ReplacesWhatALinkNames) {
  TempDir dir;
  fs::create_directory(dir.File("real"));
  WriteFile(dir.File("real/target.svg"), "old");
  fs::create_symlink("real/target.svg", dir.File("link.svg"));
  std::unique_ptr<OutputFile> file = OpenOrDie(dir.File("link.svg"));
  ASSERT_NE(file, nullptr);
  file->Write("new");
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_TRUE(fs::is_symlink(dir.File("link.svg")));
  EXPECT_EQ(ReadFile(dir.File("real/target.svg")), "new");
  EXPECT_EQ(ListFolder(dir.File("real")),
            std::vector<std::string>{"target.svg"});
}

TEST(OutputFile, KeepsThePermissionsOfTheFileItReplaces) {
  TempDir dir;
  const std::string path = dir.File("out.svg");
  WriteFile(path, "old");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  std::unique_ptr<OutputFile> file = OpenOrDie(path);
  ASSERT_NE(file, nullptr);
  file->Write("new");
  ASSERT_TRUE(file->Commit().ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(ReadFile(path), "new");
}

TEST(OutputFile, RefusesAFileItMayNotWrite) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root, who may write it";
  TempDir dir;
  const std::string path = dir.File("out.svg");
  WriteFile(path, "old");
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open(path, &file);
  EXPECT_TRUE(IsOneLineNaming(s, path));
  EXPECT_TRUE(Contains(s.message(), "Permission denied"));
  EXPECT_EQ(ReadFile(path), "old");
}

// What a reader of a pipe gets (on a thread of its own: opening a pipe
// to write waits for its reader).
class PipeReader {
 public:
  explicit PipeReader(const std::string& path)
      : thread_([this, path] { got_ = ReadFile(path); }) {}
  std::string Get() {
    thread_.join();
    return got_;
  }

 private:
  std::string got_;
  std::thread thread_;  // last: starts once the rest is set up
};

// A pipe (or a device) is written through, as standard output is: it is
// not replaced by a file.
TEST(OutputFile, WritesThroughAPipe) {
  TempDir dir;
  const std::string path = dir.File("pipe");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_TRUE(OutputFile::IsStream(path));
  PipeReader reader(path);
  const std::string bytes = Pattern(3 << 20, 7);
  {
    std::unique_ptr<OutputFile> file = OpenOrDie(path);
    ASSERT_NE(file, nullptr);
    EXPECT_TRUE(file->is_stream());
    EXPECT_EQ(file->temp_path(), "");
    file->Write(bytes.substr(0, 1000));
    file->Write(bytes.substr(1000));
    ASSERT_TRUE(file->Commit().ok());
  }
  EXPECT_TRUE(reader.Get() == bytes);
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"pipe"});
}

// A stream that is not committed (the run failed) gets what was written
// before, but never its end: an SVG there has no closing tag.
TEST(OutputFile, AStreamNotCommittedNeverGetsItsEnd) {
  TempDir dir;
  const std::string path = dir.File("pipe");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  PipeReader reader(path);
  const std::string bytes = Pattern(3 << 20, 8) + "</svg>\n";
  {
    std::unique_ptr<OutputFile> file = OpenOrDie(path);
    ASSERT_NE(file, nullptr);
    file->Write(bytes.substr(0, 1 << 20));
    file->Write(bytes.substr(1 << 20));  // (large: once wrote it all)
  }
  const std::string got = reader.Get();
  EXPECT_GT(got.size(), 0u);
  EXPECT_LE(got.size(), bytes.size() - 64);
  EXPECT_TRUE(got == bytes.substr(0, got.size()));
}

TEST(OutputFile, OpenFailsOnEmptyPath) {
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open("", &file);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(file, nullptr);
}

TEST(OutputFile, OpenFailsInAMissingFolder) {
  TempDir dir;
  const std::string path = dir.File("missing/out.svg");
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open(path, &file);
  EXPECT_TRUE(IsOneLineNaming(s, path));
  EXPECT_TRUE(Contains(s.message(), "No such file or directory"));
  EXPECT_EQ(file, nullptr);
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

TEST(OutputFile, OpenFailsOnAFolder) {
  TempDir dir;
  const std::string path = dir.File("sub");
  fs::create_directory(path);
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open(path, &file);
  EXPECT_TRUE(IsOneLineNaming(s, path));
  EXPECT_TRUE(Contains(s.message(), "folder"));
  EXPECT_EQ(file, nullptr);
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{"sub"});
  EXPECT_EQ(ListFolder(path), std::vector<std::string>{});
}

TEST(OutputFile, OpenFailsInAnUnwritableFolder) {
  TempDir dir;
  const std::string folder = dir.File("locked");
  fs::create_directory(folder);
  ASSERT_EQ(::chmod(folder.c_str(), 0500), 0);
  const std::string path = folder + "/out.svg";
  std::unique_ptr<OutputFile> file;
  const Status s = OutputFile::Open(path, &file);
  if (s.ok() && ::geteuid() == 0) {
    file.reset();
    GTEST_SKIP() << "running as root, which writes into a 0500 folder anyway";
  }
  EXPECT_TRUE(IsOneLineNaming(s, path));
  EXPECT_TRUE(Contains(s.message(), "Permission denied"));
  EXPECT_EQ(file, nullptr);
  EXPECT_EQ(ListFolder(folder), std::vector<std::string>{});
}

}  // namespace
}  // namespace svgcast::test
