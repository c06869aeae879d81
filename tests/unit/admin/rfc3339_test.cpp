// format_rfc3339: UTC with milliseconds, across epochs and leap days.
#include "daemon/admin/rfc3339.hpp"

#include <gtest/gtest.h>

namespace smppgw::admin {
namespace {

TEST(Rfc3339, FormatsUnixMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339_ms(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(4'102'444'799'000), "2099-12-31T23:59:59.000Z");
}

TEST(Rfc3339, FormatsTimePoints) {
  std::chrono::system_clock::time_point t{std::chrono::milliseconds(1'700'000'000'123)};
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace smppgw::admin
