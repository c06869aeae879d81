// The read connections of the PostgreSQL backend: a fixed number of connections shared by the
// threads that read (admin workers, the dispatcher), each lent to one caller at a time. A
// connection the server dropped is reopened by the next caller that takes it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/error.hpp"
#include "store/postgres/store.hpp"

namespace smppgw::store::postgres {

// `schema` as an SQL identifier: in double quotes, a quote doubled ("a""b").
std::string quote_identifier(const std::string& name);

// Whether a failed statement left its connection unusable: libpq's own failures (the socket,
// a lost server: no SQLSTATE) and the server's connection and shutdown errors (class 08,
// 57P01-57P03). Such failures are StoreErrc::unavailable to the store's callers.
bool connection_lost(const Error& error);

class Pool {
 public:
  // Opens `options.connections` connections (each set up by set_up); `first`, if given, is one
  // already open and set up (open_store's schema connection). The first failure is returned:
  // it names the server and the cause.
  static PgResult<std::unique_ptr<Pool>> open(const StoreOptions& options,
                                              std::optional<Connection> first = std::nullopt);

  // Opens one connection as the pool's are: connected, then set up.
  static PgResult<Connection> connect(const StoreOptions& options);
  // What every connection of the pool runs once: search_path when options.schema is set,
  // and READ COMMITTED whatever the server's default_transaction_isolation says.
  static PgResult<void> set_up(Connection& conn, const StoreOptions& options);

  // A connection lent to one caller; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& connection() { return *pool_->slots_[slot_]; }

   private:
    friend class Pool;
    Lease(Pool* pool, std::size_t slot) : pool_(pool), slot_(slot) {}
    Pool* pool_;
    std::size_t slot_;
  };

  // Waits until a connection is free and lends it, reopening it first if it was dropped.
  // A failed reopen is StoreErrc::unavailable (the message names the server and the cause).
  PgResult<Lease> lease();

  // Runs `statements` as one pipeline on a leased connection. A failure that lost the
  // connection drops it (the next lease reopens it) and is reported as unavailable; any other
  // failure of the server is backend_error. Every failure is kept for last_failure().
  PgResult<std::vector<Rows>> run(std::span<const Statement> statements);

  // The message of the most recent failure (empty if none yet): why the store was unavailable.
  std::string last_failure() const;
  std::size_t size() const { return slots_.size(); }

 private:
  explicit Pool(StoreOptions options);
  void give_back(std::size_t slot);
  void remember(const Error& error);

  StoreOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::optional<Connection>> slots_;  // nullopt: dropped, reopened on next lease
  std::vector<std::size_t> free_;                 // slots not lent
  std::string last_failure_;
};

}  // namespace smppgw::store::postgres
