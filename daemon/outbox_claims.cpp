#include "daemon/outbox_claims.hpp"

namespace smppgw::daemon {

bool OutboxClaims::try_claim(std::uint64_t outbox_id) {
  std::lock_guard lock(mutex_);
  return claimed_.insert(outbox_id).second;
}

void OutboxClaims::release(std::uint64_t outbox_id) {
  std::lock_guard lock(mutex_);
  release_locked(outbox_id);
}

void OutboxClaims::release(std::span<const std::uint64_t> ids) {
  std::lock_guard lock(mutex_);
  for (auto id : ids) release_locked(id);
}

void OutboxClaims::release_locked(std::uint64_t outbox_id) {
  if (claimed_.erase(outbox_id) == 0) return;
  ++releases_;
  if (scans_.empty()) return;  // no snapshot can predate this release
  released_at_[outbox_id] = releases_;
  release_log_.emplace_back(releases_, outbox_id);
}

bool OutboxClaims::claimed(std::uint64_t outbox_id) const {
  std::lock_guard lock(mutex_);
  return claimed_.contains(outbox_id);
}

std::size_t OutboxClaims::size() const {
  std::lock_guard lock(mutex_);
  return claimed_.size();
}

std::uint64_t OutboxClaims::begin_scan() {
  std::lock_guard lock(mutex_);
  scans_.insert(releases_);
  return releases_;
}

void OutboxClaims::try_claim(std::uint64_t ticket, std::span<const std::uint64_t> ids,
                             std::vector<bool>& won) {
  won.assign(ids.size(), false);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (auto it = released_at_.find(ids[i]); it != released_at_.end() && it->second > ticket) {
      continue;  // released after the scan's snapshot was taken: maybe sent already
    }
    won[i] = claimed_.insert(ids[i]).second;
  }
}

void OutboxClaims::end_scan(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  if (auto it = scans_.find(ticket); it != scans_.end()) scans_.erase(it);
  forget_old_releases();
}

// A release matters only to scans that began before it.
void OutboxClaims::forget_old_releases() {
  const std::uint64_t oldest = scans_.empty() ? releases_ : *scans_.begin();
  while (!release_log_.empty() && release_log_.front().first <= oldest) {
    const auto [number, id] = release_log_.front();
    if (auto it = released_at_.find(id); it != released_at_.end() && it->second == number) {
      released_at_.erase(it);
    }
    release_log_.pop_front();
  }
}

}  // namespace smppgw::daemon
