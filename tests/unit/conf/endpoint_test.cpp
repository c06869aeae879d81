#include "conf/endpoint.hpp"

#include <gtest/gtest.h>

namespace smppgw::conf {
namespace {

TEST(Endpoint, ParsesIPv4AndBracketedIPv6) {
  auto a = parse_endpoint("127.0.0.1:8080").value();
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(a.to_string(), "127.0.0.1:8080");
  auto b = parse_endpoint("[::1]:2776").value();
  EXPECT_EQ(b.host, "::1");
  EXPECT_EQ(b.to_string(), "[::1]:2776");
  EXPECT_EQ(parse_endpoint("0.0.0.0:0").value().port, 0);
}

TEST(Endpoint, RefusesWithAReason) {
  EXPECT_NE(parse_endpoint("127.0.0.1").error().find("no port"), std::string::npos);
  EXPECT_NE(parse_endpoint("localhost:80").error().find("not a numeric IPv4 address"),
            std::string::npos);
  EXPECT_NE(parse_endpoint("::1:80").error().find("needs brackets"), std::string::npos);
  EXPECT_NE(parse_endpoint("127.0.0.1:65536").error().find("0 to 65535"), std::string::npos);
  EXPECT_NE(parse_endpoint("127.0.0.1:").error().find("0 to 65535"), std::string::npos);
  EXPECT_NE(parse_endpoint("[::1]").error().find("brackets and a port"), std::string::npos);
  EXPECT_NE(parse_endpoint("1.2.3.4:x").error().find("write a numeric address and a port"),
            std::string::npos);
}

}  // namespace
}  // namespace smppgw::conf
