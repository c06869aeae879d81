// The pool behind PgStore's reads: slots lent under a mutex, a condition variable for callers
// that wait for one, and the reopen of a dropped connection done by the caller that takes it,
// outside the mutex, so a slow or unreachable server delays only that caller.
#include "store/postgres/pool.hpp"

#include <utility>

namespace smppgw::store::postgres {

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool connection_lost(const Error& error) {
  if (error.code == StoreErrc::io_error || error.code == StoreErrc::open_failed ||
      error.code == StoreErrc::unavailable)
    return true;
  // libpq reports a connection that broke mid-statement as a result without SQLSTATE; every
  // error the server itself sends has one.
  if (error.sqlstate.empty()) return true;
  return error.sqlstate.starts_with("08") || error.sqlstate == "57P01" ||
         error.sqlstate == "57P02" || error.sqlstate == "57P03";
}

Pool::Pool(StoreOptions options) : options_(std::move(options)) {}

PgResult<void> Pool::set_up(Connection& conn, const StoreOptions& options) {
  std::vector<Statement> set;
  if (!options.schema.empty())
    set.push_back({"SET search_path TO " + quote_identifier(options.schema), {}});
  set.push_back({"SET default_transaction_isolation TO 'read committed'", {}});
  auto done = conn.pipeline(set);
  if (!done) return tl::unexpected(std::move(done.error()));
  return {};
}

PgResult<Connection> Pool::connect(const StoreOptions& options) {
  auto conn = Connection::open(options.connect);
  if (!conn) return tl::unexpected(std::move(conn.error()));
  if (auto set = set_up(*conn, options); !set) return tl::unexpected(std::move(set.error()));
  return std::move(*conn);
}

PgResult<std::unique_ptr<Pool>> Pool::open(const StoreOptions& options,
                                           std::optional<Connection> first) {
  if (options.connections == 0) {
    return pg_fail(StoreErrc::invalid_argument, "store.postgresql.connections must be at least 1");
  }
  std::unique_ptr<Pool> pool(new Pool(options));
  pool->slots_.reserve(options.connections);
  if (first) pool->slots_.emplace_back(std::move(*first));
  while (pool->slots_.size() < options.connections) {
    auto conn = connect(options);
    if (!conn) return tl::unexpected(std::move(conn.error()));
    pool->slots_.emplace_back(std::move(*conn));
  }
  for (std::size_t i = pool->slots_.size(); i > 0; --i) pool->free_.push_back(i - 1);
  return pool;
}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_) {}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(slot_);
}

void Pool::give_back(std::size_t slot) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(slot);
  }
  freed_.notify_one();
}

void Pool::remember(const Error& error) {
  std::lock_guard lock(mutex_);
  last_failure_ = error.message;
}

std::string Pool::last_failure() const {
  std::lock_guard lock(mutex_);
  return last_failure_;
}

PgResult<Pool::Lease> Pool::lease() {
  std::size_t slot = 0;
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !free_.empty(); });
    slot = free_.back();
    free_.pop_back();
  }
  Lease lease(this, slot);
  if (!slots_[slot]) {
    auto conn = connect(options_);
    if (!conn) {
      Error e = std::move(conn.error());
      e.code = make_error_code(StoreErrc::unavailable);
      remember(e);
      return tl::unexpected(std::move(e));
    }
    slots_[slot] = std::move(*conn);
  }
  return lease;
}

PgResult<std::vector<Rows>> Pool::run(std::span<const Statement> statements) {
  auto lease = this->lease();
  if (!lease) return tl::unexpected(std::move(lease.error()));
  auto results = lease->connection().pipeline(statements);
  if (results) return results;
  Error e = std::move(results.error());
  if (connection_lost(e)) {
    slots_[lease->slot_].reset();
    e.code = make_error_code(StoreErrc::unavailable);
  } else {
    e.code = make_error_code(StoreErrc::backend_error);
  }
  remember(e);
  return tl::unexpected(std::move(e));
}

}  // namespace smppgw::store::postgres
