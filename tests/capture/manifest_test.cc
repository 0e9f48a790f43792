// ParseManifest (frames.txt) and FormatMilliseconds.
#include "capture/manifest.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/frame.h"
#include "tests/test_util.h"

namespace svgcast {
namespace {

using test::Contains;

::testing::AssertionResult StartsWith(const std::string& text,
                                      const std::string& prefix) {
  if (text.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "'" << text << "' does not start with '" << prefix << "'";
}

std::vector<ManifestEntry> ParseOk(const std::string& text) {
  std::vector<ManifestEntry> entries;
  const Status s = ParseManifest(text, "frames.txt", &entries);
  EXPECT_TRUE(s.ok()) << s.message();
  return entries;
}

// The error message of a manifest that must not parse.
std::string ParseError(const std::string& text,
                       const std::string& name = "dir/frames.txt") {
  std::vector<ManifestEntry> entries;
  const Status s = ParseManifest(text, name, &entries);
  EXPECT_FALSE(s.ok()) << "parsed: " << text;
  return s.message();
}

TEST(ManifestTest, ParsesValidLines) {
  const auto entries = ParseOk("000.png 0\n001.png 100\n002.png 146\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].file, "000.png");
  EXPECT_EQ(entries[0].timestamp_us, 0);
  EXPECT_EQ(entries[0].line, 1);
  EXPECT_EQ(entries[1].file, "001.png");
  EXPECT_EQ(entries[1].timestamp_us, 100000);
  EXPECT_EQ(entries[1].line, 2);
  EXPECT_EQ(entries[2].file, "002.png");
  EXPECT_EQ(entries[2].timestamp_us, 146000);
  EXPECT_EQ(entries[2].line, 3);
}

TEST(ManifestTest, LastLineNeedsNoNewlineAndCrlfIsAccepted) {
  auto entries = ParseOk("a.png 0\nb.png 40");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].file, "b.png");
  EXPECT_EQ(entries[1].timestamp_us, 40000);

  entries = ParseOk("a.png 0\r\nb.png 40\r\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].file, "a.png");
  EXPECT_EQ(entries[1].file, "b.png");
  EXPECT_EQ(entries[1].timestamp_us, 40000);
}

// As Windows editors save it: a UTF-8 byte order mark first, and CRLF.
TEST(ManifestTest, AByteOrderMarkIsNotPartOfTheFirstName) {
  const std::vector<ManifestEntry> entries = ParseOk(
      "\xEF\xBB\xBF"
      "000.png 0\r\n001.png 100\r\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].file, "000.png");
  EXPECT_EQ(entries[1].file, "001.png");
  // (Only at the very start.)
  EXPECT_EQ(ParseOk("000.png 0\n\xEF\xBB\xBF"
                    "001.png 100\n")[1]
                .file,
            "\xEF\xBB\xBF"
            "001.png");
}

TEST(ManifestTest, FirstTimestampNeedNotBeZero) {
  const auto entries = ParseOk("a.png 5000\nb.png 5040\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].timestamp_us, 5000000);
  EXPECT_EQ(entries[1].timestamp_us, 5040000);
}

TEST(ManifestTest, SkipsBlankLinesAndCommentsButCountsThem) {
  const auto entries = ParseOk(
      "# recorded by hand\n"
      "\n"
      "a.png 0\n"
      "   \t \n"
      "  # indented comment 12\n"
      "b.png 10\n"
      "\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].file, "a.png");
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[1].file, "b.png");
  EXPECT_EQ(entries[1].line, 6);
  EXPECT_EQ(entries[1].timestamp_us, 10000);
}

TEST(ManifestTest, FileNamesMayContainSpaces) {
  const auto entries = ParseOk(
      "my frame 1.png 0\n"
      "  my  frame 2.png   40\n"
      "tabbed name.png\t80\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].file, "my frame 1.png");
  EXPECT_EQ(entries[1].file, "my  frame 2.png");
  EXPECT_EQ(entries[1].timestamp_us, 40000);
  EXPECT_EQ(entries[2].file, "tabbed name.png");
  EXPECT_EQ(entries[2].timestamp_us, 80000);
}

TEST(ManifestTest, TimestampsMayHaveUpToThreeDecimals) {
  const auto entries =
      ParseOk("a 0.125\nb 1.5\nc 2.05\nd 3.001\ne 146.5\nf 146.999\n");
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].timestamp_us, 125);
  EXPECT_EQ(entries[1].timestamp_us, 1500);
  EXPECT_EQ(entries[2].timestamp_us, 2050);
  EXPECT_EQ(entries[3].timestamp_us, 3001);
  EXPECT_EQ(entries[4].timestamp_us, 146500);
  EXPECT_EQ(entries[5].timestamp_us, 146999);
}

TEST(ManifestTest, ReplacesPreviousEntries) {
  std::vector<ManifestEntry> entries(5);
  ASSERT_TRUE(ParseManifest("only.png 0\n", "m", &entries).ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].file, "only.png");
}

TEST(ManifestTest, MalformedLineNamesFileAndLine) {
  const std::string message =
      ParseError("a.png 0\n# comment\nnotimestamp\nc.png 20\n");
  EXPECT_TRUE(StartsWith(message, "dir/frames.txt:3: "));
  EXPECT_TRUE(Contains(message, "notimestamp"));
}

TEST(ManifestTest, NonNumericTimestampIsAnError) {
  for (const std::string stamp :
       {"abc", "-5", "+5", "1e3", "12ms", "1,5", "0x10", ".5", "5.", "1.2.3"}) {
    const std::string message = ParseError("a.png 0\nb.png " + stamp + "\n");
    EXPECT_TRUE(StartsWith(message, "dir/frames.txt:2: ")) << stamp;
    EXPECT_TRUE(Contains(message, "'" + stamp + "'")) << stamp;
    EXPECT_TRUE(Contains(message, "not a number")) << stamp;
  }
}

TEST(ManifestTest, MoreThanThreeDecimalsIsAnError) {
  const std::string message = ParseError("a.png 1.2345\n");
  EXPECT_TRUE(StartsWith(message, "dir/frames.txt:1: "));
  EXPECT_TRUE(Contains(message, "1.2345"));
}

TEST(ManifestTest, HugeTimestampIsAnError) {
  const std::string message = ParseError("a.png 99999999999999999999\n");
  EXPECT_TRUE(StartsWith(message, "dir/frames.txt:1: "));
  EXPECT_TRUE(Contains(message, "more than 1000000000000 ms (31 years)"));
}

// Up to kMaxTimestampUs and no further, however the time is written.
TEST(ManifestTest, TimestampsStopAtThirtyOneYears) {
  const auto entries = ParseOk("a.png 0\nb.png 1000000000000\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].timestamp_us, kMaxTimestampUs);
  for (const std::string stamp :
       {"1000000000000.001", "1000000000001", "9223372036854775807",
        "92233720368547758070000"}) {
    const std::string message = ParseError("a.png 0\nb.png " + stamp + "\n");
    EXPECT_TRUE(StartsWith(message, "dir/frames.txt:2: ")) << stamp;
    EXPECT_TRUE(Contains(message, "'" + stamp + "' is more than")) << stamp;
  }
}

TEST(ManifestTest, EqualTimestampIsAnError) {
  const std::string message = ParseError("a.png 0\nb.png 100\nc.png 100\n");
  EXPECT_TRUE(StartsWith(message, "dir/frames.txt:3: "));
  EXPECT_TRUE(Contains(message, "not after"));
  EXPECT_TRUE(Contains(message, "100"));
}

TEST(ManifestTest, SmallerTimestampIsAnError) {
  const std::string message =
      ParseError("a.png 0\nb.png 100.5\n\nc.png 50.25\n");
  EXPECT_TRUE(StartsWith(message, "dir/frames.txt:4: "));
  EXPECT_TRUE(Contains(message, "50.25"));
  EXPECT_TRUE(Contains(message, "100.5"));
}

TEST(ManifestTest, EmptyManifestIsAnError) {
  for (const std::string text : {"", "\n\n", "# only a comment\n\n  \n"}) {
    const std::string message = ParseError(text, "seq/frames.txt");
    EXPECT_TRUE(StartsWith(message, "seq/frames.txt"));
    EXPECT_TRUE(Contains(message, "no frames"));
  }
}

TEST(ManifestTest, FormatMillisecondsDropsTrailingZeros) {
  EXPECT_EQ(FormatMilliseconds(0), "0");
  EXPECT_EQ(FormatMilliseconds(146000), "146");
  EXPECT_EQ(FormatMilliseconds(146500), "146.5");
  EXPECT_EQ(FormatMilliseconds(146050), "146.05");
  EXPECT_EQ(FormatMilliseconds(146005), "146.005");
  EXPECT_EQ(FormatMilliseconds(1), "0.001");
  EXPECT_EQ(FormatMilliseconds(100), "0.1");
  EXPECT_EQ(FormatMilliseconds(125), "0.125");
  EXPECT_EQ(FormatMilliseconds(1000), "1");
  EXPECT_EQ(FormatMilliseconds(3600000000), "3600000");
}

TEST(ManifestTest, FormattedMillisecondsParseBack) {
  // Increasing, as a manifest needs.
  const std::vector<int64_t> values = {0,      1,      10,      100,
                                       999,    1000,   1001,    40000,
                                       146050, 146500, 2200000, 123456789};
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    text += "f" + std::to_string(i) + ".png " + FormatMilliseconds(values[i]) +
            "\n";
  }
  const auto entries = ParseOk(text);
  ASSERT_EQ(entries.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(entries[i].timestamp_us, values[i]) << text;
  }
}

}  // namespace
}  // namespace svgcast
