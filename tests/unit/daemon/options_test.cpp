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
