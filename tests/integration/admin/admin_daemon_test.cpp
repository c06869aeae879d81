// The admin API of the real smppgwd over real HTTP (issue 6, "Show"): the daemon runs from
// its binary with a configuration in a temporary directory, its own LMDB store and a free
// admin port; the test talks to it only through that port.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "tests/integration/admin/daemon_process.hpp"
#include "tests/integration/admin/http_client.hpp"

namespace smppgw::admin::testing {
namespace {

using Json = nlohmann::json;
constexpr std::size_t kMaxUpload = 12 * 1024 * 1024;  // matches DaemonOptions::max_upload
const std::string kBoundary = "----smppgwDaemonTestBoundary";
const std::string kMultipart = "multipart/form-data; boundary=" + kBoundary;

std::string part(const std::string& name, const std::string& filename, const std::string& type,
                 const std::string& data) {
  std::string p = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
  if (!filename.empty()) p += "; filename=\"" + filename + "\"";
  p += "\r\n";
  if (!type.empty()) p += "Content-Type: " + type + "\r\n";
  return p + "\r\n" + data + "\r\n";
}
std::string form_end() {
  return "--" + kBoundary + "--\r\n";
}

class AdminDaemonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DaemonOptions options{
        SMPPGWD_BINARY,
        "12MiB",
        "fsync",
        "1GiB",
        SMPPGW_SIM_BINARY,
        {"+14155552671>12345:Is the clinic open on Saturday?", "+14155552672>12345:FALL"}};
    daemon_ = std::make_unique<DaemonProcess>(options);
    started_ = daemon_->start();
  }
  static void TearDownTestSuite() { daemon_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(started_) << daemon_->error();
    client_ = std::make_unique<HttpClient>("127.0.0.1", daemon_->port());
  }

  HttpResponse get(const std::string& target) {
    return client_->request("GET", target, {}, {}, daemon_->token());
  }
  HttpResponse post(const std::string& target, std::string_view body, std::string_view type) {
    return client_->request("POST", target, body, type, daemon_->token());
  }
  HttpResponse post_json(const std::string& target, const Json& body) {
    return post(target, body.dump(), "application/json");
  }
  static Json json(const HttpResponse& r) { return Json::parse(r.body, nullptr, false); }

  // The subscriber's state in one campaign as the API shows it ("" when none).
  std::string state_of(const std::string& phone, const std::string& campaign) {
    auto j = json(get("/v1/subscribers/" + phone));
    for (const auto& s : j["subscriptions"]) {
      if (s["campaign"] == campaign) return s["state"];
    }
    return j["opted_out_all"] == true ? "opted_out" : "";
  }

  static std::unique_ptr<DaemonProcess> daemon_;
  static bool started_;
  std::unique_ptr<HttpClient> client_;
};

std::unique_ptr<DaemonProcess> AdminDaemonTest::daemon_;
bool AdminDaemonTest::started_ = false;

TEST_F(AdminDaemonTest, TokenFileIsCreatedWithMode0600) {
  auto perms = std::filesystem::status(daemon_->dir() / "admin.token").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(daemon_->token().size(), 64u);
}

TEST_F(AdminDaemonTest, HealthzMetricsAndPageNeedNoToken) {
  auto h = client_->request("GET", "/healthz");
  ASSERT_TRUE(h.status == 200 || h.status == 503) << h.status;
  auto hj = json(h);
  EXPECT_EQ(hj["links"][0]["name"], "carrier-a");
  EXPECT_TRUE(hj["status"] == "ok" || hj["status"] == "degraded") << h.body;
  auto m = client_->request("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("# TYPE smppgw_store_commit_seconds histogram"), std::string::npos);
  // The outbox backlog of each short code of the configuration: the keyword MO injected at
  // start queued a welcome reply, which drains once the link has submitted it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (m.body.find("smppgw_outbox_queued{short_code=\"12345\"} 0") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = client_->request("GET", "/metrics");
  }
  EXPECT_NE(m.body.find("smppgw_outbox_queued{short_code=\"12345\"} 0"), std::string::npos)
      << m.body;
  auto page = client_->request("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Manual Opt-Out"), std::string::npos);
}

TEST_F(AdminDaemonTest, WrongTokenIs401) {
  auto r = client_->request("GET", "/v1/campaigns", {}, {}, "0000");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(client_->request("GET", "/v1/inbox").status, 401);
  EXPECT_EQ(json(r)["error"], "unauthorized");
}

