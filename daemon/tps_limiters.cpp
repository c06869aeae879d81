#include "daemon/tps_limiters.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace smppgw::daemon {

namespace {

// Smallest non-zero wins; 0 only when every link of the account says 0.
std::uint32_t stricter(std::uint32_t a, std::uint32_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

}  // namespace

std::string CarrierAccount::to_string() const {
  return system_id + "@" + host + ":" + std::to_string(port);
}

void TpsLimiters::configure(const std::vector<conf::LinkConfig>& links) {
  struct Wanted {
    std::uint32_t rate = 0;
    bool disagree = false;
  };
  std::map<CarrierAccount, Wanted> wanted;
  for (const auto& link : links) {
    auto [it, inserted] = wanted.try_emplace(CarrierAccount::of(link));
    if (!inserted && it->second.rate != link.max_tps) it->second.disagree = true;
    it->second.rate = inserted ? link.max_tps : stricter(it->second.rate, link.max_tps);
  }
  std::lock_guard lock(mutex_);
  std::map<CarrierAccount, std::shared_ptr<TpsLimiter>> next;
  for (const auto& [account, w] : wanted) {
    if (w.disagree) {
      spdlog::warn("links of carrier account {} set different max_tps; the account is held to {}",
                   account.to_string(),
                   w.rate == 0 ? std::string("no limit") : std::to_string(w.rate));
    }
    auto it = limiters_.find(account);
    if (it == limiters_.end()) {
      next.emplace(account, std::make_shared<TpsLimiter>(w.rate, window_));
      continue;
    }
    if (const auto before = it->second->rate(); before != w.rate) {
      spdlog::info("carrier account {}: max_tps {} -> {}, in force now", account.to_string(),
                   before, w.rate);
      it->second->set_rate(w.rate);
    }
    next.emplace(account, std::move(it->second));
  }
  limiters_ = std::move(next);
}

std::shared_ptr<TpsLimiter> TpsLimiters::of(const conf::LinkConfig& link) {
  std::lock_guard lock(mutex_);
  auto& limiter = limiters_[CarrierAccount::of(link)];
  if (!limiter) limiter = std::make_shared<TpsLimiter>(link.max_tps, window_);
  return limiter;
}

std::uint32_t TpsLimiters::rate_of(const CarrierAccount& account) const {
  std::lock_guard lock(mutex_);
  auto it = limiters_.find(account);
  return it == limiters_.end() ? 0 : it->second->rate();
}

}  // namespace smppgw::daemon
