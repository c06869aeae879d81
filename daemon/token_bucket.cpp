#include "daemon/token_bucket.hpp"

#include <algorithm>

namespace smppgw::daemon {

TokenBucket::TokenBucket(std::uint32_t rate, Clock::time_point now)
    : rate_(rate), tokens_(static_cast<double>(rate)), last_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;  // a clock that went backwards adds nothing
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(static_cast<double>(rate_), tokens_ + elapsed * rate_);
  last_ = now;
}

bool TokenBucket::try_take(Clock::time_point now, std::uint32_t n) {
  if (unlimited()) return true;
  refill(now);
  const double need = std::min<double>(n, rate_);
  if (tokens_ + 1e-9 < need) return false;
  tokens_ -= need;
  return true;
}

TokenBucket::Clock::time_point TokenBucket::ready_at(Clock::time_point now, std::uint32_t n) {
  if (unlimited()) return now;
  refill(now);
  const double need = std::min<double>(n, rate_);
  if (tokens_ + 1e-9 >= need) return now;
  const double seconds = (need - tokens_) / rate_;
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)) +
         Clock::duration(1);
}

}  // namespace smppgw::daemon
