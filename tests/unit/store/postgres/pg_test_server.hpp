// The PostgreSQL server the tests run against: tools/dev test starts a throwaway cluster
// (tools/pg-cluster) and passes its URL and password file in SMPPGW_TEST_PG_URL and
// SMPPGW_TEST_PG_PASSWORD_FILE; without them (ctest by hand) the tests skip, saying why.
#pragma once

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "store/postgres/connection.hpp"

namespace smppgw::store::postgres::test {

std::optional<ConnectOptions> test_server();

// A connection whose search_path is a schema of its own, so that tests running at once do
// not see each other's tables; the schema is dropped with the fixture.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Another connection to the same schema.
  Connection connect();

  ConnectOptions server_;
  std::string schema_;
  std::optional<Connection> conn_;
};

}  // namespace smppgw::store::postgres::test
