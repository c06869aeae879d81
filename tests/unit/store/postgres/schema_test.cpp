// store/postgres/schema.cpp: a fresh database gets the latest version, a second open changes
// nothing, a newer version is refused, and nodes opening at once migrate exactly once.
#include "store/postgres/schema.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

class PostgresSchema : public test::PgTest {};

std::vector<std::vector<std::optional<std::string>>> meta(Connection& conn) {
  auto rows = conn.exec(
      {"SELECT key, value FROM smppgw_meta WHERE key NOT LIKE 'migrated_to.%' ORDER BY key", {}});
  EXPECT_TRUE(rows) << rows.error().message;
  return rows ? rows->rows : decltype(rows->rows){};
}

std::string count_migrations(Connection& conn) {
  auto rows = conn.exec({"SELECT count(*) FROM smppgw_meta WHERE key LIKE 'migrated_to.%'", {}});
  EXPECT_TRUE(rows) << rows.error().message;
  return rows ? rows->rows.at(0).at(0).value() : "";
}

TEST(PostgresSchemaList, TheMigrationsAreConsecutiveFromOne) {
  int expected = 1;
  for (const Migration& m : migrations()) {
    EXPECT_EQ(m.version, expected++);
    EXPECT_FALSE(m.statements.empty());
  }
  EXPECT_EQ(schema_version(), expected - 1);
}

TEST_F(PostgresSchema, AFreshDatabaseGetsTheLatestVersion) {
  auto state = ensure_schema(*conn_);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->found, 0);
  EXPECT_EQ(state->version, schema_version());
  auto rows = meta(*conn_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], std::optional<std::string>("schema_version"));
  EXPECT_EQ(rows[0][1], std::optional<std::string>(std::to_string(schema_version())));
  EXPECT_EQ(count_migrations(*conn_), std::to_string(schema_version()));
  // Every table of the store exists, empty but for the counters.
  for (const char* table :
       {"subscriptions", "company_opt_outs", "campaign_counts", "last_stops", "recent_joins",
        "inbox", "outbox", "pending_counts", "carrier_ids", "audit", "mo_part_sets", "mo_parts"}) {
    auto n = conn_->exec({std::string("SELECT count(*) FROM ") + table, {}});
    ASSERT_TRUE(n) << table << ": " << n.error().message;
    EXPECT_EQ(n->rows.at(0).at(0), std::optional<std::string>("0")) << table;
  }
}

TEST_F(PostgresSchema, AVersionOneDatabaseMigratesForward) {
  // What a binary of version 1 left: only the meta table.
  ASSERT_TRUE(
      conn_->exec({"CREATE TABLE smppgw_meta (key text PRIMARY KEY, value text NOT NULL)", {}}));
  ASSERT_TRUE(
      conn_->exec({"INSERT INTO smppgw_meta VALUES ('schema_version', '1'), "
                   "('migrated_to.1', now()::text)",
                   {}}));
  auto state = ensure_schema(*conn_);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->found, 1);
  EXPECT_EQ(state->version, schema_version());
  EXPECT_EQ(count_migrations(*conn_), std::to_string(schema_version()));
  auto ids = conn_->exec({"SELECT name, value FROM counters ORDER BY name", {}});
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(ids->rows.size(), 5u);
}

TEST_F(PostgresSchema, OpeningTwiceChangesNothing) {
  ASSERT_TRUE(ensure_schema(*conn_));
  auto before = conn_->exec({"SELECT key, value FROM smppgw_meta ORDER BY key", {}});
  ASSERT_TRUE(before);
  auto state = ensure_schema(*conn_);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->found, schema_version());
  EXPECT_EQ(state->version, schema_version());
  auto after = conn_->exec({"SELECT key, value FROM smppgw_meta ORDER BY key", {}});
  ASSERT_TRUE(after);
  EXPECT_EQ(before->rows, after->rows);
}

TEST_F(PostgresSchema, ANewerVersionIsRefusedAndLeftAlone) {
  ASSERT_TRUE(ensure_schema(*conn_));
  ASSERT_TRUE(
      conn_->exec({"UPDATE smppgw_meta SET value = '99' WHERE key = 'schema_version'", {}}));
  auto state = ensure_schema(*conn_);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, StoreErrc::schema_too_new);
  EXPECT_NE(state.error().message.find("schema version 99"), std::string::npos)
      << state.error().message;
  EXPECT_NE(state.error().message.find("upgrade smppgwd"), std::string::npos)
      << state.error().message;
  auto rows = meta(*conn_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], std::optional<std::string>("99"));
  // The refusal rolled its transaction back: the connection is usable.
  EXPECT_TRUE(conn_->exec({"SELECT 1", {}}));
}

TEST_F(PostgresSchema, AMetaTableWithoutAVersionIsRefused) {
  ASSERT_TRUE(
      conn_->exec({"CREATE TABLE smppgw_meta (key text PRIMARY KEY, value text NOT NULL)", {}}));
  auto state = ensure_schema(*conn_);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, StoreErrc::corrupted);
}

TEST_F(PostgresSchema, NodesOpeningAtOnceMigrateOnce) {
  constexpr int kNodes = 8;
  std::vector<Connection> conns;
  for (int i = 0; i < kNodes; ++i) conns.push_back(connect());
  std::vector<PgResult<SchemaState>> states(kNodes, pg_fail(StoreErrc::backend_error, "not run"));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kNodes) std::this_thread::yield();
      states[static_cast<std::size_t>(i)] = ensure_schema(conns[static_cast<std::size_t>(i)]);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (const auto& s : states) {
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->version, schema_version());
    if (s->found == 0) ++created;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(count_migrations(*conn_), std::to_string(schema_version()));
}

}  // namespace
}  // namespace smppgw::store::postgres
