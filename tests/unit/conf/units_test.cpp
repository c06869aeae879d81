#include "conf/units.hpp"

#include <gtest/gtest.h>

namespace smppgw::conf {
namespace {

using namespace std::chrono_literals;

TEST(Duration, ParsesEveryUnit) {
  EXPECT_EQ(parse_duration("500ms").value(), 500ms);
  EXPECT_EQ(parse_duration("30s").value(), 30s);
  EXPECT_EQ(parse_duration("5m").value(), 5min);
  EXPECT_EQ(parse_duration("1h").value(), 1h);
  EXPECT_EQ(parse_duration("1m30s").value(), 90s);
  EXPECT_EQ(parse_duration(" 2s ").value(), 2s);
  EXPECT_EQ(parse_duration("0s").value(), 0ms);
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (const char* bad :
       {"", "30", "s", "30 s", "30sec", "-1s", "1.5s", "10d", "ms30", "99999999999999999999s"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_NE(d.error().find("write a number with a unit: 500ms, 30s, 5m, 1h"), std::string::npos)
        << d.error();
  }
}

TEST(Size, ParsesBinaryDecimalAndPlainBytes) {
  EXPECT_EQ(parse_size("65536").value(), 65536u);
  EXPECT_EQ(parse_size("512B").value(), 512u);
  EXPECT_EQ(parse_size("64KiB").value(), 64u * 1024);
  EXPECT_EQ(parse_size("256MiB").value(), 256u * 1024 * 1024);
  EXPECT_EQ(parse_size("8GiB").value(), 8ull << 30);
  EXPECT_EQ(parse_size("1TiB").value(), 1ull << 40);
  EXPECT_EQ(parse_size("64KB").value(), 64000u);
  EXPECT_EQ(parse_size("2 GB").value(), 2'000'000'000u);
}

TEST(Size, RefusesWhatIsNotASize) {
  for (const char* bad : {"", "KiB", "8gib", "8 GiBs", "-1", "1.5GiB", "99999999999TiB"}) {
    auto s = parse_size(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_NE(s.error().find("is not a size"), std::string::npos);
  }
}

TEST(Format, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(60s), "1m");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(0ms), "0ms");
  EXPECT_EQ(format_size(1 << 20), "1MiB");
  EXPECT_EQ(format_size(8ull << 30), "8GiB");
  EXPECT_EQ(format_size(1000), "1000");
}

}  // namespace
}  // namespace smppgw::conf
