// The `max_tps` limiter of one carrier link (SPEC §5): a token bucket refilled at `rate`
// tokens per second, holding at most one second's worth. Each submit_sm PDU takes one
// token, so every part of a long message counts (smpp-notes §11.5). Time is passed in,
// so the bucket is tested with a fake clock and never reads one itself.
#pragma once

#include <chrono>
#include <cstdint>

namespace smppgw::daemon {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` submits per second; 0 means unlimited (SPEC §2 `max_tps: 0`). The bucket starts
  // full so that a freshly bound link can send its first second's worth at once.
  TokenBucket(std::uint32_t rate, Clock::time_point now);

  // Takes `n` tokens if they are all there; false (and nothing taken) otherwise.
  bool try_take(Clock::time_point now, std::uint32_t n = 1);

  // The earliest time at which `n` tokens will be there (now if they already are).
  // `n` above the capacity is clamped to the capacity: a burst larger than one second
  // of budget is sent as soon as the bucket is full rather than never.
  [[nodiscard]] Clock::time_point ready_at(Clock::time_point now, std::uint32_t n = 1);

  [[nodiscard]] bool unlimited() const { return rate_ == 0; }
  [[nodiscard]] std::uint32_t rate() const { return rate_; }

 private:
  void refill(Clock::time_point now);

  std::uint32_t rate_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace smppgw::daemon
