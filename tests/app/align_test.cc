// `--align 4`: every place and size in the SVG on multiples of four pixels
// (so that at 125%, where four pixels are five screen pixels, every piece
// starts and ends on a screen pixel), and still exactly the frames.
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace svgcast::test {
namespace {

// The numbers of every x, y, width, height and viewBox in `svg`'s markup
// that are not multiples of `align_px`, but for a width or height that
// ends at the frame's right or bottom edge (a patch there is cut by the
// frame) and the 1x1 units of a pattern over its box.
std::vector<std::string> Unaligned(const std::string& svg, int align_px) {
  // (Without the images' data: std::regex recurses once per character.)
  std::string markup;
  for (size_t at = 0; at < svg.size();) {
    const size_t data = svg.find("href=\"data:", at);
    if (data == std::string::npos) {
      markup += svg.substr(at);
      break;
    }
    markup += svg.substr(at, data - at) + "href=\"\"";
    const size_t end = svg.find('"', data + 6);
    at = end == std::string::npos ? svg.size() : end + 1;
  }
  std::smatch root;
  EXPECT_TRUE(std::regex_search(
      markup, root,
      std::regex("<svg [^>]*width=\"(\\d+)\" height=\"(\\d+)\"")));
  const int frame_width = std::stoi(root[1]);
  const int frame_height = std::stoi(root[2]);
  std::vector<std::string> unaligned;
  const std::regex element("<(\\w+)([^>]*)>");
  const std::regex number("\\b(x|y|width|height)=\"(-?\\d+)\"");
  const std::regex view_box("viewBox=\"(-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+)\"");
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), element);
       it != std::sregex_iterator(); ++it) {
    const std::string tag = (*it)[1];
    const std::string attrs = (*it)[2];
    int x = 0, y = 0;
    std::vector<std::pair<std::string, int>> values;
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), number);
         a != std::sregex_iterator(); ++a) {
      values.push_back({(*a)[1], std::stoi((*a)[2])});
      if (values.back().first == "x") x = values.back().second;
      if (values.back().first == "y") y = values.back().second;
    }
    const bool pattern_units =
        tag == "pattern" && attrs.find("userSpaceOnUse") == std::string::npos;
    for (const auto& [name, value] : values) {
      if (value % align_px == 0 || pattern_units) continue;
      if ((name == "width" && x + value == frame_width) ||
          (name == "height" && y + value == frame_height)) {
        continue;
      }
      unaligned.push_back("<" + tag + attrs + ">: " + name);
    }
    std::smatch box;
    if (it->position() > 0 && std::regex_search(attrs, box, view_box)) {
      for (int i = 1; i <= 4; ++i) {
        if (std::stoi(box[i]) % align_px != 0) {
          unaligned.push_back("<" + tag + attrs + ">: viewBox");
        }
      }
    }
  }
  return unaligned;
}

class Align : public ::testing::TestWithParam<std::string> {};

TEST_P(Align, FourPixelsAndExact) {
  TempDir dir;
  const std::string folder = FixturePath(GetParam());
  for (const char* codec : {"png", "webp"}) {
    SCOPED_TRACE(codec);
    const std::string svg = dir.File(std::string(codec) + ".svg");
    const CommandResult r = RunSvgcast(
        {"replay", folder, "-o", svg, "-q", "--align", "4", "--codec", codec});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Unaligned(ReadFile(svg), 4), std::vector<std::string>{});
    EXPECT_TRUE(DecodesToFrames(svg, folder));
  }
}

// Moves, sprites on sheets and as patterns, tiles of a big patch, grey
// parts cut apart, one-colour rects.
INSTANTIATE_TEST_SUITE_P(Fixtures, Align,
                         ::testing::Values("terminal-odd", "typing-long",
                                           "scroll", "window", "emoji",
                                           "patterns", "recolour"),
                         FixtureTestName);

// The check itself: the default (two pixels) is not aligned to four.
TEST(AlignCheck, FindsTwoPixelPlaces) {
  TempDir dir;
  const std::string svg = dir.File("two.svg");
  const CommandResult r =
      RunSvgcast({"replay", FixturePath("typing-long"), "-o", svg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Unaligned(ReadFile(svg), 2), std::vector<std::string>{});
  EXPECT_FALSE(Unaligned(ReadFile(svg), 4).empty());
}

TEST(AlignCheck, OnlyTwoOrFour) {
  TempDir dir;
  const CommandResult r = RunSvgcast({"replay", FixturePath("boxes"), "-o",
                                      dir.File("out.svg"), "--align", "3"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, "--align"));
  EXPECT_EQ(ListFolder(dir.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace svgcast::test
