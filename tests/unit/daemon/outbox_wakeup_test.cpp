#include "daemon/outbox_wakeup.hpp"

#include <gtest/gtest.h>

using smppgw::daemon::OutboxWakeup;

TEST(OutboxWakeup, WakesOnlyDispatchersOfTheShortCode) {
  OutboxWakeup wakeup;
  int a = 0, b = 0;
  wakeup.subscribe({"12345"}, [&] { ++a; });
  const auto tb = wakeup.subscribe({"12345", "67890"}, [&] { ++b; });
  wakeup.notify("67890");
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
  wakeup.notify("12345");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
  wakeup.notify("99999");
  EXPECT_EQ(a + b, 3);
  wakeup.unsubscribe(tb);
  wakeup.notify_all();
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 2);
}

TEST(OutboxWakeup, AWakeMaySubscribeWithoutDeadlock) {
  OutboxWakeup wakeup;
  int inner = 0;
  wakeup.subscribe({"1"}, [&] { wakeup.subscribe({"2"}, [&] { ++inner; }); });
  wakeup.notify("1");
  wakeup.notify("2");
  EXPECT_EQ(inner, 1);
}
