// svg/base64.h: RFC 4648 vectors, binary round trips, and refusal of bad input.
#include "svg/base64.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace svgcast::test {
namespace {

std::string Encode(const std::string& text) {
  std::string out;
  AppendBase64(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
               &out);
  return out;
}

::testing::AssertionResult DecodesTo(const std::string& base64,
                                     const std::string& expected) {
  std::vector<uint8_t> out;
  if (!DecodeBase64(base64, &out)) {
    return ::testing::AssertionFailure() << "\"" << base64 << "\" refused";
  }
  const std::string got(out.begin(), out.end());
  if (got != expected) {
    return ::testing::AssertionFailure()
           << "\"" << base64 << "\" decoded to \"" << got << "\"";
  }
  return ::testing::AssertionSuccess();
}

bool Refused(const std::string& base64) {
  std::vector<uint8_t> out;
  return !DecodeBase64(base64, &out);
}

// RFC 4648, section 10.
struct Vector {
  const char* plain;
  const char* base64;
};
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Encode(v.plain), v.base64) << "plain \"" << v.plain << "\"";
  }
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_TRUE(DecodesTo(v.base64, v.plain));
  }
}

TEST(Base64, AppendsWithoutTouchingWhatIsThere) {
  std::string out = "data:image/png;base64,";
  const uint8_t bytes[] = {'f', 'o', 'o'};
  AppendBase64(bytes, sizeof bytes, &out);
  EXPECT_EQ(out, "data:image/png;base64,Zm9v");
}

TEST(Base64, DecodeReplacesWhatWasInTheOutput) {
  std::vector<uint8_t> out = {1, 2, 3, 4, 5};
  ASSERT_TRUE(DecodeBase64("Zm8=", &out));
  EXPECT_EQ(out, (std::vector<uint8_t>{'f', 'o'}));
}

// Every length 0..64, and for each length 256 different fillings so that
// every byte value appears at every position.
TEST(Base64, RoundTripsAllLengthsAndByteValues) {
  for (size_t length = 0; length <= 64; ++length) {
    for (int offset = 0; offset < 256; ++offset) {
      std::vector<uint8_t> bytes(length);
      for (size_t i = 0; i < length; ++i) {
        bytes[i] = static_cast<uint8_t>(offset + i * 97);
      }
      std::string encoded;
      AppendBase64(bytes.data(), bytes.size(), &encoded);
      ASSERT_EQ(encoded.size(), (length + 2) / 3 * 4) << "length " << length;
      std::vector<uint8_t> decoded;
      ASSERT_TRUE(DecodeBase64(encoded, &decoded))
          << "length " << length << " offset " << offset << ": " << encoded;
      ASSERT_EQ(decoded, bytes) << "length " << length << " offset " << offset;
    }
  }
}

TEST(Base64, EncodesEveryAlphabetCharacter) {
  // 0x00 0x10 0x83 0x10 0x51 0x87 ... spells the alphabet in order.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(DecodeBase64(alphabet, &bytes));
  ASSERT_EQ(bytes.size(), 48u);
  std::string encoded;
  AppendBase64(bytes.data(), bytes.size(), &encoded);
  EXPECT_EQ(encoded, alphabet);
}

TEST(Base64, RefusesBadLength) {
  for (const char* text : {"Z", "Zm", "Zm9", "Zm9vY", "Zm9vYg=", "Zg==="}) {
    EXPECT_TRUE(Refused(text)) << "\"" << text << "\"";
  }
}

TEST(Base64, RefusesBadCharacters) {
  for (const std::string& text : std::vector<std::string>{
           "Zm9*", "Zm-v", "Zm_v", "Zm9v\nYmF", "Zm 9", " Zm9", "Zm9\t",
           std::string("Zm9\0", 4), "Zm9\xff", "Zm9\x80Zm9v"}) {
    EXPECT_TRUE(Refused(text)) << "\"" << text << "\"";
  }
}

TEST(Base64, RefusesMisplacedPadding) {
  for (const char* text : {"====", "=AAA", "Z===", "Zg=a", "Zm=v", "Z=g=",
                           "Zg==Zg==", "Zm8=Zm9v", "Zg==Zm9v", "Zm9v=AAA"}) {
    EXPECT_TRUE(Refused(text)) << "\"" << text << "\"";
  }
}

// The header promises canonical base64 only: the bits after the last whole
// byte must be zero ("Zh==" would also decode to "f").
TEST(Base64, RefusesNonCanonicalTrailingBits) {
  for (const char* text : {"Zh==", "Zm9=", "Zm9vYh==", "Zm9vYmF="}) {
    EXPECT_TRUE(Refused(text)) << "\"" << text << "\"";
  }
  EXPECT_TRUE(DecodesTo("Zg==", "f"));
  EXPECT_TRUE(DecodesTo("Zm8=", "fo"));
}

}  // namespace
}  // namespace svgcast::test
