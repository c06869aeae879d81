#include "daemon/backoff.hpp"

#include <gtest/gtest.h>

using smppgw::daemon::Backoff;
using namespace std::chrono_literals;

TEST(Backoff, StaysWithinMinAndMax) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Backoff backoff(1s, 60s, seed);
    for (int i = 0; i < 40; ++i) {
      const auto d = backoff.next();
      ASSERT_GE(d, 1s);
      ASSERT_LE(d, 60s);
    }
  }
}

TEST(Backoff, GrowsExponentially) {
  Backoff backoff(100ms, 1h, 7);
  // Attempt k draws from [100ms·2^k / 2, 100ms·2^k] (never below min).
  EXPECT_EQ(backoff.next(), 100ms);
  for (int k = 1; k < 10; ++k) {
    const auto ceiling = 100ms * (1 << k);
    const auto d = backoff.next();
    EXPECT_GE(d, ceiling / 2) << k;
    EXPECT_LE(d, ceiling) << k;
  }
}

TEST(Backoff, ReachesMaxAndStaysThere) {
  Backoff backoff(1s, 8s, 3);
  for (int i = 0; i < 10; ++i) backoff.next();
  for (int i = 0; i < 20; ++i) {
    const auto d = backoff.next();
    EXPECT_GE(d, 4s);
    EXPECT_LE(d, 8s);
  }
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(1s, 60s, 11);
  for (int i = 0; i < 10; ++i) backoff.next();
  backoff.reset();
  EXPECT_EQ(backoff.next(), 1s);
}

TEST(Backoff, JitterSpreadsLinksApart) {
  // Two links with different seeds that failed together do not retry in lock step.
  Backoff a(1s, 60s, 1);
  Backoff b(1s, 60s, 2);
  int differ = 0;
  for (int i = 0; i < 8; ++i) differ += a.next() != b.next();
  EXPECT_GE(differ, 5);
}

TEST(Backoff, MaxBelowMinIsClampedToMin) {
  Backoff backoff(5s, 1s, 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(backoff.next(), 5s);
}
