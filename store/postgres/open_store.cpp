// Opening the PostgreSQL backend (store.hpp): the schema first, on the pool's first connection
// (created when it is named, then ensured under its advisory lock), then the rest of the pool
// and the writer's backend. Nothing is left open when a step fails.
#include <utility>

#include "store/postgres/pg_store.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/store.hpp"
#include "store/postgres/write_backend.hpp"

namespace smppgw::store::postgres {

PgResult<std::unique_ptr<Store>> open_store(const StoreOptions& options) {
  if (options.connections == 0) {
    return pg_fail(StoreErrc::invalid_argument, "store.postgresql.connections must be at least 1");
  }
  // PostgreSQL cuts longer names to 63 bytes without a word: two gateways configured with
  // different long names would share one schema.
  if (options.schema.size() > 63 || options.schema.find('\0') != std::string::npos) {
    return pg_fail(StoreErrc::invalid_argument,
                   "the PostgreSQL schema name must be at most 63 bytes, without NUL");
  }
  auto conn = Connection::open(options.connect);
  if (!conn) return tl::unexpected(std::move(conn.error()));
  if (!options.schema.empty()) {
    // Before search_path names it: ensure_schema creates its tables in the first schema of
    // the path, which must exist.
    const std::string schema = quote_identifier(options.schema);
    auto created = conn->exec({"CREATE SCHEMA IF NOT EXISTS " + schema, {}});
    if (!created) {
      Error e = std::move(created.error());
      e.message = "cannot create the schema " + schema + ": " + e.message;
      return tl::unexpected(std::move(e));
    }
  }
  if (auto set = Pool::set_up(*conn, options); !set) return tl::unexpected(std::move(set.error()));
  if (auto schema = ensure_schema(*conn); !schema) return tl::unexpected(std::move(schema.error()));
  auto pool = Pool::open(options, std::move(*conn));
  if (!pool) return tl::unexpected(std::move(pool.error()));
  auto writer = make_write_backend(options);
  if (!writer) return tl::unexpected(std::move(writer.error()));
  return std::unique_ptr<Store>(std::make_unique<PgStore>(std::move(*pool), std::move(*writer)));
}

}  // namespace smppgw::store::postgres
