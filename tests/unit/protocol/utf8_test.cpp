#include "protocol/utf8.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

TEST(Utf8, AcceptsEveryLengthOfSequence) {
  const std::string text = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // A é € 😀
  ASSERT_TRUE(utf8_validate(text));
  auto cps = utf8_decode(text);
  ASSERT_TRUE(cps);
  EXPECT_EQ(*cps, (std::u32string{U'A', U'\u00E9', U'\u20AC', U'\U0001F600'}));
  EXPECT_EQ(utf8_encode(*cps), text);
}

TEST(Utf8, AcceptsTheBoundaryCodePoints) {
  EXPECT_TRUE(utf8_validate("\x7F"));
  EXPECT_TRUE(utf8_validate("\xC2\x80"));              // U+0080
  EXPECT_TRUE(utf8_validate("\xEF\xBF\xBF"));          // U+FFFF
  EXPECT_TRUE(utf8_validate("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(utf8_validate("\xF4\x8F\xBF\xBF"));      // U+10FFFF
  EXPECT_TRUE(utf8_validate(std::string("a\0b", 3)));  // NUL is a character
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(utf8_validate("\xC0\xAF"));  // '/' in 2 octets
  EXPECT_FALSE(utf8_validate("\xC1\xBF"));
  EXPECT_FALSE(utf8_validate("\xE0\x80\xAF"));      // '/' in 3 octets
  EXPECT_FALSE(utf8_validate("\xE0\x9F\xBF"));      // U+07FF in 3 octets
  EXPECT_FALSE(utf8_validate("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 octets
}

TEST(Utf8, RejectsSurrogatesAndBeyondU10FFFF) {
  EXPECT_FALSE(utf8_validate("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(utf8_validate("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(utf8_validate("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(utf8_validate("\xF5\x80\x80\x80"));
  EXPECT_FALSE(utf8_validate("\xFF"));
}

TEST(Utf8, RejectsTruncatedAndStrayContinuationBytes) {
  EXPECT_FALSE(utf8_validate("\xE2\x82"));
  EXPECT_FALSE(utf8_validate("\x80"));
  EXPECT_FALSE(utf8_validate("\xC3\x28"));
  EXPECT_FALSE(utf8_validate("\xF0\x9F\x98"));
}

TEST(Utf8, ErrorNamesTheOffendingByte) {
  auto r = utf8_validate("hello \xC3\x28 world");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, TextErrc::invalid_utf8);
  EXPECT_EQ(r.error().offset, 6u);
  EXPECT_EQ(r.error().message(), "invalid UTF-8 at byte 6");
  auto d = utf8_decode("ab\xED\xA0\x80");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().offset, 2u);
}

TEST(Utf8, EncodeReplacesNonScalarValues) {
  EXPECT_EQ(utf8_encode(std::u32string{U'a', char32_t{0xD800}, char32_t{0x110000}}),
            "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace smppgw::smpp
