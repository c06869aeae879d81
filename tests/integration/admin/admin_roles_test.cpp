// Named admin users against the real smppgwd (issue 17, "Show"): every route of the route
// table called by each role (allowed, or 403 naming user, role and action), audit rows naming
// the user, a users file others may read refused at start, a malformed one refused with its
// line, and SIGHUP adding a user (an invalid file then keeps the users in force).
#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "daemon/admin/admin_users.hpp"
#include "daemon/admin/routes.hpp"
#include "tests/integration/admin/daemon_process.hpp"
#include "tests/integration/admin/http_client.hpp"

namespace smppgw::admin::testing {
namespace {

using Json = nlohmann::json;
constexpr std::string_view kSubscriber = "+14155552671";

struct TestUser {
  std::string name;
  Role role;
  std::string token;
};

const std::vector<TestUser>& test_users() {
  static const std::vector<TestUser> users{
      {"carol", Role::viewer, "carol-token-0123456789"},
      {"alice", Role::agent, "alice-token-0123456789"},
      {"bob", Role::admin, "bob-token-0123456789"},
  };
  return users;
}

std::string users_text() {
  std::string text = "# support desk\n";
  for (const auto& u : test_users()) text += users_file_line(u.name, u.role, u.token) + "\n";
  return text;
}

DaemonOptions options_with(std::optional<std::string> users, unsigned mode = 0600) {
  DaemonOptions o{
      SMPPGWD_BINARY,    "12MiB",
      "fsync",           "1GiB",
      SMPPGW_SIM_BINARY, {std::string(kSubscriber) + ">12345:Is the clinic open on Saturday?"}};
  o.users = std::move(users);
  o.users_mode = mode;
  return o;
}

// One request per route that changes nothing when allowed (a refusal after the role check:
// 404, 415, 422) or only reads. A route missing here does not compile warning-free (the
// switch covers every RouteId) and fails below.
struct Call {
  std::string method, target, body, type;
};
Call call_for(RouteId id) {
  switch (id) {
    case RouteId::campaigns:
      return {"GET", "/v1/campaigns", "", ""};
    case RouteId::broadcast:
      return {"POST", "/v1/campaigns/spring-promo/broadcast", "{}", "application/json"};
    case RouteId::inbox:
      return {"GET", "/v1/inbox", "", ""};
    case RouteId::inbox_opt_out:
      return {"POST", "/v1/inbox/999999/opt-out", "", ""};
    case RouteId::send_message:
      return {"POST", "/v1/messages", R"({"text":"no recipient"})", "application/json"};
    case RouteId::preview:
      return {"POST", "/v1/messages/preview", R"({"text":"hi"})", "application/json"};
    case RouteId::get_message:
      return {"GET", "/v1/messages/999999", "", ""};
    case RouteId::conversation:
      return {"GET", "/v1/conversations/%2B14155552671", "", ""};
    case RouteId::subscriber:
      return {"GET", "/v1/subscribers/%2B14155552671", "", ""};
    case RouteId::subscriber_evidence:
      return {"GET", "/v1/subscribers/%2B14155552671/evidence", "", ""};
    case RouteId::audit:
      return {"GET", "/v1/audit", "", ""};
    case RouteId::audit_verify:
      return {"GET", "/v1/audit/verify", "", ""};
    case RouteId::opt_outs_upload:
      return {"POST", "/v1/opt-outs", "\x89PNG", "image/png"};
    case RouteId::opt_outs_export:
      return {"GET", "/v1/opt-outs.csv", "", ""};
    case RouteId::openapi:
      return {"GET", "/v1/openapi.json", "", ""};
    case RouteId::me:
      return {"GET", "/v1/me", "", ""};
  }
  return {};
}

class AdminRolesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = std::make_unique<DaemonProcess>(options_with(users_text()));
    started_ = daemon_->start();
  }
  static void TearDownTestSuite() { daemon_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(started_) << daemon_->error();
    client_ = std::make_unique<HttpClient>("127.0.0.1", daemon_->port());
  }
  HttpResponse as(const std::string& token, const Call& c) {
    return client_->request(c.method, c.target, c.body, c.type, token);
  }
  static Json json(const HttpResponse& r) { return Json::parse(r.body, nullptr, false); }

  static std::unique_ptr<DaemonProcess> daemon_;
  static bool started_;
  std::unique_ptr<HttpClient> client_;
};
std::unique_ptr<DaemonProcess> AdminRolesTest::daemon_;
bool AdminRolesTest::started_ = false;

