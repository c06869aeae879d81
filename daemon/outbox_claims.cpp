#include "daemon/outbox_claims.hpp"

namespace smppgw::daemon {

bool OutboxClaims::try_claim(std::uint64_t outbox_id) {
  std::lock_guard lock(mutex_);
  return claimed_.insert(outbox_id).second;
}

void OutboxClaims::release(std::uint64_t outbox_id) {
  std::lock_guard lock(mutex_);
  claimed_.erase(outbox_id);
}

void OutboxClaims::try_claim(std::span<const std::uint64_t> ids, std::vector<bool>& won) {
  won.assign(ids.size(), false);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < ids.size(); ++i) won[i] = claimed_.insert(ids[i]).second;
}

void OutboxClaims::release(std::span<const std::uint64_t> ids) {
  std::lock_guard lock(mutex_);
  for (auto id : ids) claimed_.erase(id);
}

bool OutboxClaims::claimed(std::uint64_t outbox_id) const {
  std::lock_guard lock(mutex_);
  return claimed_.contains(outbox_id);
}

std::size_t OutboxClaims::size() const {
  std::lock_guard lock(mutex_);
  return claimed_.size();
}

}  // namespace smppgw::daemon
