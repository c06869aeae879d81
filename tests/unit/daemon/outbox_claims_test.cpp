#include "daemon/outbox_claims.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using smppgw::daemon::OutboxClaims;

TEST(OutboxClaims, OneClaimantAtATime) {
  OutboxClaims claims;
  EXPECT_TRUE(claims.try_claim(7));
  EXPECT_FALSE(claims.try_claim(7));
  EXPECT_TRUE(claims.claimed(7));
  claims.release(7);
  EXPECT_FALSE(claims.claimed(7));
  EXPECT_TRUE(claims.try_claim(7));
  EXPECT_EQ(claims.size(), 1u);
}

TEST(OutboxClaims, ConcurrentDispatchersNeverShareARecord) {
  // Two links serving one short code race for the same queue: each record is won once.
  OutboxClaims claims;
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t id = 1; id <= 10000; ++id) won += claims.try_claim(id) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 10000);
}
