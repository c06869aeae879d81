// The migration list and the one transaction that applies it: lock, read the version, apply
// the missing steps, record the version, commit. The lock is transaction-scoped, so a node
// that dies mid-migration releases it with its rolled-back transaction.
#include "store/postgres/schema.hpp"

#include <array>
#include <string>
#include <vector>

namespace smppgw::store::postgres {
namespace {

constexpr std::array<std::string_view, 1> kVersion1 = {
    "CREATE TABLE smppgw_meta (key text PRIMARY KEY, value text NOT NULL)",
};

constexpr std::array<Migration, 1> kMigrations = {{
    {1, kVersion1},
}};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int schema_version() {
  return kMigrations.back().version;
}

PgResult<SchemaState> ensure_schema(Connection& conn) {
  // Everything up to the read of the version in one round trip; the lock waits for a node that
  // is migrating, and the version read afterwards (a new snapshot under READ COMMITTED) sees
  // its commit.
  const std::array<Statement, 3> start = {{
      {"BEGIN", {}},
      {"SELECT pg_advisory_xact_lock($1)", {std::to_string(kSchemaLockKey)}},
      {"SELECT to_regclass('smppgw_meta') IS NOT NULL", {}},
  }};
  auto started = conn.pipeline(start);
  if (!started) {
    (void)conn.exec({"ROLLBACK", {}});
    return tl::unexpected(std::move(started.error()));
  }
  SchemaState state;
  if ((*started)[2].rows.at(0).at(0) == std::optional<std::string>("t")) {
    auto read = conn.exec({"SELECT value FROM smppgw_meta WHERE key = 'schema_version'", {}});
    if (!read || read->rows.empty() || !read->rows[0][0]) {
      (void)conn.exec({"ROLLBACK", {}});
      if (!read) return tl::unexpected(std::move(read.error()));
      return pg_fail(StoreErrc::corrupted, "smppgw_meta on PostgreSQL at " + conn.server() +
                                               " has no schema_version: the database was not "
                                               "created by smppgwd");
    }
    try {
      state.found = std::stoi(*read->rows[0][0]);
    } catch (const std::exception&) {
      (void)conn.exec({"ROLLBACK", {}});
      return pg_fail(StoreErrc::corrupted, "smppgw_meta on PostgreSQL at " + conn.server() +
                                               " holds schema_version '" + *read->rows[0][0] +
                                               "', not a number");
    }
  }
  if (state.found > schema_version()) {
    (void)conn.exec({"ROLLBACK", {}});
    return pg_fail(StoreErrc::schema_too_new,
                   "the database on PostgreSQL at " + conn.server() + " has schema version " +
                       std::to_string(state.found) + ", newer than this smppgwd's " +
                       std::to_string(schema_version()) + ": upgrade smppgwd");
  }

  std::vector<Statement> steps;
  for (const Migration& m : kMigrations) {
    if (m.version <= state.found) continue;
    for (std::string_view sql : m.statements) steps.push_back({std::string(sql), {}});
    steps.push_back({"INSERT INTO smppgw_meta (key, value) VALUES ($1, now()::text)",
                     {"migrated_to." + std::to_string(m.version)}});
  }
  if (!steps.empty()) {
    steps.push_back(
        {"INSERT INTO smppgw_meta (key, value) VALUES ('schema_version', $1) "
         "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
         {std::to_string(schema_version())}});
  }
  steps.push_back({"COMMIT", {}});
  auto applied = conn.pipeline(steps);
  if (!applied) {
    (void)conn.exec({"ROLLBACK", {}});
    Error e = std::move(applied.error());
    e.message = "migrating the schema from version " + std::to_string(state.found) + " to " +
                std::to_string(schema_version()) + ": " + e.message;
    return tl::unexpected(std::move(e));
  }
  state.version = schema_version();
  return state;
}

}  // namespace smppgw::store::postgres
