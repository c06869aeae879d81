// Pacing of smppgw-sim's generated traffic (MO in smsc mode, submit_sm in esme mode).
// The n-th send is due at start + (n-1)/rate, so a long run keeps the exact rate without
// drift; a sender that fell behind (window full, slow peer) may catch up by at most `burst`
// sends, then the schedule moves on instead of flooding the peer with the backlog.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>

namespace smppgw::sim {

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;

  // rate_per_s 0 means unpaced: every send is due at once. burst is at least 1.
  RatePacer(double rate_per_s, Clock::time_point start, std::uint64_t burst);

  // The burst that suits a rate: 10 ms worth of sends, at least 1.
  static std::uint64_t default_burst(double rate_per_s);

  // Sends due at `now` that have not been made yet (at most `burst`).
  // May move the schedule forward when the sender fell behind by more than `burst`.
  [[nodiscard]] std::uint64_t due(Clock::time_point now);

  // Records n sends made.
  void sent(std::uint64_t n) { sent_ += n; }

  // When at least n more sends are due (n >= 1). For unpaced, the start.
  [[nodiscard]] Clock::time_point time_for(std::uint64_t n) const;

  [[nodiscard]] bool unpaced() const { return rate_ <= 0; }
  [[nodiscard]] std::uint64_t total_sent() const { return sent_; }

  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

 private:
  double rate_;
  Clock::time_point epoch_;
  std::uint64_t burst_;
  std::uint64_t sent_ = 0;
};

}  // namespace smppgw::sim
