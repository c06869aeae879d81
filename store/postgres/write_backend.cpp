// The PostgreSQL WriteBackend: the writer's own connection, one transaction per group.
//
// BEGIN is not a round trip of its own: it opens the first pipeline of the group (a load pass
// or the flush with COMMIT), so a group that needs no rows costs exactly one round trip.
// Errors: a deadlock (40P01) or serialization failure (40001) is StoreErrc::conflict (the
// writer re-runs the group in a new transaction); a lost connection is unavailable: the
// connection is dropped, the group fails, and begin_group reconnects — at once the first
// time, then no sooner than a delay that doubles from 100 ms to 5 s, failing fast with
// unavailable meanwhile, so that the writer keeps completing requests and never hangs.
#include "store/postgres/write_backend.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "store/postgres/write_txn.hpp"

namespace smppgw::store::postgres {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

// `SET search_path TO "schema"`: the identifier quoted, a `"` doubled.
std::string search_path_sql(const std::string& schema) {
  std::string sql = "SET search_path TO \"";
  for (char c : schema) {
    if (c == '"') sql.push_back('"');
    sql.push_back(c);
  }
  sql.push_back('"');
  return sql;
}

bool connection_lost(const Error& e) {
  // No SQLSTATE: libpq lost the socket; class 08 (connection exception) and 57P (operator
  // intervention: the server is shutting down) end the session too.
  return e.sqlstate.empty() || e.sqlstate.starts_with("08") || e.sqlstate.starts_with("57P");
}

class PgWriteBackend;

class PgWriteGroup final : public detail::WriteGroup {
 public:
  explicit PgWriteGroup(PgWriteBackend& backend);
  ~PgWriteGroup() override { abort(); }
  WriteTxn& txn() override { return txn_; }
  std::error_code poisoned() const override { return txn_.poisoned(); }
  std::error_code commit() override;
  void abort() noexcept override;
  bool wants_data() const override { return txn_.wants_data(); }
  std::error_code load() override;
  bool restart() override {
    if (txn_.poisoned()) return false;
    txn_.restart();
    return true;
  }

 private:
  // Runs `statements`, BEGIN first if the transaction has not begun on the server yet.
  PgResult<std::vector<Rows>> run(std::vector<Statement> statements);

  PgWriteBackend& backend_;
  PgWriteTxn txn_;
  bool begun_ = false;  // BEGIN was sent
  bool done_ = false;   // committed or rolled back
};

class PgWriteBackend final : public detail::WriteBackend {
 public:
  PgWriteBackend(StoreOptions options, Connection conn)
      : options_(std::move(options)), conn_(std::move(conn)) {}

  bool claim_writer() override { return !claimed_.exchange(true); }
  void release_writer() override { claimed_ = false; }

  Result<std::unique_ptr<detail::WriteGroup>> begin_group() override {
    if (!conn_) {
      if (Clock::now() < retry_at_) return fail(StoreErrc::unavailable);
      auto c = open_connection(options_);
      if (!c) {
        backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
        retry_at_ = Clock::now() + backoff_;
        return fail(StoreErrc::unavailable);
      }
      conn_ = std::move(*c);
      backoff_ = {};
    }
    return std::unique_ptr<detail::WriteGroup>(new PgWriteGroup(*this));
  }

  // PostgreSQL has no map to grow; the writer asks only after map_full, which it never sees.
  std::error_code grow() override { return {}; }

  // The statements on the writer's connection; a lost connection is dropped (reopened by the
  // next begin_group) and reported as unavailable, a conflict as conflict.
  PgResult<std::vector<Rows>> run(std::span<const Statement> statements) {
    if (!conn_) return pg_fail(StoreErrc::unavailable, "no connection to PostgreSQL");
    auto r = conn_->pipeline(statements);
    if (r) return r;
    Error e = std::move(r.error());
    if (e.sqlstate == "40P01" || e.sqlstate == "40001") {
      e.code = make_error_code(StoreErrc::conflict);
    } else if (connection_lost(e)) {
      e.code = make_error_code(StoreErrc::unavailable);
      conn_.reset();
    }
    return tl::unexpected(std::move(e));
  }

  static PgResult<Connection> open_connection(const StoreOptions& options) {
    auto c = Connection::open(options.connect);
    if (!c) {
      c.error().code = make_error_code(StoreErrc::unavailable);
      return c;
    }
    // Generic plans: the writer's statements take whole chunks as array parameters (a Manual
    // Opt-Out chunk is 25,000 phones), and a custom plan would see each array as a constant —
    // the planner then estimates `= ANY($1)` element by element (tens of ms per statement) and,
    // with 25,000 of a table's rows expected, may pick a sequential scan. A generic plan
    // estimates a parameter array as a few elements: index probes, whatever the values.
    std::vector<Statement> setup;
    if (!options.schema.empty()) setup.push_back({search_path_sql(options.schema), {}});
    setup.push_back({"SET plan_cache_mode TO force_generic_plan", {}});
    if (auto set = c->pipeline(setup); !set) return tl::unexpected(std::move(set.error()));
    return c;
  }

 private:
  const StoreOptions options_;
  std::optional<Connection> conn_;
  std::atomic<bool> claimed_{false};
  std::chrono::milliseconds backoff_{0};
  Clock::time_point retry_at_{};
};

PgWriteGroup::PgWriteGroup(PgWriteBackend& backend) : backend_(backend) {}

PgResult<std::vector<Rows>> PgWriteGroup::run(std::vector<Statement> statements) {
  const bool first = !begun_;
  if (first) statements.insert(statements.begin(), Statement{"BEGIN", {}});
  begun_ = true;
  auto r = backend_.run(statements);
  if (r && first) r->erase(r->begin());
  return r;
}

std::error_code PgWriteGroup::load() {
  auto statements = txn_.load_statements();
  auto rows = run(statements);
  if (!rows) return rows.error().code;
  return txn_.loaded(*rows);
}

std::error_code PgWriteGroup::commit() {
  if (auto p = txn_.poisoned()) {
    abort();
    return p;
  }
  auto statements = txn_.flush_statements();
  if (statements.empty() && !begun_) {
    done_ = true;  // nothing read, nothing written: no round trip
    return {};
  }
  statements.push_back({"COMMIT", {}});
  auto r = run(std::move(statements));
  if (!r) {
    abort();
    return r.error().code;
  }
  done_ = true;
  return {};
}

void PgWriteGroup::abort() noexcept {
  if (done_) return;
  done_ = true;
  if (!begun_) return;
  const Statement rollback{"ROLLBACK", {}};
  (void)backend_.run(std::span(&rollback, 1));
}

}  // namespace

PgResult<std::unique_ptr<detail::WriteBackend>> make_write_backend(const StoreOptions& options) {
  auto conn = PgWriteBackend::open_connection(options);
  if (!conn) return tl::unexpected(std::move(conn.error()));
  return std::unique_ptr<detail::WriteBackend>(new PgWriteBackend(options, std::move(*conn)));
}

}  // namespace smppgw::store::postgres
