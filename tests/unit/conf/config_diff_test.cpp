#include "conf/config_diff.hpp"

#include <gtest/gtest.h>

#include "conf/load_config.hpp"

namespace smppgw::conf {
namespace {

Config load(const std::string& links, const std::string& extra = "") {
  auto c = parse_config("company: Acme\nsmpp:\n  links:\n" + links + extra, "t.yaml");
  EXPECT_TRUE(c) << c.error();
  return c.value_or(Config{});
}

constexpr const char* kA =
    "    - { name: a, host: h, system_id: s, password: p, short_codes: [\"111\"] }\n";
constexpr const char* kB =
    "    - { name: b, host: h, system_id: s, password: p, short_codes: [\"222\"] }\n";
constexpr const char* kC =
    "    - { name: c, host: h, system_id: s, password: p, short_codes: [\"333\"] }\n";

TEST(ConfigDiff, SortsLinksIntoKeptChangedAddedRemoved) {
  const Config before = load(std::string(kA) + kB + kC);
  std::string b2 = kB;
  b2.replace(b2.find("password: p"), 11, "password: q");  // a new password rebinds
  const Config after =
      load(std::string(kA) + b2 +
           "    - { name: d, host: h, system_id: s, password: p, short_codes: [\"444\"] }\n");
  const LinkChanges d = diff_links(before, after);
  EXPECT_EQ(d.unchanged, std::vector<std::string>{"a"});
  EXPECT_EQ(d.changed, std::vector<std::string>{"b"});
  EXPECT_EQ(d.added, std::vector<std::string>{"d"});
  EXPECT_EQ(d.removed, std::vector<std::string>{"c"});
  EXPECT_FALSE(d.listener_changed);
  EXPECT_TRUE(d.restart_required.empty());
}

TEST(ConfigDiff, CampaignEditsKeepEveryBind) {
  const Config before =
      load(kA, "campaigns:\n  - { id: x, short_code: \"111\", keywords: [JOIN] }\n");
  const Config after =
      load(kA, "campaigns:\n  - { id: x, short_code: \"111\", keywords: [JOIN, GO] }\n");
  const LinkChanges d = diff_links(before, after);
  EXPECT_EQ(d.unchanged, std::vector<std::string>{"a"});
  EXPECT_TRUE(d.changed.empty() && d.added.empty() && d.removed.empty());
}

TEST(ConfigDiff, MaxTpsAloneKeepsTheBind) {
  std::string a5 = kA;
  a5.replace(a5.find(" }"), 2, ", max_tps: 5 }");
  std::string b5 = kB;
  b5.replace(b5.find(" }"), 2, ", max_tps: 5 }");
  const Config before = load(a5 + b5);
  std::string a20 = kA;
  a20.replace(a20.find(" }"), 2, ", max_tps: 20 }");
  std::string b20 = kB;  // max_tps and the window: a rebind
  b20.replace(b20.find(" }"), 2, ", max_tps: 20, window: 8 }");
  const Config after = load(a20 + b20);
  const LinkChanges d = diff_links(before, after);
  EXPECT_EQ(d.retuned, std::vector<std::string>{"a"});
  EXPECT_EQ(d.changed, std::vector<std::string>{"b"});
  EXPECT_TRUE(d.unchanged.empty() && d.added.empty() && d.removed.empty());
}

TEST(ConfigDiff, ListenerAndRestartOnlySettings) {
  const Config before = load(kA);
  const Config after =
      load(kA,
           "  listen:\n    address: 0.0.0.0:2776\n    accounts:\n      - { system_id: b, "
           "password: p, allow: [10.0.0.0/8], short_codes: [\"111\"] }\n"
           "state_dir: /tmp/x\nadmin: { listen: 127.0.0.1:9090 }\n");
  const LinkChanges d = diff_links(before, after);
  EXPECT_TRUE(d.listener_changed);
  EXPECT_EQ(d.restart_required, (std::vector<std::string>{"state_dir", "admin"}));
}

// The users file is re-read on every reload: naming another one needs no restart.
TEST(ConfigDiff, AdminUsersFileIsNoRestartSetting) {
  const Config before = load(kA);
  Config after = before;
  after.admin.users_file = "/etc/smppgw/admin.users";
  EXPECT_TRUE(diff_links(before, after).restart_required.empty());
  after.admin.token_file.clear();
  EXPECT_EQ(diff_links(before, after).restart_required, std::vector<std::string>{"admin"});
}

}  // namespace
}  // namespace smppgw::conf
