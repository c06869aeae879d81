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
  const auto ticket = claims.begin_scan();
  claims.try_claim(ticket, ids, won);
  claims.end_scan(ticket);
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

TEST(OutboxClaims, ScanCannotClaimARecordReleasedAfterItBegan) {
  // The scan's snapshot may predate the write that took record 5 out of the queue: 5 was
  // sent and released meanwhile, so the scan must not send it again. 6 was released before
  // the scan began (its snapshot is newer than that release): it may be claimed.
  OutboxClaims claims;
  ASSERT_TRUE(claims.try_claim(5));
  ASSERT_TRUE(claims.try_claim(6));
  claims.release(6);
  const auto ticket = claims.begin_scan();
  claims.release(5);
  const std::vector<std::uint64_t> ids{5, 6, 7};
  std::vector<bool> won;
  claims.try_claim(ticket, ids, won);
  claims.end_scan(ticket);
  EXPECT_EQ(won, (std::vector<bool>{false, true, true}));
  EXPECT_FALSE(claims.claimed(5));

  // A scan that begins after the release sees the queue as it is now: 5 may be claimed.
  claims.release(std::vector<std::uint64_t>{6, 7});
  const auto later = claims.begin_scan();
  claims.try_claim(later, ids, won);
  claims.end_scan(later);
  EXPECT_EQ(won, (std::vector<bool>{true, true, true}));
}

TEST(OutboxClaims, ReleasesAreForgottenOnceNoOlderScanRuns) {
  OutboxClaims claims;
  ASSERT_TRUE(claims.try_claim(1));
  const auto old_scan = claims.begin_scan();
  claims.release(1);
  const auto new_scan = claims.begin_scan();
  const std::vector<std::uint64_t> ids{1};
  std::vector<bool> won;
  claims.try_claim(old_scan, ids, won);
  EXPECT_FALSE(won[0]);  // released after old_scan began
  claims.end_scan(old_scan);
  claims.try_claim(new_scan, ids, won);
  EXPECT_TRUE(won[0]);  // new_scan began after the release
  claims.end_scan(new_scan);
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
          const auto ticket = claims.begin_scan();
          claims.try_claim(ticket, batch, result);
          claims.end_scan(ticket);
          for (bool w : result) won += w ? 1 : 0;
          batch.clear();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 10000);
}
