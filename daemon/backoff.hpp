// Reconnect delays of a carrier link (SPEC §5): exponential from `reconnect.min`, capped at
// `reconnect.max`, with jitter so that many links (or many gateways) that lost the same
// SMSC do not all knock again at the same instant. No clock and no sleeping here: the link
// asks for the next delay and waits on its own timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace smppgw::daemon {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  Backoff(Duration min, Duration max, std::uint64_t seed);

  // The delay before the next attempt: a uniform draw from [ceiling/2, ceiling] where the
  // ceiling doubles with each failed attempt from `min` up to `max`; never below `min`,
  // never above `max`.
  Duration next();

  // A bind succeeded: the next failure starts again from `min`.
  void reset() { attempt_ = 0; }

  [[nodiscard]] unsigned attempts() const { return attempt_; }

 private:
  Duration min_;
  Duration max_;
  unsigned attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace smppgw::daemon
