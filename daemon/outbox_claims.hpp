// Which outbox records a dispatcher is sending right now. Several links may serve one short
// code and so read the same pending queue (SPEC §5 "share its traffic"); a record is sent by
// the link that claims it first, and released when its submits are settled (recorded,
// failed) or their fate became unknown (the connection dropped: it is sent again).
// Thread-safe: dispatchers of different links run on different strands, and each reads its
// queue off its strand.
//
// A record is released only after the write that took it out of the queue committed, but a
// reader's snapshot of the queue may be older than that write: it still lists the record as
// pending. So a scan registers before it opens its read transaction (begin_scan), and a
// record released since then is refused to it (it may have been sent already); a newer scan
// sees whether it is still queued.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace smppgw::daemon {

class OutboxClaims {
 public:
  // True when the record was free and is now claimed by the caller.
  bool try_claim(std::uint64_t outbox_id);
  void release(std::uint64_t outbox_id);
  void release(std::span<const std::uint64_t> ids);
  [[nodiscard]] bool claimed(std::uint64_t outbox_id) const;
  [[nodiscard]] std::size_t size() const;

  // A scan of the pending queues starts (call before its read transactions begin); returns
  // its ticket for try_claim and end_scan.
  std::uint64_t begin_scan();
  // Claims records the scan read, under one lock: won[i] says whether ids[i] is now the
  // caller's (`won` is resized to ids.size()). Refused: records claimed by someone, and
  // records released after the scan began.
  void try_claim(std::uint64_t ticket, std::span<const std::uint64_t> ids, std::vector<bool>& won);
  void end_scan(std::uint64_t ticket);

 private:
  void release_locked(std::uint64_t outbox_id);
  void forget_old_releases();

  mutable std::mutex mutex_;
  std::unordered_set<std::uint64_t> claimed_;
  std::uint64_t releases_ = 0;          // release counter; a scan's ticket is its value
  std::multiset<std::uint64_t> scans_;  // tickets of running scans
  // Releases a running scan may not have seen (kept only while such a scan runs).
  std::unordered_map<std::uint64_t, std::uint64_t> released_at_;     // id → release number
  std::deque<std::pair<std::uint64_t, std::uint64_t>> release_log_;  // (number, id) in order
};

}  // namespace smppgw::daemon
