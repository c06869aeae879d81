#include "daemon/tps_limiter.hpp"

#include <algorithm>

namespace smppgw::daemon {

namespace {

constexpr TpsLimiter::Clock::duration kTick{1};

// Above window / rate by less than one tick, never equal to it (see the header).
TpsLimiter::Clock::duration interval_of(std::uint32_t rate, TpsLimiter::Clock::duration window) {
  if (rate == 0) return {};
  return window / rate + kTick;
}

}  // namespace

TpsLimiter::TpsLimiter(std::uint32_t rate, Clock::duration window)
    : window_(std::max(window, kTick)), rate_(rate), interval_(interval_of(rate, window_)) {}

bool TpsLimiter::try_take(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (rate_ == 0) {
    if (!last_ || now > *last_) last_ = now;
    return true;
  }
  // next_ lies after the last send, so this also refuses a `now` older than it.
  if (ready_at_locked(now) > now) return false;
  // Sends before [now - window, now] can be in no window that ends at or after now.
  while (!log_.empty() && log_.front() < now - window_) log_.pop_front();
  log_.push_back(now);
  last_ = now;
  next_ = now + interval_;
  return true;
}

TpsLimiter::Clock::time_point TpsLimiter::ready_at(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return ready_at_locked(now);
}

TpsLimiter::Clock::time_point TpsLimiter::ready_at_locked(Clock::time_point now) const {
  if (rate_ == 0) return now;
  auto at = std::max(now, next_);
  if (log_.size() >= rate_) {
    // The rate-th latest send must fall before the closed window that ends with this one.
    at = std::max(at, log_[log_.size() - rate_] + window_ + kTick);
  }
  return at;
}

void TpsLimiter::set_rate(std::uint32_t rate) {
  std::lock_guard lock(mutex_);
  if (rate == rate_) return;
  const bool was_unlimited = rate_ == 0;
  rate_ = rate;
  interval_ = interval_of(rate, window_);
  if (rate == 0) {
    log_.clear();
    return;
  }
  if (!last_) return;  // nothing sent yet: nothing to space from
  if (was_unlimited) {
    // The unlimited sends were not logged: the first limited one waits until the last of
    // them is out of its window.
    log_.clear();
    next_ = *last_ + window_ + kTick;
  } else {
    next_ = *last_ + interval_;
  }
}

std::uint32_t TpsLimiter::rate() const {
  std::lock_guard lock(mutex_);
  return rate_;
}

TpsLimiter::Clock::duration TpsLimiter::interval() const {
  std::lock_guard lock(mutex_);
  return interval_;
}

}  // namespace smppgw::daemon