TEST_F(AdminRolesTest, EveryRouteByEveryRoleIsAllowedOrForbidden) {
  std::vector<TestUser> users = test_users();
  users.push_back({"admin", Role::admin, daemon_->token()});  // the token file's user
  int forbidden = 0, allowed = 0;
  for (const auto& route : kRoutes) {
    const Call c = call_for(route.id);
    ASSERT_FALSE(c.method.empty()) << route.path << " has no request in this test";
    for (const auto& u : users) {
      const auto r = as(u.token, c);
      const std::string what = u.name + " " + c.method + " " + c.target;
      if (role_allows(u.role, route.min_role.role)) {
        ++allowed;
        EXPECT_NE(r.status, 403) << what << ": " << r.body;
        EXPECT_NE(r.status, 401) << what << ": " << r.body;
        EXPECT_LT(r.status, 500) << what << ": " << r.body;
      } else {
        ++forbidden;
        ASSERT_EQ(r.status, 403) << what << ": " << r.body;
        EXPECT_EQ(json(r), (Json{{"error", "forbidden"},
                                 {"message", u.name + " (role " + std::string(to_string(u.role)) +
                                                 ") may not " + std::string(route.action)}}))
            << what;
      }
    }
  }
  // viewer: 6 routes above it; agent: 4 (broadcast, upload, export, audit verify).
  EXPECT_EQ(forbidden, 10);
  EXPECT_EQ(allowed, static_cast<int>(kRoutes.size() * 4) - 10);
}

TEST_F(AdminRolesTest, TheForbiddenMessagesReadAsSentences) {
  const auto r = as(test_users()[0].token, call_for(RouteId::opt_outs_upload));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json(r)["message"], "carol (role viewer) may not upload a Manual Opt-Out");
  const auto b = as(test_users()[1].token, call_for(RouteId::broadcast));
  EXPECT_EQ(json(b)["message"], "alice (role agent) may not send a broadcast");
}

TEST_F(AdminRolesTest, MeNamesTheUserTheRoleAndWhatItMayCall) {
  const auto r = as(test_users()[1].token, call_for(RouteId::me));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto me = json(r);
  EXPECT_EQ(me["name"], "alice");
  EXPECT_EQ(me["role"], "agent");
  const auto allowed = me["allowed"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), "POST /v1/messages"), allowed.end());
  EXPECT_EQ(std::find(allowed.begin(), allowed.end(), "POST /v1/opt-outs"), allowed.end());
  const auto admin = json(as(daemon_->token(), call_for(RouteId::me)));
  EXPECT_EQ(admin["name"], "admin");
  EXPECT_EQ(admin["allowed"].size(), kRoutes.size());
  // A token nobody holds, or a user's hash sent as a token: 401.
  EXPECT_EQ(as("nope", call_for(RouteId::me)).status, 401);
  EXPECT_EQ(as(sha256_hex(test_users()[1].token), call_for(RouteId::me)).status, 401);
}

