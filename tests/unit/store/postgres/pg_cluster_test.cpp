// tools/pg-cluster: the cluster the tests run on has the durable settings the crash tests
// rely on, listens on no TCP address, and keeps its password in a file only its owner reads.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

class PostgresCluster : public test::PgTest {};

std::string show(Connection& conn, const std::string& setting) {
  auto rows = conn.exec({"SHOW " + setting, {}});
  EXPECT_TRUE(rows) << rows.error().message;
  return rows ? rows->rows.at(0).at(0).value_or("") : "";
}

TEST_F(PostgresCluster, TheTestClusterIsDurable) {
  EXPECT_EQ(show(*conn_, "fsync"), "on");
  EXPECT_EQ(show(*conn_, "synchronous_commit"), "on");
  EXPECT_EQ(show(*conn_, "full_page_writes"), "on");
}

TEST_F(PostgresCluster, TheTestClusterListensOnlyOnItsSocket) {
  EXPECT_EQ(show(*conn_, "listen_addresses"), "");
  EXPECT_EQ(show(*conn_, "password_encryption"), "scram-sha-256");
}

TEST_F(PostgresCluster, TheTestPasswordFileIsReadableByItsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat(server_.password_file.c_str(), &st), 0) << server_.password_file;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace smppgw::store::postgres
