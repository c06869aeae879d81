#include "daemon/outbox_wakeup.hpp"

#include <algorithm>

namespace smppgw::daemon {

std::uint64_t OutboxWakeup::subscribe(std::vector<std::string> short_codes, Wake wake) {
  std::lock_guard lock(mutex_);
  const auto token = next_token_++;
  subscribers_.emplace(token, Subscriber{std::move(short_codes), std::move(wake)});
  return token;
}

void OutboxWakeup::unsubscribe(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(token);
}

void OutboxWakeup::notify(std::string_view short_code) const {
  std::vector<Wake> to_wake;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [token, s] : subscribers_) {
      if (std::find(s.short_codes.begin(), s.short_codes.end(), short_code) !=
          s.short_codes.end()) {
        to_wake.push_back(s.wake);
      }
    }
  }
  for (auto& wake : to_wake) wake();
}

void OutboxWakeup::notify_all() const {
  std::vector<Wake> to_wake;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [token, s] : subscribers_) to_wake.push_back(s.wake);
  }
  for (auto& wake : to_wake) wake();
}

}  // namespace smppgw::daemon
