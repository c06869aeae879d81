#include "protocol/ia5.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Ia5, DecodesAsciiAndReplacesHighOctets) {
  EXPECT_EQ(ia5_decode(Bytes{0x40, 0x60, 0x7E}), "@`~");
  EXPECT_EQ(ia5_decode(Bytes{0x41, 0xA3}), "A\xEF\xBF\xBD");
}

TEST(Ia5, EncodesAsciiOnly) {
  auto b = ia5_encode("a@`");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0x61, 0x40, 0x60}));
  auto e = ia5_encode("\xC3\xA9");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code_point, U'\u00E9');
}

}  // namespace
}  // namespace smppgw::smpp
