#include "tools/sim/value_parsers.hpp"

#include <gtest/gtest.h>

namespace smppgw::sim {
namespace {

TEST(ValueParsers, NumbersInDecimalAndHex) {
  EXPECT_EQ(parse_number("88", 255).value(), 88U);
  EXPECT_EQ(parse_number("0x58", 255).value(), 0x58U);
  EXPECT_EQ(parse_number("0X0e", 255).value(), 14U);
  EXPECT_FALSE(parse_number("", 255));
  EXPECT_FALSE(parse_number("0x", 255));
  EXPECT_FALSE(parse_number("12a", 255));
  EXPECT_FALSE(parse_number("-1", 255));
  EXPECT_FALSE(parse_number("256", 255));
  EXPECT_NE(parse_number("256", 255).error().find("255"), std::string::npos);
}

TEST(ValueParsers, Rates) {
  EXPECT_DOUBLE_EQ(parse_rate("100000").value(), 100000.0);
  EXPECT_DOUBLE_EQ(parse_rate("0.5").value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_rate("0").value(), 0.0);
  EXPECT_FALSE(parse_rate("-3"));
  EXPECT_FALSE(parse_rate("fast"));
  EXPECT_FALSE(parse_rate("inf"));
}

TEST(ValueParsers, Durations) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_duration("250ms").value(), milliseconds(250));
  EXPECT_EQ(parse_duration("2s").value(), milliseconds(2000));
  EXPECT_EQ(parse_duration("1m").value(), milliseconds(60000));
  EXPECT_EQ(parse_duration("1500").value(), milliseconds(1500));
  EXPECT_EQ(parse_duration("0").value(), milliseconds(0));
  EXPECT_FALSE(parse_duration("ms"));
  EXPECT_FALSE(parse_duration("2h"));
  EXPECT_FALSE(parse_duration("1.5s"));
  EXPECT_FALSE(parse_duration("100000000s"));
}

TEST(ValueParsers, HostPort) {
  auto hp = parse_host_port("127.0.0.1:2775");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 2775);
  EXPECT_EQ(parse_host_port("127.0.0.1:0").value().port, 0);
  EXPECT_FALSE(parse_host_port("localhost:2775"));
  EXPECT_FALSE(parse_host_port("127.0.0.1"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:65536"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:0x10"));
}

TEST(ValueParsers, Hex) {
  EXPECT_EQ(parse_hex("48656c6C6f").value(), (std::vector<std::uint8_t>{'H', 'e', 'l', 'l', 'o'}));
  EXPECT_TRUE(parse_hex("-").value().empty());
  EXPECT_TRUE(parse_hex("").value().empty());
  EXPECT_FALSE(parse_hex("abc"));
  auto bad = parse_hex("00zz");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("position 2"), std::string::npos);
}

TEST(ValueParsers, Addresses) {
  EXPECT_EQ(parse_address("+14155550100").value(), "+14155550100");
  EXPECT_FALSE(parse_address(""));
  EXPECT_FALSE(parse_address("123456789012345678901"));
  EXPECT_FALSE(parse_address("12 34"));
  EXPECT_FALSE(parse_address("caf\xc3\xa9"));
}

}  // namespace
}  // namespace smppgw::sim
