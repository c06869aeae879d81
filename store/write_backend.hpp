// What the writer needs from a store backend (private to store/): open one write transaction
// per group, tell whether it is still usable, commit it durably, and grow the space when a
// group did not fit. The LMDB backend implements it in lmdb/store.cpp.
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
