// store/postgres/pool.cpp: which failures lose a connection, the quoted schema and READ
// COMMITTED of every connection, a caller waiting for a lent connection, and a dropped connection
// reopened by the next caller — unavailable, with its cause, for as long as the reopen fails.
#include "store/postgres/pool.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

class PostgresPool : public test::PgTest {
 protected:
  std::unique_ptr<Pool> open(unsigned connections, const ConnectOptions& connect) {
    auto pool = Pool::open(StoreOptions{connect, schema_, connections});
    EXPECT_TRUE(pool) << pool.error().message;
    return pool ? std::move(*pool) : nullptr;
  }
  static PgResult<std::string> one_value(Pool& pool, const std::string& sql) {
    const std::array<Statement, 1> statements = {{{sql, {}}}};
    auto r = pool.run(statements);
    if (!r) return tl::unexpected(std::move(r.error()));
    return r->at(0).rows.at(0).at(0).value();
  }
  void terminate(const std::string& pid) {
    auto r = conn_->exec({"SELECT pg_terminate_backend($1, 30000)", {pid}});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->rows.at(0).at(0), std::optional<std::string>("t"));
  }
};

Error with(StoreErrc code, std::string sqlstate) {
  return Error{make_error_code(code), "m", std::move(sqlstate), std::nullopt};
}

TEST(PostgresPoolRules, OnlyConnectionFailuresLoseTheConnection) {
  EXPECT_TRUE(connection_lost(with(StoreErrc::io_error, "")));
  EXPECT_TRUE(connection_lost(with(StoreErrc::backend_error, "")));  // libpq's own result
  EXPECT_TRUE(connection_lost(with(StoreErrc::backend_error, "08006")));
  EXPECT_TRUE(connection_lost(with(StoreErrc::backend_error, "57P01")));  // terminated
  EXPECT_TRUE(connection_lost(with(StoreErrc::backend_error, "57P03")));
  EXPECT_FALSE(connection_lost(with(StoreErrc::backend_error, "42P01")));  // no such table
  EXPECT_FALSE(connection_lost(with(StoreErrc::backend_error, "57014")));  // cancelled
  EXPECT_FALSE(connection_lost(with(StoreErrc::backend_error, "23505")));
}

TEST(PostgresPoolRules, SchemaNamesAreQuotedIdentifiers) {
  EXPECT_EQ(quote_identifier("plain"), "\"plain\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_identifier(""), "\"\"");
}

TEST_F(PostgresPool, NeedsAtLeastOneConnection) {
  auto none = Pool::open(StoreOptions{server_, schema_, 0});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, StoreErrc::invalid_argument);
}

TEST_F(PostgresPool, EveryConnectionUsesTheQuotedSchema) {
  const std::string odd = schema_ + " Odd \"Name\"";
  ASSERT_TRUE(conn_->exec({"CREATE SCHEMA " + quote_identifier(odd), {}}));
  {
    auto pool = Pool::open(StoreOptions{server_, odd, 3});
    ASSERT_TRUE(pool) << pool.error().message;
    EXPECT_EQ((*pool)->size(), 3u);
    // Three callers at once hold the three connections.
    std::vector<Pool::Lease> leases;
    for (int i = 0; i < 3; ++i) {
      auto lease = (*pool)->lease();
      ASSERT_TRUE(lease) << lease.error().message;
      auto schema = lease->connection().exec({"SELECT current_schema()", {}});
      ASSERT_TRUE(schema) << schema.error().message;
      EXPECT_EQ(schema->rows.at(0).at(0), std::optional<std::string>(odd));
      leases.push_back(std::move(*lease));
    }
  }
  ASSERT_TRUE(conn_->exec({"DROP SCHEMA " + quote_identifier(odd), {}}));
}

TEST_F(PostgresPool, ReadsRunInReadCommittedWhateverTheServersDefault) {
  // A server (here: this connection's options) that defaults to serializable.
  ASSERT_NE(server_.url.find('?'), std::string::npos) << server_.url;
  const ConnectOptions serializable{
      server_.url + "&options=-c%20default_transaction_isolation%3Dserializable",
      server_.password_file};
  auto plain = Connection::open(serializable);
  ASSERT_TRUE(plain) << plain.error().message;
  auto shown = plain->exec({"SHOW transaction_isolation", {}});
  ASSERT_TRUE(shown) << shown.error().message;
  ASSERT_EQ(shown->rows.at(0).at(0), std::optional<std::string>("serializable"));
  auto pool = open(1, serializable);
  ASSERT_TRUE(pool);
  EXPECT_EQ(one_value(*pool, "SHOW transaction_isolation").value(), "read committed");
}

TEST_F(PostgresPool, ACallerWaitsForALentConnection) {
  auto pool = open(1, server_);
  ASSERT_TRUE(pool);
  auto held = pool->lease();
  ASSERT_TRUE(held);
  const int socket = held->connection().socket();
  std::atomic<bool> leased{false};
  int second_socket = -1;
  std::thread waiter([&] {
    auto lease = pool->lease();
    leased = true;
    if (lease) second_socket = lease->connection().socket();
  });
  // Time for the waiter to reach lease(): it must not get the connection while it is held.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(leased.load());
  { auto returned = std::move(*held); }
  waiter.join();
  EXPECT_TRUE(leased.load());
  EXPECT_EQ(second_socket, socket);
}

TEST_F(PostgresPool, AServerErrorKeepsTheConnection) {
  auto pool = open(1, server_);
  ASSERT_TRUE(pool);
  const auto pid = one_value(*pool, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid);
  auto bad = one_value(*pool, "SELECT * FROM no_such_table");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, StoreErrc::backend_error);
  EXPECT_EQ(bad.error().sqlstate, "42P01");
  EXPECT_NE(pool->last_failure().find("no_such_table"), std::string::npos) << pool->last_failure();
  EXPECT_EQ(one_value(*pool, "SELECT pg_backend_pid()").value(), *pid);
}

TEST_F(PostgresPool, AFailedReopenIsUnavailableWithItsCauseUntilItSucceeds) {
  // A password file of the pool's own: without it the pool cannot reconnect.
  const auto file = std::filesystem::temp_directory_path() /
                    ("smppgw-pool-pw-" + std::to_string(::getpid()) + "-" + schema_);
  std::filesystem::copy_file(server_.password_file, file,
                             std::filesystem::copy_options::overwrite_existing);
  auto pool = open(1, ConnectOptions{server_.url, file.string()});
  ASSERT_TRUE(pool);
  const auto pid = one_value(*pool, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid);
  terminate(*pid);
  const std::string away = file.string() + ".away";
  std::filesystem::rename(file, away);

  auto lost = one_value(*pool, "SELECT 1");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, StoreErrc::unavailable);
  for (int attempt = 0; attempt < 2; ++attempt) {  // every use tries to reopen
    auto reopen = one_value(*pool, "SELECT 1");
    ASSERT_FALSE(reopen);
    EXPECT_EQ(reopen.error().code, StoreErrc::unavailable);
    EXPECT_NE(reopen.error().message.find(file.string()), std::string::npos)
        << reopen.error().message;
    EXPECT_EQ(pool->last_failure(), reopen.error().message);
  }
  std::filesystem::rename(away, file);
  auto back = one_value(*pool, "SELECT current_schema()");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, schema_);  // search_path set again on the new connection
  EXPECT_NE(one_value(*pool, "SELECT pg_backend_pid()").value(), *pid);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace smppgw::store::postgres
