// Which outbox records a dispatcher is sending right now. Several links may serve one short
// code and so read the same pending queue (SPEC §5 "share its traffic"); a record is sent by
// the link that claims it first, and released when its submits are settled (recorded,
// failed) or their fate became unknown (the connection dropped: it is sent again).
// Thread-safe: dispatchers of different links run on different strands.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_set>
#include <vector>

namespace smppgw::daemon {

class OutboxClaims {
 public:
  // True when the record was free and is now claimed by the caller.
  bool try_claim(std::uint64_t outbox_id);
  void release(std::uint64_t outbox_id);
  // The same for a batch under one lock (a dispatcher reads its queue a few hundred records
  // at a time and settles its writes in batches): won[i] says whether ids[i] is now the
  // caller's (`won` is resized to ids.size()).
  void try_claim(std::span<const std::uint64_t> ids, std::vector<bool>& won);
  void release(std::span<const std::uint64_t> ids);
  [[nodiscard]] bool claimed(std::uint64_t outbox_id) const;
  [[nodiscard]] std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::uint64_t> claimed_;
};

}  // namespace smppgw::daemon