TEST_F(AdminDaemonTest, CampaignsInboxAuditShapes) {
  auto c = json(get("/v1/campaigns"));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]["id"], "spring-promo");
  for (const char* k : {"id", "name", "short_code", "keywords", "subscribed", "opted_out"}) {
    EXPECT_TRUE(c[0].contains(k)) << k;
  }
  auto inbox = get("/v1/inbox?limit=10");
  ASSERT_EQ(inbox.status, 200);
  EXPECT_TRUE(json(inbox)["messages"].is_array());
  EXPECT_TRUE(json(inbox).contains("next_before"));
  EXPECT_EQ(post("/v1/inbox/987654/opt-out", "", "").status, 404);
  auto audit = get("/v1/audit");
  ASSERT_EQ(audit.status, 200);
  EXPECT_TRUE(json(audit)["events"].is_array());
}

TEST_F(AdminDaemonTest, InboxRowsFromTheCarrierAndOptOutProfile) {
  // The simulated carrier delivers two MO texts once the link binds.
  Json inbox;
  for (int i = 0; i < 100; ++i) {
    inbox = json(get("/v1/inbox"));
    if (inbox["messages"].size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(inbox["messages"].size(), 2u) << inbox.dump();
  const Json& keyword = inbox["messages"][0];  // newest first
  EXPECT_EQ(keyword["from"], "+14155552672");
  EXPECT_EQ(keyword["kind"], "keyword");
  EXPECT_EQ(keyword["campaign"], "fall-promo");
  const Json& text = inbox["messages"][1];
  EXPECT_EQ(text["text"], "Is the clinic open on Saturday?");
  EXPECT_EQ(text["kind"], "message");
  EXPECT_EQ(text["campaign"], "spring-promo");
  auto filtered = json(get("/v1/inbox?phone=%2B14155552672&campaign=fall-promo"));
  EXPECT_EQ(filtered["messages"].size(), 1u);
  // "Opt out profile" on the keyword row: out of the row's campaign.
  auto r =
      post("/v1/inbox/" + std::to_string(keyword["id"].get<std::uint64_t>()) + "/opt-out", "", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["changed"], true);
  EXPECT_EQ(state_of("+14155552672", "fall-promo"), "opted_out");
  auto audit = json(get("/v1/audit?phone=%2B14155552672"));
  EXPECT_EQ(audit["events"][0]["source"], "admin");
  // And a reply to them is now refused.
  EXPECT_EQ(
      post_json("/v1/messages", {{"to", "+14155552672"}, {"campaign", "fall-promo"}, {"text", "x"}})
          .status,
      409);
}

TEST_F(AdminDaemonTest, CsvWithPhoneHeaderAndBom) {
  auto r = post("/v1/opt-outs?campaign=fall-promo",
                "\xEF\xBB\xBF"
                "Phone,Name\r\n(415) 555-1001,A\r\n+14155551002,B\r\n",
                "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["scope"], "fall-promo");
  EXPECT_EQ(j["rows"], 2);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(state_of("+14155551001", "fall-promo"), "opted_out");
}

TEST_F(AdminDaemonTest, CsvWithoutPhoneColumnIs422NothingChanged) {
  auto r = post("/v1/opt-outs", "mobile\n4155551101\n", "text/csv");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(json(r)["message"].get<std::string>().find("phone"), std::string::npos);
  EXPECT_EQ(state_of("+14155551101", "spring-promo"), "");
}

TEST_F(AdminDaemonTest, PngAsListCsvIsRefusedNothingChanged) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  png += "\nphone\n4155551201\n";
  auto r = post("/v1/opt-outs", part("file", "list.csv", "text/csv", png) + form_end(), kMultipart);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(state_of("+14155551201", "spring-promo"), "");
}

TEST_F(AdminDaemonTest, XlsxIsRefused) {
  std::string zip("PK\x03\x04\x14\0\x06\0\x08\0", 10);
  auto r = post("/v1/opt-outs",
                part("file", "numbers.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip) +
                    form_end(),
                kMultipart);
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_NE(json(r)["message"].get<std::string>().find("CSV"), std::string::npos);
}

TEST_F(AdminDaemonTest, PastedNumbersWithBlanksAndJunk) {
  auto r = post(
      "/v1/opt-outs",
      part("file", "", "application/octet-stream", "") +
          part("phones", "", "", "phone\n\n4155551301\n  \nhello\n(415) 555-1301\n4155551302\n") +
          form_end(),
      kMultipart);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["scope"], "all");
  EXPECT_EQ(j["rows"], 4);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["invalid"], 1);
  EXPECT_EQ(j["errors"][0]["value"], "hello");
  EXPECT_EQ(j["errors"][0]["row"], 5);
}

TEST_F(AdminDaemonTest, TenMegabytesOfGarbageIsRefused) {
  std::string garbage(10 * 1024 * 1024, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& c : garbage) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  auto r = post("/v1/opt-outs", garbage, "text/csv");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(client_->request("GET", "/healthz").status == 0, false);
}

TEST_F(AdminDaemonTest, OverMaxUploadIs413) {
  std::string big = "phone\n";
  while (big.size() <= kMaxUpload) big += "4155551401\n";
  auto r = post("/v1/opt-outs", big, "text/csv");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(state_of("+14155551401", "spring-promo"), "");
}

TEST_F(AdminDaemonTest, SameUploadTwiceIsAllAlreadyOptedOut) {
  const std::string csv = "phone\n4155551501\n4155551502\n4155551503\n";
  auto a = json(post("/v1/opt-outs?campaign=spring-promo", csv, "text/csv"));
  EXPECT_EQ(a["opted_out"], 3);
  auto b = json(post("/v1/opt-outs?campaign=spring-promo", csv, "text/csv"));
  EXPECT_EQ(b["opted_out"], 0);
  EXPECT_EQ(b["already_opted_out"], 3);
  auto csv_out = get("/v1/opt-outs.csv?campaign=spring-promo");
  EXPECT_EQ(csv_out.status, 200);
  EXPECT_NE(csv_out.body.find("+14155551501,spring-promo,"), std::string::npos);
  // The upload's three changes are audit events of their own (stored as one row per chunk),
  // read per phone and in the overall list, newest first; the second upload changed nothing.
  auto one = json(get("/v1/audit?phone=%2B14155551502"));
  ASSERT_EQ(one["events"].size(), 1u) << one.dump();
  EXPECT_EQ(one["events"][0]["phone"], "+14155551502");
  EXPECT_EQ(one["events"][0]["campaign"], "spring-promo");
  EXPECT_EQ(one["events"][0]["source"], "csv");
  // Overall, one event a page (the carrier's MO may add events of its own meanwhile).
  std::vector<std::string> mine;
  std::string before;
  for (int page = 0; page < 50 && mine.size() < 3; ++page) {
    auto p = json(get("/v1/audit?limit=1" + before));
    ASSERT_LE(p["events"].size(), 1u) << p.dump();
    if (p["events"].empty()) break;
    const std::string phone = p["events"][0]["phone"];
    if (phone.rfind("+141555515", 0) == 0) mine.push_back(phone);
    if (!p["next_before"].is_number()) break;
    before = "&before=" + p["next_before"].dump();
  }
  EXPECT_EQ(mine, (std::vector<std::string>{"+14155551503", "+14155551502", "+14155551501"}));
}

TEST_F(AdminDaemonTest, ReplyToOptedOutIs409NothingQueued) {
  ASSERT_EQ(post("/v1/opt-outs?campaign=spring-promo", "phone\n4155551601\n", "text/csv").status,
            200);
  auto r = post_json("/v1/messages",
                     {{"to", "+14155551601"}, {"campaign", "spring-promo"}, {"text", "hi"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json(r)["error"], "opted_out");
  auto conv = json(get("/v1/conversations/+14155551601"));
  EXPECT_TRUE(conv["messages"].empty());
}

TEST_F(AdminDaemonTest, MessageLifecycleAndPreview) {
  auto r = post_json("/v1/messages",
                     {{"to", "4155551701"}, {"from", "12345"}, {"text", "Hello :wave:"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto id = json(r)["id"].get<std::uint64_t>();
  auto m = json(get("/v1/messages/" + std::to_string(id)));
  EXPECT_EQ(m["to"], "+14155551701");
  EXPECT_EQ(m["campaign"], "spring-promo");
  EXPECT_EQ(m["encoding"], "ucs2");
  for (const char* k : {"id", "to", "from", "campaign", "text", "status", "encoding", "segments",
                        "carrier_message_id", "error", "created_at", "updated_at"}) {
    EXPECT_TRUE(m.contains(k)) << k;
  }
  EXPECT_EQ(get("/v1/messages/99999999").status, 404);
  auto p = json(post_json("/v1/messages/preview", {{"text", "abc"}}));
  EXPECT_EQ(p["remaining"], 157);
  EXPECT_EQ(
      post_json("/v1/messages", {{"to", "x"}, {"campaign", "spring-promo"}, {"text", "a"}}).status,
      422);
  EXPECT_EQ(post_json("/v1/messages", {{"to", "4155551701"},
                                       {"campaign", "spring-promo"},
                                       {"text", std::string(2000, 'z')}})
                .status,
            422);
  auto conv = json(get("/v1/conversations/+14155551701"));
  ASSERT_EQ(conv["messages"].size(), 1u);
  EXPECT_EQ(conv["messages"][0]["direction"], "out");
}

TEST_F(AdminDaemonTest, BroadcastAndSubscriber) {
  auto b = post_json("/v1/campaigns/fall-promo/broadcast", {{"text", "Fall sale"}});
  ASSERT_EQ(b.status, 202) << b.body;
  EXPECT_TRUE(json(b).contains("recipients"));
  EXPECT_EQ(post_json("/v1/campaigns/none/broadcast", {{"text", "x"}}).status, 404);
  auto s = get("/v1/subscribers/+14155559999");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(json(s)["opted_out_all"], false);
}

}  // namespace
}  // namespace smppgw::admin::testing
