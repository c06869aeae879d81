#include "daemon/options.hpp"

#include <gtest/gtest.h>

using smppgw::daemon::parse_options;

TEST(Options, Defaults) {
  auto options = parse_options({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->config_path, "/etc/smppgw/smppgw.yaml");
  EXPECT_FALSE(options->check_config);
  EXPECT_FALSE(options->version);
  EXPECT_FALSE(options->help);
}

TEST(Options, ConfigBothSpellings) {
  auto a = parse_options({"--config", "/tmp/a.yaml", "--check-config"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->config_path, "/tmp/a.yaml");
  EXPECT_TRUE(a->check_config);
  auto b = parse_options({"--config=/tmp/b.yaml"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->config_path, "/tmp/b.yaml");
}

TEST(Options, VersionAndHelp) {
  EXPECT_TRUE(parse_options({"--version"})->version);
  EXPECT_TRUE(parse_options({"--help"})->help);
}

TEST(Options, Errors) {
  auto missing = parse_options({"--config"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("needs a file name"), std::string::npos);
  auto unknown = parse_options({"--frobnicate"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("--frobnicate"), std::string::npos);
  EXPECT_FALSE(parse_options({"--config="}));
}

TEST(Options, MigrateStoreTakesTwoConfigurations) {
  auto a = parse_options({"--migrate-store", "/etc/a.yaml", "/etc/b.yaml"});
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->migrate_store);
  EXPECT_EQ(a->migrate_store->first, "/etc/a.yaml");
  EXPECT_EQ(a->migrate_store->second, "/etc/b.yaml");
  EXPECT_FALSE(parse_options({})->migrate_store);
  auto one = parse_options({"--migrate-store", "/etc/a.yaml"});
  ASSERT_FALSE(one);
  EXPECT_NE(one.error().find("two configuration files"), std::string::npos);
  EXPECT_FALSE(parse_options({"--migrate-store", "", "/etc/b.yaml"}));
}

TEST(Options, NewAdminToken) {
  auto o = parse_options({"--new-admin-token", "alice", "--role", "agent"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->new_token_user, "alice");
  EXPECT_EQ(o->new_token_role, "agent");
  EXPECT_TRUE(o->users_file.empty());
  auto f = parse_options({"--users-file", "/etc/smppgw/admin.users", "--new-admin-token", "bob"});
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->new_token_role, "viewer");  // the least a user can do
  EXPECT_EQ(f->users_file, "/etc/smppgw/admin.users");

  auto no_name = parse_options({"--new-admin-token"});
  ASSERT_FALSE(no_name);
  EXPECT_NE(no_name.error().find("needs the user's name"), std::string::npos);
  EXPECT_FALSE(parse_options({"--new-admin-token", "--role", "agent"}));
  auto bad_role = parse_options({"--new-admin-token", "a", "--role", "root"});
  ASSERT_FALSE(bad_role);
  EXPECT_NE(bad_role.error().find("viewer, agent or admin"), std::string::npos);
  auto alone = parse_options({"--role", "viewer"});
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().find("goes with --new-admin-token"), std::string::npos);
}
