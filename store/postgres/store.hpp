// Opening the PostgreSQL backend of Store (DESIGN.md §6): a pool of read connections, the
// writer's own connection and the schema checked or migrated at open. The rest of smppgwd sees
// only store/store.hpp's Store and store/writer.hpp's Writer, whichever backend is configured.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/connection.hpp"
#include "store/postgres/error.hpp"
#include "store/store.hpp"

namespace smppgw::store::postgres {

struct StoreOptions {
  ConnectOptions connect;  // config store.postgresql.url / password_file
  // The schema (search_path) the tables live in; empty: the server's default ("public").
  // Tests give each fixture its own; an operator may keep several gateways in one database.
  std::string schema;
  unsigned connections = 4;  // read connections in the pool (config store.postgresql.connections)
};

// Connects (every connection of the pool and the writer's), creates or migrates the schema
// under its advisory lock and returns the store. The error names the server and the cause
// (unreachable: StoreErrc::unavailable; schema_too_new; ...), never the password.
PgResult<std::unique_ptr<Store>> open_store(const StoreOptions& options);

}  // namespace smppgw::store::postgres
