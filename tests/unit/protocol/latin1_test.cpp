#include "protocol/latin1.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Latin1, DecodesEveryOctet) {
  EXPECT_EQ(latin1_decode(Bytes{0x48, 0xA3, 0xFC, 0xFF}), "H\xC2\xA3\xC3\xBC\xC3\xBF");
  EXPECT_EQ(latin1_decode(Bytes{0x00}), std::string(1, '\0'));
}

TEST(Latin1, EncodesUpToU00FF) {
  auto b = latin1_encode("\xC2\xA3\xC3\xBC");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0xA3, 0xFC}));
}

TEST(Latin1, ReportsCharactersAboveU00FF) {
  auto b = latin1_encode("5\xE2\x82\xAC");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, TextErrc::not_representable);
  EXPECT_EQ(b.error().code_point, U'\u20AC');
  EXPECT_EQ(b.error().offset, 1u);
  EXPECT_FALSE(latin1_encode("\xC3"));
}

}  // namespace
}  // namespace smppgw::smpp
