#include "protocol/message_text.hpp"

#include <gtest/gtest.h>

#include "protocol/gsm7.hpp"
#include "protocol/utf8.hpp"

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(MessageText, Dcs0IsGsm7ByDefault) {
  // '@' 0x00, '£' 0x01, '_' 0x11: wrong when read as ASCII (smpp-notes §6).
  auto d = decode_message_text(0x00, Bytes{0x00, 0x01, 0x11, 0x41});
  EXPECT_EQ(d.coding, TextCoding::gsm7);
  EXPECT_EQ(d.text, "@\xC2\xA3_A");
}

TEST(MessageText, Dcs0FollowsTheLinkSetting) {
  const Bytes b{0xFC, 0x62, 0x65, 0x72};  // "über" in Latin-1
  auto latin = decode_message_text(0x00, b, Dcs0Charset::latin1);
  EXPECT_EQ(latin.coding, TextCoding::latin1);
  EXPECT_EQ(latin.text,
            "\xC3\xBC"
            "ber");
  auto ia5 = decode_message_text(0x00, Bytes{0x40, 0x60}, Dcs0Charset::ia5);
  EXPECT_EQ(ia5.coding, TextCoding::ia5);
  EXPECT_EQ(ia5.text, "@`");
  auto packed =
      decode_message_text(0x00, Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}, Dcs0Charset::gsm7_packed);
  EXPECT_EQ(packed.text, "hello");
}

TEST(MessageText, ExplicitCodings) {
  EXPECT_EQ(decode_message_text(0x01, Bytes{0x48, 0x69}).text, "Hi");
  EXPECT_EQ(decode_message_text(0x03, Bytes{0xA3, 0x35}).text,
            "\xC2\xA3"
            "5");
  auto ucs2 = decode_message_text(0x08, Bytes{0x04, 0x1F, 0xD8, 0x3D, 0xDC, 0x4D});
  EXPECT_EQ(ucs2.coding, TextCoding::ucs2);
  EXPECT_EQ(ucs2.text, "\xD0\x9F\xF0\x9F\x91\x8D");  // П👍
}

TEST(MessageText, GsmDataCodingGroups) {
  for (int dc : {0xF0, 0xF1, 0xF2, 0xF3, 0xC0, 0xD1}) {
    auto d = decode_message_text(static_cast<std::uint8_t>(dc), Bytes{0x00, 0x41});
    EXPECT_EQ(d.coding, TextCoding::gsm7) << dc;
    EXPECT_EQ(d.text, "@A") << dc;
  }
  EXPECT_EQ(decode_message_text(0xE0, Bytes{0x00, 0x41}).text, "A");
}

TEST(MessageText, BinaryAndUnsupportedCodingsCarryNoText) {
  for (int dc : {0x02, 0x04, 0xF4, 0xF5, 0xF6, 0xF7}) {
    auto d = decode_message_text(static_cast<std::uint8_t>(dc), Bytes{0x0B, 0x05, 0x04});
    EXPECT_EQ(d.coding, TextCoding::binary) << dc;
    EXPECT_FALSE(d.is_text());
    EXPECT_TRUE(d.text.empty());
  }
  for (int dc : {0x05, 0x06, 0x07, 0x09, 0x0A, 0x0E, 0x20}) {
    auto d = decode_message_text(static_cast<std::uint8_t>(dc), Bytes{0x41});
    EXPECT_EQ(d.coding, TextCoding::unsupported) << dc;
  }
}

TEST(MessageText, PartsAreJoinedBeforeDecoding) {
  // A sender that split an escape pair ("€") and a surrogate pair across two parts.
  const std::vector<MessagePayload> gsm{{{0x41, 0x1B}, 6}, {{0x65, 0x42}, 6}};
  EXPECT_EQ(decode_message_parts(0x00, gsm).text,
            "A\xE2\x82\xAC"
            "B");
  const std::vector<MessagePayload> ucs2{{{0xD8, 0x3D}, 6}, {{0xDE, 0x00}, 6}};
  EXPECT_EQ(decode_message_parts(0x08, ucs2).text, "\xF0\x9F\x98\x80");
}

TEST(MessageText, PackedPartsSkipTheirFillBits) {
  const Bytes hello{0x68, 0x65, 0x6C, 0x6C, 0x6F};
  const std::vector<MessagePayload> parts{{gsm7_pack(hello, 1), 6}, {gsm7_pack(hello, 0), 7}};
  EXPECT_EQ(decode_message_parts(0x00, parts, Dcs0Charset::gsm7_packed).text, "hellohello");
}

TEST(MessageText, HighOctetsUnderGsm7AreReadAsLatin1) {
  // "Grüße" sent as Latin-1 with data_coding 0 (ksmppd #50).
  auto d = decode_message_text(0x00, Bytes{0x47, 0x72, 0xFC, 0xDF, 0x65});
  EXPECT_EQ(d.coding, TextCoding::latin1);
  EXPECT_EQ(d.text,
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  // Packed septets use all 8 bits of an octet, so no such guess is made there.
  auto packed =
      decode_message_text(0x00, Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}, Dcs0Charset::gsm7_packed);
  EXPECT_EQ(packed.coding, TextCoding::gsm7);
}

TEST(MessageText, ArbitraryOctetsAlwaysGiveValidUtf8) {
  std::uint32_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<std::uint8_t>(seed >> 24);
  };
  for (int round = 0; round < 2000; ++round) {
    Bytes b(next() % 40);
    for (auto& o : b) o = next();
    for (int dc : {0x00, 0x01, 0x03, 0x08, 0xF0}) {
      for (auto dcs0 : {Dcs0Charset::gsm7_unpacked, Dcs0Charset::gsm7_packed}) {
        const auto d = decode_message_text(static_cast<std::uint8_t>(dc), b, dcs0, next() % 8);
        EXPECT_TRUE(utf8_validate(d.text)) << "data_coding " << dc << " round " << round;
      }
    }
  }
}

}  // namespace
}  // namespace smppgw::smpp
