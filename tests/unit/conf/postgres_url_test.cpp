// conf/postgres_url.cpp: the URL forms libpq accepts pass; a password anywhere in the URL, an
// unknown parameter, another scheme or a broken key=value string is refused with the reason.
#include "conf/postgres_url.hpp"

#include <gtest/gtest.h>

namespace smppgw::conf {
namespace {

TEST(PostgresUrl, LibpqFormsPass) {
  for (const char* url : {
           "postgresql://smppgw@/smppgw?host=/run/postgresql",
           "postgresql:///smppgw",
           "postgres://smppgw@db1:5432/smppgw?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem",
           "postgresql://db1,db2:5433/smppgw?target_session_attrs=read-write",
           "postgresql://[2001:db8::1]:5432/smppgw",
           "host=/run/postgresql dbname=smppgw user=smppgw",
           "host = db1 port=5432 application_name='smppgw node a' sslmode=require",
       }) {
    EXPECT_EQ(postgres_url_problem(url), std::nullopt) << url;
  }
}

TEST(PostgresUrl, APasswordIsRefusedWithoutRepeatingIt) {
  for (const char* url : {"postgresql://smppgw:hunter2@db1/smppgw",
                          "postgresql://db1/smppgw?sslmode=require&password=hunter2",
                          "host=db1 password=hunter2 dbname=smppgw"}) {
    auto p = postgres_url_problem(url);
    ASSERT_TRUE(p) << url;
    EXPECT_NE(p->find("password_file"), std::string::npos) << *p;
    EXPECT_EQ(p->find("hunter2"), std::string::npos) << *p;
  }
}

TEST(PostgresUrl, OtherShapesAreRefusedWithTheReason) {
  EXPECT_EQ(postgres_url_problem("mysql://db1/smppgw"),
            "the scheme must be postgresql:// (or postgres://)");
  EXPECT_EQ(postgres_url_problem("postgresql://db1/smppgw?sslmod=require"),
            "unknown connection parameter \"sslmod\"");
  EXPECT_EQ(postgres_url_problem("postgresql://db1/smppgw?sslmode"),
            "the query parameter \"sslmode\" needs the form name=value");
  EXPECT_EQ(postgres_url_problem("db1:5432"),
            "expected a postgresql:// URL or libpq's key=value pairs (e.g. "
            "\"host=/run/postgresql dbname=smppgw user=smppgw\")");
  EXPECT_EQ(postgres_url_problem("host=db1 application_name='open"),
            "the value of application_name has no closing quote");
  EXPECT_EQ(postgres_url_problem("   "), "is empty");
}

TEST(PostgresUrl, SchemaNames) {
  EXPECT_TRUE(valid_sql_name("smppgw"));
  EXPECT_TRUE(valid_sql_name("_node_2"));
  EXPECT_FALSE(valid_sql_name(""));
  EXPECT_FALSE(valid_sql_name("2nodes"));
  EXPECT_FALSE(valid_sql_name("a-b"));
  EXPECT_FALSE(valid_sql_name("x; DROP TABLE inbox"));
  EXPECT_FALSE(valid_sql_name(std::string(64, 'a')));
}

}  // namespace
}  // namespace smppgw::conf
