#include "daemon/backoff.hpp"

#include <algorithm>

namespace smppgw::daemon {

Backoff::Backoff(Duration min, Duration max, std::uint64_t seed)
    : min_(std::max(min, Duration(1))),
      max_(std::max(max, std::max(min, Duration(1)))),
      rng_(seed) {}

Backoff::Duration Backoff::next() {
  // Doubling stops once the ceiling reaches max, so the shift never overflows.
  Duration ceiling = min_;
  for (unsigned i = 0; i < attempt_ && ceiling < max_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_);
  if (ceiling < max_) ++attempt_;
  const Duration floor = std::max(min_, ceiling / 2);
  std::uniform_int_distribution<Duration::rep> pick(floor.count(), ceiling.count());
  return Duration(pick(rng_));
}

}  // namespace smppgw::daemon
