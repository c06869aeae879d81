#include "tools/sim/rate_pacer.hpp"

#include <gtest/gtest.h>

namespace smppgw::sim {
namespace {

using namespace std::chrono_literals;
const RatePacer::Clock::time_point t0{std::chrono::seconds(1000)};

TEST(RatePacer, FirstSendIsDueAtOnceThenOnePerInterval) {
  RatePacer p(1000, t0, 1000);  // one per millisecond
  EXPECT_EQ(p.due(t0), 1U);
  p.sent(1);
  EXPECT_EQ(p.due(t0), 0U);
  EXPECT_EQ(p.due(t0 + 999us), 0U);
  EXPECT_EQ(p.due(t0 + 1ms), 1U);
  EXPECT_EQ(p.due(t0 + 10ms), 10U);
  p.sent(10);
  EXPECT_EQ(p.due(t0 + 10ms), 0U);
  EXPECT_EQ(p.time_for(1), t0 + 11ms);
  EXPECT_EQ(p.time_for(5), t0 + 15ms);
}

TEST(RatePacer, KeepsTheLongRunRateWithoutDrift) {
  RatePacer p(3, t0, 10);  // a rate whose interval is not a whole number of ns
  std::uint64_t total = 0;
  for (int step = 0; step <= 100'000; ++step) {
    const auto now = t0 + std::chrono::milliseconds(step);
    const auto n = p.due(now);
    p.sent(n);
    total += n;
  }
  // Sends at 0, 1/3, 2/3, ..., 100 s: 301 of them.
  EXPECT_EQ(total, 301U);
}

TEST(RatePacer, CatchUpIsLimitedToTheBurst) {
  RatePacer p(1000, t0, 5);
  p.sent(p.due(t0));
  // A stall of one second: 1000 sends were missed, only 5 may go now.
  const auto later = t0 + 1s;
  EXPECT_EQ(p.due(later), 5U);
  p.sent(5);
  EXPECT_EQ(p.due(later), 0U);
  // Afterwards the schedule continues from the stall at the nominal rate.
  EXPECT_EQ(p.due(later + 1ms), 1U);
  EXPECT_EQ(p.due(later + 3ms), 3U);
}

TEST(RatePacer, UnpacedIsAlwaysDue) {
  RatePacer p(0, t0, 1);
  EXPECT_TRUE(p.unpaced());
  EXPECT_EQ(p.due(t0), RatePacer::kUnlimited);
  p.sent(1'000'000);
  EXPECT_EQ(p.due(t0), RatePacer::kUnlimited);
  EXPECT_EQ(p.time_for(1), t0);
}

TEST(RatePacer, DefaultBurstIsTenMillisecondsOfSends) {
  EXPECT_EQ(RatePacer::default_burst(100'000), 1000U);
  EXPECT_EQ(RatePacer::default_burst(50), 1U);
  EXPECT_EQ(RatePacer::default_burst(0), RatePacer::kUnlimited);
}

TEST(RatePacer, NothingDueBeforeTheStart) {
  RatePacer p(1000, t0, 10);
  EXPECT_EQ(p.due(t0 - 1ms), 0U);
}

}  // namespace
}  // namespace smppgw::sim
