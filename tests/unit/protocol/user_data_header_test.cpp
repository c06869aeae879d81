#include "protocol/user_data_header.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(UserDataHeader, Parses8BitReference) {
  auto u = parse_user_data_header(Bytes{0x05, 0x00, 0x03, 0x60, 0x02, 0x01, 0x41});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->length, 6u);
  ASSERT_TRUE(u->concat);
  EXPECT_EQ(u->concat->reference, 0x60);
  EXPECT_EQ(u->concat->total, 2);
  EXPECT_EQ(u->concat->sequence, 1);
}

TEST(UserDataHeader, Parses16BitReference) {
  auto u = parse_user_data_header(Bytes{0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->length, 7u);
  ASSERT_TRUE(u->concat);
  EXPECT_EQ(u->concat->reference, 0x1234);
  EXPECT_EQ(u->concat->total, 3);
  EXPECT_EQ(u->concat->sequence, 2);
}

TEST(UserDataHeader, SkipsOtherElements) {
  // Port addressing (0x05) before the concatenation IE.
  auto u = parse_user_data_header(
      Bytes{0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x07, 0x02, 0x02, 0xAA});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->length, 12u);
  ASSERT_TRUE(u->concat);
  EXPECT_EQ(u->concat->reference, 7);
  auto ports_only = parse_user_data_header(Bytes{0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0});
  ASSERT_TRUE(ports_only);
  EXPECT_FALSE(ports_only->concat);
}

TEST(UserDataHeader, IgnoresSequenceZeroOrAboveTotal) {
  EXPECT_FALSE(parse_user_data_header(Bytes{0x05, 0x00, 0x03, 0x01, 0x02, 0x00})->concat);
  EXPECT_FALSE(parse_user_data_header(Bytes{0x05, 0x00, 0x03, 0x01, 0x02, 0x03})->concat);
  EXPECT_FALSE(parse_user_data_header(Bytes{0x05, 0x00, 0x03, 0x01, 0x00, 0x00})->concat);
}

TEST(UserDataHeader, RejectsLengthsPastTheData) {
  EXPECT_FALSE(parse_user_data_header(Bytes{}));
  EXPECT_FALSE(parse_user_data_header(Bytes{0x05, 0x00, 0x03, 0x01}));
  EXPECT_FALSE(parse_user_data_header(Bytes{0x03, 0x00, 0x03, 0x01}));  // IE runs past UDHL
  EXPECT_FALSE(parse_user_data_header(Bytes{0x01, 0x00}));              // IE header cut
  auto e = parse_user_data_header(Bytes{0x09, 0x00});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, TextErrc::invalid_udh);
}

TEST(UserDataHeader, Builds8BitConcatenationHeader) {
  EXPECT_EQ(concat_udh_8bit(0x60, 2, 1), (Bytes{0x05, 0x00, 0x03, 0x60, 0x02, 0x01}));
  EXPECT_EQ(concat_udh_8bit(0x60, 2, 1).size(), kConcatUdh8Octets);
}

TEST(UserDataHeader, ArbitraryOctetsNeverReadPastTheData) {
  std::uint32_t seed = 99;
  const auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<std::uint8_t>(seed >> 24);
  };
  for (int round = 0; round < 5000; ++round) {
    Bytes b(next() % 16);
    for (auto& o : b) o = next() % 12;  // small values make plausible lengths and IEIs
    auto u = parse_user_data_header(b);
    if (!u) continue;
    EXPECT_LE(u->length, b.size());
    if (u->concat) {
      EXPECT_GE(u->concat->sequence, 1);
      EXPECT_LE(u->concat->sequence, u->concat->total);
    }
  }
}

}  // namespace
}  // namespace smppgw::smpp
