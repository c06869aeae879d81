#include "daemon/token_bucket.hpp"

#include <gtest/gtest.h>

using smppgw::daemon::TokenBucket;
using namespace std::chrono_literals;

namespace {
const TokenBucket::Clock::time_point t0{};
}

TEST(TokenBucket, UnlimitedAlwaysGives) {
  TokenBucket bucket(0, t0);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(bucket.try_take(t0));
  EXPECT_EQ(bucket.ready_at(t0, 50), t0);
}

TEST(TokenBucket, StartsFullWithOneSecondOfBudget) {
  TokenBucket bucket(10, t0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(t0)) << i;
  EXPECT_FALSE(bucket.try_take(t0));
}

TEST(TokenBucket, RefillsAtRate) {
  TokenBucket bucket(10, t0);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(bucket.try_take(t0));
  EXPECT_FALSE(bucket.try_take(t0 + 99ms));
  EXPECT_TRUE(bucket.try_take(t0 + 100ms));
  EXPECT_FALSE(bucket.try_take(t0 + 100ms));
  // Never more than the capacity, however long the pause.
  int taken = 0;
  while (bucket.try_take(t0 + 1h)) ++taken;
  EXPECT_EQ(taken, 10);
}

TEST(TokenBucket, EachPartCounts) {
  TokenBucket bucket(5, t0);
  EXPECT_TRUE(bucket.try_take(t0, 3));
  EXPECT_FALSE(bucket.try_take(t0, 3));  // nothing is taken when not all are there
  EXPECT_TRUE(bucket.try_take(t0, 2));
  EXPECT_FALSE(bucket.try_take(t0, 1));
}

TEST(TokenBucket, ReadyAtPredictsRefill) {
  TokenBucket bucket(4, t0);
  ASSERT_TRUE(bucket.try_take(t0, 4));
  const auto at = bucket.ready_at(t0, 2);
  EXPECT_GE(at, t0 + 500ms);
  EXPECT_LE(at, t0 + 501ms);
  EXPECT_FALSE(bucket.try_take(at - 10ms, 2));
  EXPECT_TRUE(bucket.try_take(at, 2));
}

TEST(TokenBucket, BurstLargerThanCapacityWaitsForAFullBucket) {
  TokenBucket bucket(3, t0);
  ASSERT_TRUE(bucket.try_take(t0, 3));
  const auto at = bucket.ready_at(t0, 10);
  EXPECT_GE(at, t0 + 1s);
  EXPECT_TRUE(bucket.try_take(at, 10));
}

TEST(TokenBucket, ClockGoingBackwardsAddsNothing) {
  TokenBucket bucket(2, t0 + 10s);
  ASSERT_TRUE(bucket.try_take(t0 + 10s, 2));
  EXPECT_FALSE(bucket.try_take(t0 + 5s));
  EXPECT_FALSE(bucket.try_take(t0 + 10s));
}
