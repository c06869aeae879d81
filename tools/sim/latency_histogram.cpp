#include "tools/sim/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace smppgw::sim {

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) {
  if (ns < kLinear) return static_cast<std::size_t>(ns);
  const unsigned shift = static_cast<unsigned>(std::bit_width(ns)) - 1 - kSubBits;
  if (shift > kMaxShift) return kBuckets - 1;
  const std::uint64_t sub = (ns >> shift) - (std::uint64_t{1} << kSubBits);
  return kLinear + (shift - 1) * (std::size_t{1} << kSubBits) + static_cast<std::size_t>(sub);
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const std::size_t rel = bucket - kLinear;
  const unsigned shift = static_cast<unsigned>(rel >> kSubBits) + 1;
  const std::uint64_t sub =
      (rel & ((std::size_t{1} << kSubBits) - 1)) + (std::uint64_t{1} << kSubBits);
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  const std::uint64_t ns = latency.count() < 0 ? 0 : static_cast<std::uint64_t>(latency.count());
  ++counts_[bucket_of(ns)];
  ++count_;
  max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::chrono::nanoseconds LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  const double wanted = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(bucket_upper(i), max_)));
    }
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(max_));
}

}  // namespace smppgw::sim
