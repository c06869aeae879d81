// The environment of tools/dev test read once per test, and the per-test schema.
#include "tests/unit/store/postgres/pg_test_server.hpp"

#include <cstdlib>
#include <random>

namespace smppgw::store::postgres::test {

std::optional<ConnectOptions> test_server() {
  const char* url = std::getenv("SMPPGW_TEST_PG_URL");
  const char* password = std::getenv("SMPPGW_TEST_PG_PASSWORD_FILE");
  if (url == nullptr || *url == '\0' || password == nullptr || *password == '\0')
    return std::nullopt;
  return ConnectOptions{url, password};
}

void PgTest::SetUp() {
  auto server = test_server();
  if (!server) {
    GTEST_SKIP() << "no PostgreSQL: SMPPGW_TEST_PG_URL and SMPPGW_TEST_PG_PASSWORD_FILE are not "
                    "set (tools/dev test sets them; see tools/pg-cluster)";
  }
  server_ = *server;
  std::random_device random;
  schema_ = "t_" + std::to_string(random()) + "_" + std::to_string(random());
  conn_ = connect();
}

void PgTest::TearDown() {
  if (conn_) {
    auto dropped = conn_->exec({"DROP SCHEMA " + schema_ + " CASCADE", {}});
    EXPECT_TRUE(dropped) << dropped.error().message;
  }
}

Connection PgTest::connect() {
  auto conn = Connection::open(server_);
  if (!conn) throw std::runtime_error(conn.error().message);
  auto used = conn->exec({"CREATE SCHEMA IF NOT EXISTS " + schema_, {}});
  if (used) used = conn->exec({"SET search_path TO " + schema_, {}});
  if (!used) throw std::runtime_error(used.error().message);
  return std::move(*conn);
}

}  // namespace smppgw::store::postgres::test
