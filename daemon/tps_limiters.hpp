// The `max_tps` limiters of the carrier accounts (SPEC §5). A carrier counts submits per
// account, so every link naming one account — host, port and system_id, as written — shares
// one TpsLimiter: several links of the account, and a link rebound by a reload (its successor
// goes on from the same history, so a rebind is no burst). When the links of an account
// disagree, its limit is their smallest non-zero max_tps (the strictest one configured is the
// one known to hold); 0 on all of them is unlimited. Thread-safe.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "daemon/tps_limiter.hpp"

namespace smppgw::daemon {

// The carrier counts in its own clock, which sees our submits shifted by the network and by
// scheduling on both sides. Sent exactly max_tps per second, every sliding second is full to
// its edge and any such shift that brings two submits max_tps apart closer shows the carrier
// max_tps + 1. The limiters count over one second plus this guard instead: a shift up to it is
// absorbed, for 2 % of the throughput (max_tps 50 sends at 49.0 per second).
inline constexpr std::chrono::milliseconds kCarrierClockGuard{20};
inline constexpr TpsLimiter::Clock::duration kTpsWindow =
    std::chrono::seconds(1) + kCarrierClockGuard;

struct CarrierAccount {
  std::string host;
  std::uint16_t port = 0;
  std::string system_id;

  static CarrierAccount of(const conf::LinkConfig& link) {
    return {link.host, link.port, link.system_id};
  }
  // `system_id@host:port`, for log lines.
  [[nodiscard]] std::string to_string() const;
  friend auto operator<=>(const CarrierAccount&, const CarrierAccount&) = default;
};

class TpsLimiters {
 public:
  explicit TpsLimiters(TpsLimiter::Clock::duration window = kTpsWindow) : window_(window) {}

  // The links of the configuration in force (at start and on every reload): each account's
  // limit becomes the smallest non-zero max_tps of its links, in force at once for every
  // link of it. Accounts no longer named are forgotten (a link still draining keeps its
  // limiter until it goes).
  void configure(const std::vector<conf::LinkConfig>& links);

  // The limiter of `link`'s account (one with the link's own max_tps if configure() has not
  // named the account).
  std::shared_ptr<TpsLimiter> of(const conf::LinkConfig& link);

  // The limit of an account as configure() set it; 0 when unlimited or unknown.
  [[nodiscard]] std::uint32_t rate_of(const CarrierAccount& account) const;

 private:
  const TpsLimiter::Clock::duration window_;
  mutable std::mutex mutex_;
  std::map<CarrierAccount, std::shared_ptr<TpsLimiter>> limiters_;
};

}  // namespace smppgw::daemon
