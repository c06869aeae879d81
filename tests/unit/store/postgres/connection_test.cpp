// store/postgres/connection.cpp against the throwaway cluster: both URL forms, errors that
// name the server but never the password, and the pipeline's results and failures.
#include "store/postgres/connection.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

class PostgresConnection : public test::PgTest {};

// The socket directory in the URL tools/pg-cluster prints: postgresql://u@/db?host=DIR&port=P
std::string socket_dir(const std::string& url) {
  auto at = url.find("host=");
  auto end = url.find('&', at);
  return url.substr(at + 5, end - at - 5);
}

std::string first_value(const Rows& rows) {
  return rows.rows.at(0).at(0).value();
}

TEST_F(PostgresConnection, ConnectsWithAUri) {
  auto conn = Connection::open(server_);
  ASSERT_TRUE(conn) << conn.error().message;
  auto one = conn->exec({"SELECT 1 + $1::int", {"41"}});
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(first_value(*one), "42");
  EXPECT_NE(conn->server().find("socket " + socket_dir(server_.url)), std::string::npos)
      << conn->server();
}

TEST_F(PostgresConnection, ConnectsWithAKeyValueString) {
  ConnectOptions options{"host=" + socket_dir(server_.url) +
                             " port=5432 user=smppgw dbname=smppgw_test sslmode=disable",
                         server_.password_file};
  auto conn = Connection::open(options);
  ASSERT_TRUE(conn) << conn.error().message;
  auto db = conn->exec({"SELECT current_database()", {}});
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(first_value(*db), "smppgw_test");
  EXPECT_NE(conn->server().find("database smppgw_test"), std::string::npos) << conn->server();
}

TEST_F(PostgresConnection, IsNonBlockingWithASocketForAnEventLoop) {
  EXPECT_TRUE(conn_->nonblocking());
  EXPECT_GE(conn_->socket(), 0);
}

TEST_F(PostgresConnection, AWrongPasswordIsAnErrorThatDoesNotContainIt) {
  const std::string wrong = "wrong-secret-5f1e9c2a77";
  auto file = std::filesystem::temp_directory_path() / ("smppgw-pw-" + std::to_string(::getpid()));
  std::ofstream(file) << wrong << "\n";
  auto conn = Connection::open({server_.url, file.string()});
  std::filesystem::remove(file);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, StoreErrc::open_failed);
  EXPECT_EQ(conn.error().message.find(wrong), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("password authentication failed"), std::string::npos)
      << conn.error().message;
  EXPECT_NE(conn.error().message.find(socket_dir(server_.url)), std::string::npos)
      << conn.error().message;
}

TEST_F(PostgresConnection, APasswordInTheUrlIsNotInTheError) {
  const std::string wrong = "in-url-secret-8d0b";
  auto conn =
      Connection::open({"host=" + socket_dir(server_.url) +
                            " port=5432 user=smppgw password=" + wrong + " dbname=smppgw_test",
                        ""});
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().message.find(wrong), std::string::npos) << conn.error().message;
}

TEST_F(PostgresConnection, AMissingPasswordFileIsNamed) {
  auto conn = Connection::open({server_.url, "/nonexistent/smppgw-password"});
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("/nonexistent/smppgw-password"), std::string::npos)
      << conn.error().message;
}

TEST(PostgresConnectionOffline, AnUnreachableSocketIsNamedInTheError) {
  auto conn =
      Connection::open({"host=/nonexistent/pg-socket-dir port=5439 dbname=smppgw user=smppgw", ""});
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, StoreErrc::open_failed);
  EXPECT_NE(conn.error().message.find("/nonexistent/pg-socket-dir"), std::string::npos)
      << conn.error().message;
  EXPECT_NE(conn.error().message.find("5439"), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("database smppgw"), std::string::npos)
      << conn.error().message;
}

TEST(PostgresConnectionOffline, AMalformedUrlIsAnError) {
  auto conn = Connection::open({"postgresql://[::1", ""});
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("URL"), std::string::npos) << conn.error().message;
}

TEST_F(PostgresConnection, APipelineReturnsEveryResultInOrder) {
  const std::vector<Statement> statements = {
      {"CREATE TABLE t (id int PRIMARY KEY, name text)", {}},
      {"INSERT INTO t VALUES ($1, $2), ($3, $4)", {"1", "one", "2", std::nullopt}},
      {"UPDATE t SET name = $1 WHERE id = $2", {"deux", "2"}},
      {"SELECT id, name FROM t ORDER BY id", {}},
      {"SELECT count(*) FROM t", {}},
  };
  auto results = conn_->pipeline(statements);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 5u);
  EXPECT_EQ((*results)[1].affected, 2u);
  EXPECT_EQ((*results)[2].affected, 1u);
  const Rows& rows = (*results)[3];
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"id", "name"}));
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0][1], std::optional<std::string>("one"));
  EXPECT_EQ(rows.rows[1][1], std::optional<std::string>("deux"));
  EXPECT_EQ(first_value((*results)[4]), "2");
}

TEST_F(PostgresConnection, AFailingStatementIsNamedAndNothingOfThePipelineIsCommitted) {
  ASSERT_TRUE(conn_->exec({"CREATE TABLE t (id int PRIMARY KEY)", {}}));
  const std::vector<Statement> statements = {
      {"INSERT INTO t VALUES (1)", {}},
      {"INSERT INTO t VALUES (2)", {}},
      {"INSERT INTO t VALUES (1)", {}},  // duplicate key
      {"INSERT INTO t VALUES (3)", {}},
  };
  auto results = conn_->pipeline(statements);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().statement, std::optional<std::size_t>(2));
  EXPECT_EQ(results.error().sqlstate, "23505");
  EXPECT_NE(results.error().message.find("statement 3 of 4"), std::string::npos)
      << results.error().message;
  EXPECT_NE(results.error().message.find("duplicate key"), std::string::npos)
      << results.error().message;

  // Read from another connection: only what was committed is visible there.
  Connection other = connect();
  auto count = other.exec({"SELECT count(*) FROM t", {}});
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(first_value(*count), "0");
  // The failed pipeline left the connection usable.
  auto again = conn_->exec({"SELECT 7", {}});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(first_value(*again), "7");
}

TEST_F(PostgresConnection, AnExplicitTransactionInAPipelineIsRolledBackByAFailure) {
  ASSERT_TRUE(conn_->exec({"CREATE TABLE t (id int PRIMARY KEY)", {}}));
  const std::vector<Statement> statements = {
      {"BEGIN", {}}, {"INSERT INTO t VALUES (1)", {}}, {"SELECT 1 / 0", {}}, {"COMMIT", {}}};
  auto results = conn_->pipeline(statements);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().statement, std::optional<std::size_t>(2));
  ASSERT_TRUE(conn_->exec({"ROLLBACK", {}}));
  auto count = conn_->exec({"SELECT count(*) FROM t", {}});
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(first_value(*count), "0");
}

TEST_F(PostgresConnection, ALargePipelineDoesNotDeadlock) {
  ASSERT_TRUE(conn_->exec({"CREATE TABLE t (id int PRIMARY KEY, pad text)", {}}));
  std::vector<Statement> statements;
  const std::string pad(2000, 'x');
  for (int i = 0; i < 2000; ++i) {
    statements.push_back(
        {"INSERT INTO t VALUES ($1, $2) RETURNING id, pad", {std::to_string(i), pad}});
  }
  auto results = conn_->pipeline(statements);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2000u);
  EXPECT_EQ(first_value(results->back()), "1999");
}

}  // namespace
}  // namespace smppgw::store::postgres
