#include "protocol/gsm7.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Gsm7, EncodesBasicCharactersWhereTheyDifferFromAscii) {
  auto s = gsm7_encode("@\xC2\xA3$_\xC2\xA4\xC2\xA1\xC3\x84\xC2\xBF\xC3\xA0");  // @£$_¤¡Ä¿à
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (Bytes{0x00, 0x01, 0x02, 0x11, 0x24, 0x40, 0x5B, 0x60, 0x7F}));
}

TEST(Gsm7, EncodesGreekCapitals) {
  auto s = gsm7_encode("\xCE\x94\xCE\xA9\xCE\x9E");  // ΔΩΞ
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (Bytes{0x10, 0x15, 0x1A}));
}

TEST(Gsm7, ExtensionCharactersAreEscapedAndCostTwo) {
  auto s = gsm7_encode("^{}\\[~]|\xE2\x82\xAC\f");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (Bytes{0x1B, 0x14, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x2F, 0x1B, 0x3C,
                       0x1B, 0x3D, 0x1B, 0x3E, 0x1B, 0x40, 0x1B, 0x65, 0x1B, 0x0A}));
  EXPECT_EQ(gsm7_cost(U'\u20AC'), 2u);
  EXPECT_EQ(gsm7_cost(U'['), 2u);
  EXPECT_EQ(gsm7_cost(U'a'), 1u);
  EXPECT_EQ(gsm7_septet_count("a\xE2\x82\xAC"
                              "b")
                .value(),
            4u);
}

TEST(Gsm7, ReportsTheFirstCharacterItCannotEncode) {
  auto s = gsm7_encode("ok `tick`");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, TextErrc::not_representable);
  EXPECT_EQ(s.error().code_point, U'`');
  EXPECT_EQ(s.error().offset, 3u);
  auto e = gsm7_septet_count("hi \xF0\x9F\x98\x80");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code_point, U'\U0001F600');
  EXPECT_EQ(gsm7_cost(U'\u00E7'), 0u);    // small ç is not folded onto Ç
  EXPECT_FALSE(gsm7_encode("\xC3\x28"));  // invalid UTF-8
}

TEST(Gsm7, DecodesBackToTheSameText) {
  const std::string text =
      "@\xC2\xA3$\xC2\xA5\xC3\xA8\xC3\xA9 Hello {world} [1|2] ~\\^ \xE2\x82\xAC 100\xC2\xA7";
  auto s = gsm7_encode(text);
  ASSERT_TRUE(s);
  EXPECT_EQ(gsm7_decode(*s), text);
}

TEST(Gsm7, RoundTripsEveryBasicSeptet) {
  Bytes all;
  for (std::uint8_t s = 0; s < 0x80; ++s) {
    if (s != kGsm7Escape) all.push_back(s);
  }
  auto again = gsm7_encode(gsm7_decode(all));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, all);
}

TEST(Gsm7, DecodeIsLenient) {
  // ESC + an unknown septet shows the basic character; ESC ESC shows a space.
  EXPECT_EQ(gsm7_decode(Bytes{0x1B, 0x41, 0x1B, 0x1B}), "A ");
  // A lone ESC at the end is dropped; an octet above 0x7F becomes U+FFFD.
  EXPECT_EQ(gsm7_decode(Bytes{0x41, 0x1B}), "A");
  EXPECT_EQ(gsm7_decode(Bytes{0x41, 0xFC}), "A\xEF\xBF\xBD");
  // '@' (septet 0) is a character, not a terminator.
  EXPECT_EQ(gsm7_decode(Bytes{0x41, 0x00, 0x42}), "A@B");
}

TEST(Gsm7, PacksHello) {
  const Bytes hello{0x68, 0x65, 0x6C, 0x6C, 0x6F};
  EXPECT_EQ(gsm7_pack(hello), (Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}));
  EXPECT_EQ(gsm7_unpack(Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}), hello);
}

TEST(Gsm7, PacksEightSeptetsIntoSevenOctets) {
  const Bytes eight{0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38};  // "12345678"
  const Bytes packed = gsm7_pack(eight);
  EXPECT_EQ(packed, (Bytes{0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x70}));
  EXPECT_EQ(gsm7_unpack(packed, 0, 8), eight);
}

TEST(Gsm7, UnpackDropsPaddingInSevenSpareBits) {
  const Bytes seven{0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37};
  Bytes packed = gsm7_pack(seven);
  ASSERT_EQ(packed.size(), 7u);
  EXPECT_EQ(gsm7_unpack(packed), seven);                           // zero padding
  packed[6] = static_cast<std::uint8_t>(packed[6] | (0x0D << 1));  // CR padding (TS 23.038)
  EXPECT_EQ(gsm7_unpack(packed), seven);
  // With the count known, nothing is guessed.
  EXPECT_EQ(gsm7_unpack(packed, 0, 7), seven);
}

TEST(Gsm7, FillBitsAfterUdh) {
  EXPECT_EQ(gsm7_fill_bits(6), 1u);
  EXPECT_EQ(gsm7_fill_bits(7), 0u);
  EXPECT_EQ(gsm7_fill_bits(0), 0u);
  const Bytes hello{0x68, 0x65, 0x6C, 0x6C, 0x6F};
  const Bytes packed = gsm7_pack(hello, 1);
  // The first bit is fill; everything else is "hello" shifted left by one.
  EXPECT_EQ(packed, (Bytes{0xD0, 0x65, 0x36, 0xFB, 0x0D}));
  EXPECT_EQ(gsm7_unpack(packed, 1), hello);
  // A full 153-septet part after a 6-octet UDH fits the 134 octets left of 140.
  EXPECT_EQ(gsm7_pack(Bytes(153, 0x41), 1).size(), 134u);
}

}  // namespace
}  // namespace smppgw::smpp
