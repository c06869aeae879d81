#include "tools/sim/rate_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace smppgw::sim {

namespace {
// Rounded, not truncated: a schedule point must not move early by one tick.
RatePacer::Clock::duration seconds_to_duration(double s) {
  return std::chrono::duration_cast<RatePacer::Clock::duration>(
      std::chrono::nanoseconds(std::llround(s * 1e9)));
}
// Sends are counted from a product of doubles; a result a hair under a whole number is that
// whole number (the schedule points themselves are rounded to the nanosecond).
constexpr double kCountTolerance = 1e-6;
}  // namespace

RatePacer::RatePacer(double rate_per_s, Clock::time_point start, std::uint64_t burst)
    : rate_(rate_per_s), epoch_(start), burst_(std::max<std::uint64_t>(1, burst)) {}

std::uint64_t RatePacer::default_burst(double rate_per_s) {
  if (rate_per_s <= 0) return kUnlimited;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rate_per_s / 100.0));
}

std::uint64_t RatePacer::due(Clock::time_point now) {
  if (unpaced()) return kUnlimited;
  if (now < epoch_) return 0;
  const double elapsed = std::chrono::duration<double>(now - epoch_).count();
  // The (k+1)-th send is due at epoch + k/rate, so floor(elapsed*rate)+1 are due by now.
  std::uint64_t due_total =
      static_cast<std::uint64_t>(std::floor(elapsed * rate_ + kCountTolerance)) + 1;
  if (due_total > sent_ + burst_) {
    // Fell behind: forget the missed sends, keep `burst` of them, re-anchor the schedule.
    due_total = sent_ + burst_;
    epoch_ = now - seconds_to_duration(static_cast<double>(due_total - 1) / rate_);
  }
  return due_total > sent_ ? due_total - sent_ : 0;
}

RatePacer::Clock::time_point RatePacer::time_for(std::uint64_t n) const {
  if (unpaced()) return epoch_;
  const std::uint64_t index = sent_ + std::max<std::uint64_t>(1, n) - 1;  // 0-based send index
  return epoch_ + seconds_to_duration(static_cast<double>(index) / rate_);
}

}  // namespace smppgw::sim