// The audit trail names who changed consent: alice's Opt out profile, bob's Manual Opt-Out.
TEST_F(AdminRolesTest, AuditRowsNameTheUser) {
  const std::string& alice = test_users()[1].token;
  const std::string& bob = test_users()[2].token;
  std::uint64_t id = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (id == 0 && std::chrono::steady_clock::now() < until) {
    const auto inbox = json(as(alice, call_for(RouteId::inbox)));
    if (inbox.contains("messages") && !inbox["messages"].empty()) {
      id = inbox["messages"][0]["id"].get<std::uint64_t>();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_NE(id, 0u) << "the simulated MO never reached the Inbox";
  const auto opt_out = as(alice, {"POST", "/v1/inbox/" + std::to_string(id) + "/opt-out", "", ""});
  ASSERT_EQ(opt_out.status, 200) << opt_out.body;
  const auto upload = as(bob, {"POST", "/v1/opt-outs", "phone\r\n+14155550199\r\n", "text/csv"});
  ASSERT_EQ(upload.status, 200) << upload.body;

  const auto mine =
      json(as(test_users()[0].token, {"GET", "/v1/audit?phone=%2B14155552671", "", ""}));
  ASSERT_FALSE(mine["events"].empty()) << mine.dump();
  bool by_alice = false;
  for (const auto& e : mine["events"]) {
    if (e["ref"] == "admin:alice inbox:" + std::to_string(id)) by_alice = true;
  }
  EXPECT_TRUE(by_alice) << mine.dump();
  const auto listed = json(as(bob, {"GET", "/v1/audit?phone=%2B14155550199", "", ""}));
  ASSERT_FALSE(listed["events"].empty()) << listed.dump();
  EXPECT_EQ(listed["events"][0]["ref"].get<std::string>().rfind("admin:bob optout:", 0), 0u)
      << listed.dump();
  // The trail those changes made is one unbroken hash chain, its newest link in the listing.
  const auto chain = json(as(bob, {"GET", "/v1/audit/verify", "", ""}));
  EXPECT_EQ(chain["ok"], true) << chain.dump();
  EXPECT_TRUE(chain["first_broken"].is_null()) << chain.dump();
  EXPECT_GE(chain["events"].get<int>(), 2) << chain.dump();
  EXPECT_EQ(chain["head"].get<std::string>().size(), 64u) << chain.dump();
  EXPECT_EQ(listed["events"][0]["prev_hash"].get<std::string>().size(), 64u) << listed.dump();
}

// An outbox record names who posted it; the gateway's own messages name no one.
TEST_F(AdminRolesTest, OutboxRecordsNameTheUserWhoPostedThem) {
  const std::string& alice = test_users()[1].token;
  const auto sent = as(alice, {"POST", "/v1/messages",
                               R"({"to":"+14155550142","campaign":"spring-promo","text":"Hi"})",
                               "application/json"});
  ASSERT_EQ(sent.status, 202) << sent.body;
  const auto id = json(sent)["id"].get<std::uint64_t>();
  const auto record =
      json(as(test_users()[0].token, {"GET", "/v1/messages/" + std::to_string(id), "", ""}));
  EXPECT_EQ(record["sent_by"], "alice") << record.dump();
  EXPECT_EQ(record["kind"], "chat") << record.dump();
}

TEST(AdminRolesStart, AUsersFileOthersMayReadIsRefused) {
  DaemonProcess daemon(options_with(users_text(), 0644));
  ASSERT_FALSE(daemon.start());
  EXPECT_NE(daemon.error().find(daemon.users_file().string() +
                                " (admin.users_file) has mode 0644, which lets its group write "
                                "it or others read or write it; chmod it to 0600"),
            std::string::npos)
      << daemon.error();
}

TEST(AdminRolesStart, AMalformedUsersFileIsRefusedWithItsLine) {
  DaemonProcess daemon(options_with(users_text() + "dave agent not-a-hash\n"));
  ASSERT_FALSE(daemon.start());
  EXPECT_NE(
      daemon.error().find(daemon.users_file().string() + ":5: the third word must be the SHA-256"),
      std::string::npos)
      << daemon.error();
}

// Polls until `done` or 20 s; the caller asserts on the result.
template <class F>
bool eventually(F done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

TEST(AdminRolesReload, SighupAddsAUserAndAnInvalidFileKeepsTheUsers) {
  DaemonProcess daemon(options_with(users_text()));
  ASSERT_TRUE(daemon.start()) << daemon.error();
  HttpClient client("127.0.0.1", daemon.port());
  auto me = [&](const std::string& token) {
    return client.request("GET", "/v1/me", {}, {}, token);
  };

  // smppgwd --new-admin-token appends dave's line and prints his token (stdout: that alone).
  const std::string command = std::string(SMPPGWD_BINARY) +
                              " --new-admin-token dave --role agent --users-file " +
                              daemon.users_file().string() + " 2>/dev/null";
  FILE* out = ::popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  char buf[256] = {};
  std::string printed;
  while (std::fgets(buf, sizeof buf, out)) printed += buf;
  ASSERT_EQ(::pclose(out), 0) << printed;
  ASSERT_EQ(printed.size(), 65u) << printed;  // 64 hex digits and a newline
  const std::string dave = printed.substr(0, 64);
  EXPECT_EQ(me(dave).status, 401);  // not before the reload
  ASSERT_EQ(::kill(daemon.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return me(dave).status == 200; })) << daemon.log();
  const auto j = Json::parse(me(dave).body);
  EXPECT_EQ(j["name"], "dave");
  EXPECT_EQ(j["role"], "agent");

  // Broken now: refused on reload, with the line; dave and the others still sign in.
  std::ofstream(daemon.users_file(), std::ios::app) << "erin agent\n";
  ASSERT_EQ(::kill(daemon.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] {
    return daemon.log().find("reload: admin users unchanged: " + daemon.users_file().string() +
                             ":6: expected \"NAME ROLE SHA256\"") != std::string::npos;
  })) << daemon.log();
  EXPECT_EQ(me(dave).status, 200);
  EXPECT_EQ(me(test_users()[0].token).status, 200);
  EXPECT_EQ(me(daemon.token()).status, 200);
  // Tokens never reach the log; only their owners' names do.
  EXPECT_EQ(daemon.log().find(dave), std::string::npos);
  EXPECT_EQ(daemon.log().find(daemon.token()), std::string::npos);
}

}  // namespace
}  // namespace smppgw::admin::testing
