#include "conf/cidr.hpp"

#include <gtest/gtest.h>

namespace smppgw::conf {
namespace {

TEST(Cidr, MatchesIPv4Blocks) {
  auto c = Cidr::parse("10.1.0.0/16").value();
  EXPECT_TRUE(c.contains("10.1.2.3"));
  EXPECT_TRUE(c.contains("10.1.255.255"));
  EXPECT_FALSE(c.contains("10.2.0.1"));
  EXPECT_TRUE(c.contains("::ffff:10.1.9.9"));  // IPv4-mapped, as a dual-stack socket reports
  EXPECT_FALSE(c.contains("2001:db8::1"));
  EXPECT_FALSE(c.contains("not an address"));
}

TEST(Cidr, BareAddressIsOneHost) {
  auto c = Cidr::parse("127.0.0.1").value();
  EXPECT_EQ(c.prefix_length(), 32);
  EXPECT_TRUE(c.contains("127.0.0.1"));
  EXPECT_FALSE(c.contains("127.0.0.2"));
}

TEST(Cidr, OddPrefixLengthsAndIPv6) {
  auto c = Cidr::parse("192.168.0.0/23").value();
  EXPECT_TRUE(c.contains("192.168.1.200"));
  EXPECT_FALSE(c.contains("192.168.2.1"));
  auto v6 = Cidr::parse("2001:db8::/32").value();
  EXPECT_TRUE(v6.is_v6());
  EXPECT_TRUE(v6.contains("2001:db8:1::5"));
  EXPECT_FALSE(v6.contains("2001:db9::1"));
  EXPECT_FALSE(v6.contains("10.0.0.1"));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0").value().contains("8.8.8.8"));
}

TEST(Cidr, RefusesMalformedBlocks) {
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.1/8", "10.0.0/8", "host.example/32",
                          "10.0.0.0/", "::/129", "10.0.0.0/x"}) {
    auto c = Cidr::parse(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().find("write it as 203.0.113.0/24"), std::string::npos) << c.error();
  }
  EXPECT_NE(Cidr::parse("10.0.0.1/8").error().find("bits are set below the prefix"),
            std::string::npos);
}

}  // namespace
}  // namespace smppgw::conf
