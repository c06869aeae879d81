// What the writer needs from a store backend (private to store/): open one write transaction
// per group, tell whether it is still usable, commit it durably, and grow the space when a
// group did not fit. LMDB implements it in lmdb/store.cpp, PostgreSQL in postgres/write_backend.
//
// Load passes (a server backend): a request may fail with StoreErrc::data_needed when its
// transaction has not loaded the rows it reads yet. The writer then runs the rest of the group
// anyway (to learn everything the group needs in one pass), calls load() and re-runs the
// group in the same transaction. LMDB reads synchronously and never asks.
#pragma once

#include <memory>
#include <system_error>

#include "store/error.hpp"
#include "store/write_txn.hpp"

namespace smppgw::store::detail {

// One write transaction, used for one attempt at one group.
class WriteGroup {
 public:
  virtual ~WriteGroup() = default;
  virtual WriteTxn& txn() = 0;
  // The backend error that made the transaction unusable (map_full, txn_full, io_error, ...),
  // or {} if it can still be used and committed.
  virtual std::error_code poisoned() const = 0;
  // Commits (one fsync under Durability::fsync). After it, the group is finished either way.
  virtual std::error_code commit() = 0;
  // Drops every write of the group.
  virtual void abort() noexcept = 0;

  // Whether a request of this attempt returned data_needed: load() before re-running.
  virtual bool wants_data() const { return false; }
  // Loads every row the attempt asked for (one round trip) and starts a new attempt in the
  // same transaction: the writes of the attempt are discarded, what was loaded is kept.
  // An error (unavailable, conflict, ...) is the group's: the writer handles it as commit's.
  virtual std::error_code load() { return {}; }
  // A new attempt in the same transaction without loading (after a request failed alone).
  // Returns false when the backend cannot, and the writer aborts and begins a new group.
  virtual bool restart() { return false; }
};

class WriteBackend {
 public:
  virtual ~WriteBackend() = default;
  // Only one writer per store at a time: claim fails if another holds it.
  virtual bool claim_writer() = 0;
  virtual void release_writer() = 0;
  virtual Result<std::unique_ptr<WriteGroup>> begin_group() = 0;
  // Makes room after map_full; called with no write transaction active. Returns disk_full
  // when the space cannot grow any further.
  virtual std::error_code grow() = 0;
};

}  // namespace smppgw::store::detail
