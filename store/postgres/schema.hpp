// The schema of the PostgreSQL backend and its version. Opening a store runs ensure_schema:
// under a transaction-scoped advisory lock it reads the version in smppgw_meta, creates or
// migrates forward, or refuses a database written by a newer smppgwd — all in one transaction,
// so nodes that start at once migrate exactly once and a failed step leaves nothing behind.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/postgres/connection.hpp"

namespace smppgw::store::postgres {

// One step forward: the statements that bring the schema from `version - 1` to `version`.
struct Migration {
  int version;
  std::span<const std::string_view> statements;
};

// Every step in order, version 1 first; adding version N is adding its entry at the end.
//   1: smppgw_meta (key → value): schema_version, and migrated_to.N with the time of each step
//   2: the store's tables and indexes (listed with their queries in schema.cpp)
std::span<const Migration> migrations();

// The version this binary writes: the last migration's.
int schema_version();

// Key of the advisory lock that serialises schema changes ("smppgw" in ASCII).
inline constexpr std::int64_t kSchemaLockKey = 0x736d70706777;

struct SchemaState {
  int found = 0;    // the version before (0: an empty database)
  int version = 0;  // the version now
};

// Creates or migrates the schema of the database `conn` is connected to (in its search_path).
// Errors: StoreErrc::schema_too_new for a newer version; backend_error with the failing step.
PgResult<SchemaState> ensure_schema(Connection& conn);

}  // namespace smppgw::store::postgres
