// Latency percentiles for smppgw-sim's report (request written → response read).
// A log-linear histogram: exact below 1024 ns, then 512 sub-buckets per power of two, so
// every recorded value is known within 0.2 % whatever the run length, in fixed memory and
// without an allocation per sample (the sim records several hundred thousand a second).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace smppgw::sim {

class LatencyHistogram {
 public:
  void record(std::chrono::nanoseconds latency);
  void merge(const LatencyHistogram& other);

  // The value at percentile p (0 < p <= 100): the upper bound of the bucket that holds the
  // ceil(p/100 * count)-th smallest sample, never above the largest sample. 0 when empty.
  [[nodiscard]] std::chrono::nanoseconds percentile(double p) const;
  [[nodiscard]] std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(max_); }
  [[nodiscard]] std::uint64_t count() const { return count_; }

  // Exposed for tests: the bucket of a value and the highest value that bucket holds.
  static std::size_t bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_upper(std::size_t bucket);

 private:
  static constexpr unsigned kSubBits = 9;                             // 512 sub-buckets: 0.2 %
  static constexpr std::size_t kLinear = std::size_t{2} << kSubBits;  // exact below 1024 ns
  static constexpr unsigned kMaxShift = 44;                           // up to ~2.5 hours
  static constexpr std::size_t kBuckets = kLinear + kMaxShift * (std::size_t{1} << kSubBits);

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace smppgw::sim
