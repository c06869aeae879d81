#include "protocol/ucs2.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Ucs2, EncodesBigEndian) {
  auto b = ucs2_encode("A\xC3\xA9\xE2\x82\xAC");  // A é €
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0x00, 0x41, 0x00, 0xE9, 0x20, 0xAC}));
}

TEST(Ucs2, EncodesOutsideTheBmpAsASurrogatePair) {
  auto b = ucs2_encode("\xF0\x9F\x98\x80");  // U+1F600
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0xD8, 0x3D, 0xDE, 0x00}));
  EXPECT_EQ(ucs2_decode(*b), "\xF0\x9F\x98\x80");
}

TEST(Ucs2, EmojiCountTwoUnits) {
  EXPECT_EQ(ucs2_unit_count("\xF0\x9F\x98\x80").value(), 2u);
  EXPECT_EQ(ucs2_unit_count("a\xE2\x82\xAC\xF0\x9F\x91\x8D").value(), 4u);
  EXPECT_EQ(utf16_units(U'\uFFFF'), 1u);
  EXPECT_EQ(utf16_units(U'\U00010000'), 2u);
  EXPECT_FALSE(ucs2_unit_count("\xFF"));
}

TEST(Ucs2, RejectsInvalidUtf8) {
  auto b = ucs2_encode("ok\xED\xA0\x80");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().offset, 2u);
}

TEST(Ucs2, DecodesUnpairedSurrogatesAsReplacement) {
  // Lone high surrogate followed by a normal unit; lone low surrogate; high at the very end.
  EXPECT_EQ(ucs2_decode(Bytes{0xD8, 0x3D, 0x00, 0x41}),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(ucs2_decode(Bytes{0xDE, 0x00, 0x00, 0x41}),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(ucs2_decode(Bytes{0x00, 0x41, 0xD8, 0x3D}), "A\xEF\xBF\xBD");
  // Two high surrogates then a low one: the second pairs.
  EXPECT_EQ(ucs2_decode(Bytes{0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00}), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
}

TEST(Ucs2, DecodesAnOddOctetCountWithoutReadingPastTheEnd) {
  EXPECT_EQ(ucs2_decode(Bytes{0x00, 0x41, 0x00}), "A\xEF\xBF\xBD");
  EXPECT_EQ(ucs2_decode(Bytes{0x00}), "\xEF\xBF\xBD");
  EXPECT_EQ(ucs2_decode(Bytes{}), "");
}

}  // namespace
}  // namespace smppgw::smpp
