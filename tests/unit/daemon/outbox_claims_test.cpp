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

TEST(OutboxClaims, BatchClaimSkipsRecordsHeldElsewhere) {
  OutboxClaims claims;
  ASSERT_TRUE(claims.try_claim(2));
  const std::vector<std::uint64_t> ids{1, 2, 3, 3};
  std::vector<bool> won;
  claims.try_claim(ids, won);
  // 2 is held by another dispatcher; a repeated id is won once.
  EXPECT_EQ(won, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(claims.size(), 3u);
  const std::vector<std::uint64_t> done{1, 3};
  claims.release(done);
  EXPECT_FALSE(claims.claimed(1));
  EXPECT_TRUE(claims.claimed(2));
  EXPECT_FALSE(claims.claimed(3));
  EXPECT_EQ(claims.size(), 1u);
}

TEST(OutboxClaims, ConcurrentBatchClaimsNeverShareARecord) {
  OutboxClaims claims;
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::uint64_t> batch;
      std::vector<bool> result;
      for (std::uint64_t id = 1; id <= 10000; ++id) {
        batch.push_back(id);
        if (batch.size() == 256 || id == 10000) {
          claims.try_claim(batch, result);
          for (bool w : result) won += w ? 1 : 0;
          batch.clear();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 10000);
}
