#include "tools/sim/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace smppgw::sim {
namespace {

using std::chrono::nanoseconds;

TEST(LatencyHistogram, EmptyIsZero) {
  auto h = std::make_unique<LatencyHistogram>();
  EXPECT_EQ(h->count(), 0U);
  EXPECT_EQ(h->percentile(99), nanoseconds(0));
  EXPECT_EQ(h->max(), nanoseconds(0));
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  auto h = std::make_unique<LatencyHistogram>();
  for (int v = 1; v <= 100; ++v) h->record(nanoseconds(v));
  EXPECT_EQ(h->percentile(50), nanoseconds(50));
  EXPECT_EQ(h->percentile(90), nanoseconds(90));
  EXPECT_EQ(h->percentile(99), nanoseconds(99));
  EXPECT_EQ(h->percentile(100), nanoseconds(100));
  EXPECT_EQ(h->max(), nanoseconds(100));
}

TEST(LatencyHistogram, BucketsCoverEveryValueWithinTheirPrecision) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 40 + 20);
    const auto b = LatencyHistogram::bucket_of(v);
    const auto upper = LatencyHistogram::bucket_upper(b);
    ASSERT_GE(upper, v);
    // The bucket is narrower than 1/512 of its values.
    ASSERT_LE(upper - v, v / 512 + 1) << v;
    if (b > 0) {
      ASSERT_LT(LatencyHistogram::bucket_upper(b - 1), v) << v;
    }
  }
}

TEST(LatencyHistogram, PercentilesOfMillisecondLatencies) {
  auto h = std::make_unique<LatencyHistogram>();
  // 1..1000 µs, each once.
  for (int us = 1; us <= 1000; ++us) h->record(std::chrono::microseconds(us));
  const auto p50 = h->percentile(50).count();
  const auto p99 = h->percentile(99).count();
  EXPECT_GE(p50, 500'000);
  EXPECT_LE(p50, 501'000);
  EXPECT_GE(p99, 990'000);
  EXPECT_LE(p99, 992'000);
  EXPECT_EQ(h->max(), std::chrono::microseconds(1000));
  EXPECT_EQ(h->percentile(100), std::chrono::microseconds(1000));
}

TEST(LatencyHistogram, MergeAddsCounts) {
  auto a = std::make_unique<LatencyHistogram>();
  auto b = std::make_unique<LatencyHistogram>();
  for (int i = 0; i < 90; ++i) a->record(nanoseconds(10));
  for (int i = 0; i < 10; ++i) b->record(nanoseconds(5000));
  a->merge(*b);
  EXPECT_EQ(a->count(), 100U);
  EXPECT_EQ(a->percentile(90), nanoseconds(10));
  EXPECT_GE(a->percentile(91).count(), 5000);
  EXPECT_EQ(a->max(), nanoseconds(5000));
}

TEST(LatencyHistogram, NegativeAndHugeValuesAreClamped) {
  auto h = std::make_unique<LatencyHistogram>();
  h->record(nanoseconds(-5));
  h->record(std::chrono::hours(100));
  EXPECT_EQ(h->count(), 2U);
  EXPECT_EQ(h->percentile(50), nanoseconds(0));
  EXPECT_EQ(h->max(), std::chrono::hours(100));
}

}  // namespace
}  // namespace smppgw::sim
