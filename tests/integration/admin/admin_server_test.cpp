// The admin server in-process over real HTTP: a real socket on 127.0.0.1 (port 0), a real
// LMDB store in a temporary directory, the real writer. Every route and error status of
// SPEC §6 and issue 6's "Show" list.
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <thread>

#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/async_bridge.hpp"
#include "tests/integration/admin/http_client.hpp"

namespace smppgw::admin {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using Json = nlohmann::json;

constexpr std::uint64_t kMaxUpload = 12 * 1024 * 1024;

class TestContext : public AdminContext {
 public:
  AdminSnapshot snap;
  store::Store* st = nullptr;
  store::Writer* wr = nullptr;
  MetricsRegistry registry;
  std::vector<LinkHealth> link_list{{"carrier-a", "bound", true}};
  std::vector<std::string> woken;
  std::mutex mutex;

  AdminSnapshot snapshot() const override { return snap; }
  store::Store& store() override { return *st; }
  store::Writer& writer() override { return *wr; }
  MetricsRegistry& metrics() override { return registry; }
  std::vector<LinkHealth> links() const override { return link_list; }
  void outbox_queued(std::string_view short_code) override {
    std::lock_guard lock(mutex);
    woken.emplace_back(short_code);
  }
};

conf::Config test_config(const std::filesystem::path& dir) {
  conf::Config c;
  c.company = "Acme Health";
  c.default_region = "US";
  c.state_dir = dir.string();
  c.admin.max_upload = kMaxUpload;
  conf::LinkConfig link;
  link.name = "carrier-a";
  link.short_codes = {"12345"};
  c.smpp.links.push_back(link);
  conf::CampaignConfig spring;
  spring.id = "spring-promo";
  spring.name = "Spring Promo";
  spring.short_code = "12345";
  spring.keywords = {"SPRING"};
  spring.is_default = true;
  conf::CampaignConfig fall = spring;
  fall.id = "fall-promo";
  fall.name = "Fall Promo";
  fall.keywords = {"FALL"};
  fall.is_default = false;
  c.campaigns = {spring, fall};
  return c;
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smppgw-admin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::StoreOptions so;
    so.state_dir = dir_ / "state";
    so.durability = store::Durability::nosync;
    auto st = store::open_store(so);
    ASSERT_TRUE(st) << st.error().message();
    store_ = std::move(*st);
    auto wr = store::Writer::start(*store_);
    ASSERT_TRUE(wr) << wr.error().message();
    writer_ = std::move(*wr);
    ctx_.snap.config = std::make_shared<const conf::Config>(test_config(dir_));
    ctx_.snap.phones = std::make_shared<const conf::PhoneNormalizer>("US");
    ctx_.st = store_.get();
    ctx_.wr = writer_.get();
    AdminServerOptions opt;
    opt.listen = conf::Endpoint{"127.0.0.1", 0};
    opt.token = AdminToken(token_);
    auto server = AdminServer::start(io_, ctx_, opt);
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(*server);
    thread_ = std::thread([this] { io_.run(); });
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->stop();
    work_.reset();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    writer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpResponse get(std::string_view target) {
    return client_->request("GET", target, {}, {}, token_);
  }
  HttpResponse post_json(std::string_view target, const Json& body) {
    return client_->request("POST", target, body.dump(), "application/json", token_);
  }
  HttpResponse post(std::string_view target, std::string_view body, std::string_view type) {
    return client_->request("POST", target, body, type, token_);
  }
  static Json json(const HttpResponse& r) { return Json::parse(r.body, nullptr, false); }

  // Writes through the real writer, as the daemon's MO pipeline would.
  void write(std::function<std::error_code(store::WriteTxn&)> apply) {
    auto ec = write_durably_blocking(*writer_, store::WriteRequest{std::move(apply), {}});
    ASSERT_FALSE(ec) << ec.message();
  }
  std::uint64_t add_inbox(const std::string& from, const std::string& text,
                          const std::string& campaign = "spring-promo") {
    std::uint64_t id = 0;
    write([&](store::WriteTxn& txn) -> std::error_code {
      store::NewInboxMessage m;
      m.received_at = store::to_timestamp(std::chrono::system_clock::now());
      m.from = from;
      m.to = "12345";
      m.campaign = campaign;
      m.text = text;
      m.link = "carrier-a";
      auto r = txn.add_inbox(m);
      if (!r) return r.error();
      id = *r;
      return {};
    });
    return id;
  }
  void subscribe(const std::string& phone, const std::string& campaign = "spring-promo") {
    write([&](store::WriteTxn& txn) -> std::error_code {
      store::ChangeContext ctx{store::to_timestamp(std::chrono::system_clock::now()),
                               store::ChangeSource::sms, "mo:test", "keyword"};
      auto r = txn.subscribe(phone, campaign, "12345", ctx);
      return r ? std::error_code{} : r.error();
    });
  }
  std::optional<store::SubscriptionState> state_of(const std::string& phone,
                                                   const std::string& campaign = "spring-promo") {
    auto s = store_->state(phone, campaign);
    EXPECT_TRUE(s);
    return s ? *s : std::nullopt;
  }

  std::string multipart(
      const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& parts,
      const std::string& boundary = "----smppgwBoundary7MA4YWxk") {
    // parts: name, filename ("" none), content type ("" none), data
    std::string body;
    for (const auto& [name, filename, type, data] : parts) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
      if (!filename.empty()) body += "; filename=\"" + filename + "\"";
      body += "\r\n";
      if (!type.empty()) body += "Content-Type: " + type + "\r\n";
      body += "\r\n" + data + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return body;
  }
  static constexpr const char* kMultipartType =
      "multipart/form-data; boundary=----smppgwBoundary7MA4YWxk";

  std::filesystem::path dir_;
  std::string token_ = "test-token-0123456789abcdef";
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Writer> writer_;
  TestContext ctx_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::unique_ptr<AdminServer> server_;
  std::thread thread_;
  std::unique_ptr<HttpClient> client_;
};

// ---- No-auth routes ----

TEST_F(AdminServerTest, HealthzReportsLinks) {
  auto r = client_->request("GET", "/healthz");
  ASSERT_EQ(r.status, 200);
  auto j = json(r);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["links"][0]["name"], "carrier-a");
  EXPECT_EQ(j["links"][0]["state"], "bound");
  ctx_.link_list[0] = {"carrier-a", "connecting", false};
  EXPECT_EQ(json(client_->request("GET", "/healthz"))["status"], "degraded");
}

TEST_F(AdminServerTest, MetricsIsPrometheusText) {
  ctx_.registry.counter(metric::kMoTotal, "MO texts", {{"link", "carrier-a"}, {"kind", "stop"}})
      .add(2);
  client_->request("GET", "/v1/campaigns");  // a 401, counted
  auto r = client_->request("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("smppgw_mo_total{link=\"carrier-a\",kind=\"stop\"} 2"), std::string::npos);
  EXPECT_NE(r.body.find("smppgw_http_requests_total{code=\"401\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("smppgw_link_up{link=\"carrier-a\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("smppgw_store_writer_queue_depth"), std::string::npos);
}

TEST_F(AdminServerTest, WebPageIsServedWithItsAssets) {
  auto page = client_->request("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("Opt-Out these Numbers"), std::string::npos);
  auto js = client_->request("GET", "/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_NE(js.header("content-type").find("javascript"), std::string::npos);
  EXPECT_EQ(client_->request("GET", "/style.css").status, 200);
  EXPECT_EQ(client_->request("GET", "/nope.html").status, 404);
}

// ---- Auth ----

TEST_F(AdminServerTest, V1NeedsTheBearerToken) {
  auto none = client_->request("GET", "/v1/campaigns");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer realm=\"smppgw\"");
  EXPECT_EQ(json(none)["error"], "unauthorized");
  auto wrong = client_->request("GET", "/v1/campaigns", {}, {}, "wrong-token");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(get("/v1/campaigns").status, 200);
}

TEST_F(AdminServerTest, WrongTokenUploadChangesNothing) {
  auto r = client_->request("POST", "/v1/opt-outs", "phone\n4155550001\n", "text/csv", "nope");
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(state_of("+14155550001", "spring-promo"));
}

// ---- Campaigns, inbox ----

TEST_F(AdminServerTest, CampaignsWithCounts) {
  subscribe("+14155550001");
  auto r = get("/v1/campaigns");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-company"), "Acme Health");
  auto j = json(r);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], "spring-promo");
  EXPECT_EQ(j[0]["name"], "Spring Promo");
  EXPECT_EQ(j[0]["short_code"], "12345");
  EXPECT_EQ(j[0]["keywords"], Json::array({"SPRING"}));
  EXPECT_EQ(j[0]["subscribed"], 1);
  EXPECT_EQ(j[0]["opted_out"], 0);
}

TEST_F(AdminServerTest, InboxNewestFirstWithFiltersAndPagination) {
  for (int i = 0; i < 5; ++i) add_inbox("+14155550001", "hello " + std::to_string(i));
  add_inbox("+14155550002", "other", "fall-promo");
  auto r = get("/v1/inbox?limit=2");
  ASSERT_EQ(r.status, 200);
  auto j = json(r);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["text"], "other");
  EXPECT_EQ(j["messages"][0]["campaign"], "fall-promo");
  EXPECT_EQ(j["messages"][0]["kind"], "message");
  EXPECT_EQ(j["messages"][0]["to"], "12345");
  EXPECT_TRUE(j["messages"][0]["received_at"].get<std::string>().ends_with("Z"));
  ASSERT_FALSE(j["next_before"].is_null());
  auto next = json(
      get("/v1/inbox?limit=2&before=" + std::to_string(j["next_before"].get<std::uint64_t>())));
  EXPECT_EQ(next["messages"][0]["text"], "hello 3");

  auto by_phone = json(get("/v1/inbox?phone=%2B14155550002"));
  ASSERT_EQ(by_phone["messages"].size(), 1u);
  EXPECT_TRUE(by_phone["next_before"].is_null());
  auto by_phone_national = json(get("/v1/inbox?phone=(415)%20555-0002"));
  EXPECT_EQ(by_phone_national["messages"].size(), 1u);
  auto by_campaign = json(get("/v1/inbox?campaign=spring-promo&limit=50"));
  EXPECT_EQ(by_campaign["messages"].size(), 5u);

  EXPECT_EQ(get("/v1/inbox?limit=0").status, 422);
  EXPECT_EQ(get("/v1/inbox?limit=abc").status, 422);
  EXPECT_EQ(get("/v1/inbox?phone=junk").status, 422);
  EXPECT_EQ(get("/v1/inbox?campaign=nope").status, 422);
}

TEST_F(AdminServerTest, InboxOptOutProfile) {
  subscribe("+14155550001");
  auto id = add_inbox("+14155550001", "hi");
  auto r = post("/v1/inbox/" + std::to_string(id) + "/opt-out", "", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["phone"], "+14155550001");
  EXPECT_EQ(j["campaign"], "spring-promo");
  EXPECT_EQ(j["changed"], true);
  EXPECT_EQ(state_of("+14155550001"), store::SubscriptionState::opted_out);
  EXPECT_EQ(json(post("/v1/inbox/" + std::to_string(id) + "/opt-out", "", ""))["changed"], false);
  EXPECT_EQ(post("/v1/inbox/999999/opt-out", "", "").status, 404);
  EXPECT_EQ(post("/v1/inbox/abc/opt-out", "", "").status, 404);
  // The change is audited as an admin action.
  auto audit = json(get("/v1/audit?phone=%2B14155550001"));
  ASSERT_GE(audit["events"].size(), 1u);
  EXPECT_EQ(audit["events"][0]["source"], "admin");
  EXPECT_EQ(audit["events"][0]["to"], "opted_out");
}

// ---- Messages ----

TEST_F(AdminServerTest, SendMessageQueuesIt) {
  auto r =
      post_json("/v1/messages",
                {{"to", "(415) 555-0001"}, {"campaign", "spring-promo"}, {"text", "Hi :smile:"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["status"], "queued");
  EXPECT_EQ(j["encoding"], "ucs2");
  EXPECT_EQ(j["segments"], 1);
  auto m = get("/v1/messages/" + std::to_string(j["id"].get<std::uint64_t>()));
  ASSERT_EQ(m.status, 200);
  auto mj = json(m);
  EXPECT_EQ(mj["to"], "+14155550001");
  EXPECT_EQ(mj["from"], "12345");
  EXPECT_EQ(mj["campaign"], "spring-promo");
  EXPECT_EQ(mj["status"], "queued");
  EXPECT_EQ(mj["text"], "Hi \xF0\x9F\x98\x84");
  EXPECT_TRUE(mj["carrier_message_id"].is_null());
  EXPECT_TRUE(mj["error"].is_null());
  EXPECT_TRUE(mj.contains("created_at") && mj.contains("updated_at"));
  std::lock_guard lock(ctx_.mutex);
  EXPECT_EQ(ctx_.woken, std::vector<std::string>{"12345"});
}

TEST_F(AdminServerTest, ConcurrentPipelinedRepliesAreEachQueuedOnce) {
  // Many connections with several replies in flight each: the writer completes them in
  // groups and the server resumes them in batches; every request gets its own record.
  constexpr int kConnections = 24;
  constexpr int kPerConnection = 8;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.push_back(std::make_unique<HttpClient>("127.0.0.1", server_->port()));
    std::string bytes;
    for (int i = 0; i < kPerConnection; ++i) {
      const Json body{{"to", "+1415555" + std::to_string(1000 + c * kPerConnection + i)},
                      {"campaign", "spring-promo"},
                      {"text", "reply " + std::to_string(i)}};
      bytes +=
          testing::make_request("POST", "/v1/messages", body.dump(), "application/json", token_);
    }
    ASSERT_TRUE(clients.back()->send_raw(bytes));
  }
  std::set<std::uint64_t> ids;
  for (auto& client : clients) {
    for (int i = 0; i < kPerConnection; ++i) {
      auto r = client->read_response();
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 202) << r->body;
      auto j = json(*r);
      EXPECT_EQ(j["status"], "queued");
      ids.insert(j["id"].get<std::uint64_t>());
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kConnections * kPerConnection));
  for (auto id : {*ids.begin(), *ids.rbegin()}) {
    EXPECT_EQ(get("/v1/messages/" + std::to_string(id)).status, 200);
  }
  // The dispatcher was woken (at most once per resumed batch, at least once).
  std::lock_guard lock(ctx_.mutex);
  EXPECT_GE(ctx_.woken.size(), 1u);
  EXPECT_LE(ctx_.woken.size(), ids.size());
}

TEST_F(AdminServerTest, SendMessageByShortCodeUsesTheSubscribersCampaign) {
  subscribe("+14155550001", "fall-promo");
  auto r =
      post_json("/v1/messages", {{"to", "+14155550001"}, {"from", "12345"}, {"text", "hello"}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json(r)["campaign"], "fall-promo");
  // No join: the short code's default campaign.
  auto d =
      post_json("/v1/messages", {{"to", "+14155550009"}, {"from", "12345"}, {"text", "hello"}});
  EXPECT_EQ(json(d)["campaign"], "spring-promo");
}

TEST_F(AdminServerTest, ReplyToOptedOutNumberIs409AndNothingQueued) {
  subscribe("+14155550001");
  ASSERT_EQ(post("/v1/opt-outs?campaign=spring-promo", "phone\n4155550001\n", "text/csv").status,
            200);
  auto r = post_json("/v1/messages",
                     {{"to", "+14155550001"}, {"campaign", "spring-promo"}, {"text", "hi"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json(r)["error"], "opted_out");
  auto conv = json(get("/v1/conversations/%2B14155550001"));
  EXPECT_TRUE(conv["messages"].empty());
  EXPECT_EQ(get("/v1/messages/1").status, 404);
  // Company-wide opt-out suppresses every campaign, including one never joined.
  ASSERT_EQ(post("/v1/opt-outs", "phone\n4155550002\n", "text/csv").status, 200);
  EXPECT_EQ(
      post_json("/v1/messages", {{"to", "+14155550002"}, {"campaign", "fall-promo"}, {"text", "x"}})
          .status,
      409);
}

TEST_F(AdminServerTest, SendMessageRefusesBadInput) {
  auto bad = [&](const Json& body) { return post_json("/v1/messages", body); };
  EXPECT_EQ(bad({{"to", "junk"}, {"campaign", "spring-promo"}, {"text", "x"}}).status, 422);
  EXPECT_EQ(json(bad({{"to", "junk"}, {"campaign", "spring-promo"}, {"text", "x"}}))["error"],
            "invalid_phone");
  EXPECT_EQ(bad({{"to", "12345"}, {"campaign", "spring-promo"}, {"text", "x"}}).status, 422);
  EXPECT_EQ(bad({{"to", "+14155550001"}, {"campaign", "nope"}, {"text", "x"}}).status, 422);
  EXPECT_EQ(bad({{"to", "+14155550001"}, {"campaign", "spring-promo"}, {"text", ""}}).status, 422);
  EXPECT_EQ(bad({{"to", "+14155550001"}, {"campaign", "spring-promo"}}).status, 422);
  EXPECT_EQ(bad({{"to", "+14155550001"}, {"text", "x"}}).status, 422);
  EXPECT_EQ(bad({{"to", 5}, {"campaign", "spring-promo"}, {"text", "x"}}).status, 422);
  auto longtext =
      bad({{"to", "+14155550001"}, {"campaign", "spring-promo"}, {"text", std::string(1600, 'a')}});
  EXPECT_EQ(longtext.status, 422);
  EXPECT_EQ(json(longtext)["error"], "too_many_segments");
  EXPECT_EQ(post("/v1/messages", "{not json", "application/json").status, 400);
  EXPECT_EQ(post("/v1/messages", "to=1", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(get("/v1/messages/424242").status, 404);
  EXPECT_EQ(get("/v1/nothing").status, 404);
  // Nothing of the above was queued.
  EXPECT_EQ(get("/v1/messages/1").status, 404);
}

TEST_F(AdminServerTest, PreviewCountsWhatTheChatWindowShows) {
  auto r = post_json("/v1/messages/preview", {{"text", "Hello :thumbsup:"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["encoding"], "ucs2");
  EXPECT_EQ(j["segments"], 1);
  EXPECT_EQ(j["units"], 8);       // 6 + a surrogate pair
  EXPECT_EQ(j["remaining"], 62);  // 70 - 8
  EXPECT_EQ(j["text"], "Hello \xF0\x9F\x91\x8D");
  auto g = json(post_json("/v1/messages/preview", {{"text", "a{b"}}));
  EXPECT_EQ(g["encoding"], "gsm7");
  EXPECT_EQ(g["units"], 4);
  EXPECT_EQ(g["remaining"], 156);
  EXPECT_EQ(json(post_json("/v1/messages/preview", {{"text", ""}}))["remaining"], 160);
}

// ---- Conversations, subscribers, audit ----

TEST_F(AdminServerTest, ConversationOldestFirst) {
  subscribe("+14155550001");
  add_inbox("+14155550001", "first");
  ASSERT_EQ(post_json("/v1/messages",
                      {{"to", "+14155550001"}, {"campaign", "spring-promo"}, {"text", "second"}})
                .status,
            202);
  auto r = get("/v1/conversations/+14155550001?campaign=spring-promo");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["phone"], "+14155550001");
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["direction"], "in");
  EXPECT_EQ(j["messages"][0]["text"], "first");
  EXPECT_EQ(j["messages"][1]["direction"], "out");
  EXPECT_EQ(j["messages"][1]["status"], "queued");
  ASSERT_EQ(j["subscriptions"].size(), 1u);
  EXPECT_EQ(j["subscriptions"][0]["campaign"], "spring-promo");
  EXPECT_EQ(j["subscriptions"][0]["state"], "subscribed");
  EXPECT_EQ(get("/v1/conversations/junk").status, 422);
}

TEST_F(AdminServerTest, SubscriberShowsStatesAndCompanyOptOut) {
  subscribe("+14155550001");
  auto j = json(get("/v1/subscribers/4155550001"));
  EXPECT_EQ(j["phone"], "+14155550001");
  EXPECT_EQ(j["opted_out_all"], false);
  ASSERT_EQ(j["subscriptions"].size(), 1u);
  ASSERT_EQ(post_json("/v1/opt-outs", {{"phones", {"+14155550001"}}}).status, 200);
  j = json(get("/v1/subscribers/+14155550001"));
  EXPECT_EQ(j["opted_out_all"], true);
  EXPECT_EQ(j["subscriptions"][0]["state"], "opted_out");
  EXPECT_EQ(get("/v1/subscribers/abc").status, 422);
}

TEST_F(AdminServerTest, AuditNewestFirst) {
  subscribe("+14155550001");
  ASSERT_EQ(post("/v1/opt-outs?campaign=spring-promo", "phone\n+14155550001\n", "text/csv").status,
            200);
  auto j = json(get("/v1/audit?phone=%2B14155550001"));
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["to"], "opted_out");
  EXPECT_EQ(j["events"][0]["source"], "csv");
  EXPECT_EQ(j["events"][1]["to"], "subscribed");
  EXPECT_EQ(j["events"][1]["source"], "sms");
  EXPECT_TRUE(j.contains("next_before"));
  EXPECT_EQ(get("/v1/audit?phone=nope").status, 422);
}

// ---- Manual Opt-Out ----

TEST_F(AdminServerTest, CsvWithPhoneHeaderInAnyCaseAndBom) {
  auto r = post("/v1/opt-outs",
                "\xEF\xBB\xBFName,Phone\r\nAnn,(415) 555-0001\r\nBob,\"+1 415 555 0002\"\r\n",
                "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["scope"], "all");
  EXPECT_EQ(j["rows"], 2);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(j["already_opted_out"], 0);
  EXPECT_EQ(j["duplicates"], 0);
  EXPECT_EQ(j["invalid"], 0);
  EXPECT_EQ(j["errors"], Json::array());
  EXPECT_EQ(state_of("+14155550001", "fall-promo"), store::SubscriptionState::opted_out);
}

TEST_F(AdminServerTest, SameUploadTwiceIsAllAlreadyOptedOut) {
  const std::string csv = "phone\n4155550001\n4155550002\n4155550003\n";
  auto first = json(post("/v1/opt-outs?campaign=fall-promo", csv, "text/csv"));
  EXPECT_EQ(first["opted_out"], 3);
  EXPECT_EQ(first["scope"], "fall-promo");
  auto second = json(post("/v1/opt-outs?campaign=fall-promo", csv, "text/csv"));
  EXPECT_EQ(second["opted_out"], 0);
  EXPECT_EQ(second["already_opted_out"], 3);
  EXPECT_FALSE(state_of("+14155550001", "spring-promo"));
}

TEST_F(AdminServerTest, CsvWithoutPhoneColumnIs422AndNothingChanged) {
  auto r = post("/v1/opt-outs", "number,name\n4155550001,Ann\n", "text/csv");
  EXPECT_EQ(r.status, 422);
  auto j = json(r);
  EXPECT_EQ(j["error"], "not_csv");
  EXPECT_NE(j["message"].get<std::string>().find("phone"), std::string::npos);
  EXPECT_FALSE(state_of("+14155550001"));
}

TEST_F(AdminServerTest, PngUploadedAsCsvIsRefusedAndNothingChanged) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20);
  png += "phone\n4155550001\n";
  auto r = post("/v1/opt-outs", multipart({{"file", "list.csv", "text/csv", png}}), kMultipartType);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(json(r)["message"].get<std::string>().find("CSV"), std::string::npos);
  EXPECT_FALSE(state_of("+14155550001"));
}

TEST_F(AdminServerTest, XlsxIsRefusedWith415) {
  std::string zip("PK\x03\x04\x14\0\x06\0", 8);
  auto r =
      post("/v1/opt-outs",
           multipart({{"file", "list.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip}}),
           kMultipartType);
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(json(r)["error"], "unsupported_media_type");
  EXPECT_NE(json(r)["message"].get<std::string>().find("phone"), std::string::npos);
  // The same bytes as a raw body of a spreadsheet type.
  EXPECT_EQ(post("/v1/opt-outs", zip, "application/vnd.ms-excel.sheet").status, 415);
  EXPECT_EQ(post("/v1/opt-outs", "phone\n1\n", "image/png").status, 415);
}

TEST_F(AdminServerTest, PastedNumbersWithBlanksAndJunk) {
  auto r =
      post("/v1/opt-outs?campaign=spring-promo",
           multipart({{"file", "", "application/octet-stream", ""},
                      {"phones", "", "",
                       "phone\n4155550001\n\n   \nnot-a-phone\n415 555 0001\n+44 20 7946 0958\n"}}),
           kMultipartType);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["rows"], 4);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["invalid"], 1);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["row"], 5);
  EXPECT_EQ(j["errors"][0]["value"], "not-a-phone");
  EXPECT_FALSE(j["errors"][0]["reason"].get<std::string>().empty());
  EXPECT_EQ(state_of("+442079460958"), store::SubscriptionState::opted_out);
}

TEST_F(AdminServerTest, FileAndPastedPartsTogetherCountDuplicatesAcrossThem) {
  auto r = post("/v1/opt-outs",
                multipart({{"file", "list.csv", "text/csv", "phone\r\n4155550001\r\n"},
                           {"phones", "", "", "phone\n+14155550001\n4155550002"}}),
                kMultipartType);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["rows"], 3);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(j["duplicates"], 1);
}

TEST_F(AdminServerTest, FormWithoutAnyListIs422) {
  auto r = post("/v1/opt-outs", multipart({{"file", "", "application/octet-stream", ""}}),
                kMultipartType);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json(r)["error"], "no_list");
}

TEST_F(AdminServerTest, TenMegabytesOfGarbageIsRefused) {
  std::string garbage(10 * 1024 * 1024, '\0');
  std::uint64_t x = 88172645463325252ull;
  for (auto& c : garbage) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  auto r = post("/v1/opt-outs", garbage, "text/csv");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(json(r)["error"], "not_csv");
  // Printable garbage without line breaks is refused too (a line too long for a phone list).
  std::string text(10 * 1024 * 1024, 'x');
  auto t = post("/v1/opt-outs", text, "text/csv");
  EXPECT_EQ(t.status, 422);
  // The server is still fine.
  EXPECT_EQ(client_->request("GET", "/healthz").status, 200);
}

TEST_F(AdminServerTest, BodyOverMaxUploadIs413) {
  std::string big = "phone\n";
  while (big.size() <= kMaxUpload) big += "4155550001\n";
  auto r = post("/v1/opt-outs", big, "text/csv");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json(r)["error"], "too_large");
  EXPECT_FALSE(state_of("+14155550001"));
  // With Expect: 100-continue the body is never sent.
  HttpClient c("127.0.0.1", server_->port());
  ASSERT_TRUE(c.send_raw(
      "POST /v1/opt-outs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
      "\r\nContent-Type: text/csv\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n"));
  auto e = c.read_response();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 413);
}

TEST_F(AdminServerTest, JsonListAndUnknownScope) {
  auto r = post_json("/v1/opt-outs?campaign=spring-promo",
                     {{"phones", {"4155550001", "junk", 4155550002ull}}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["rows"], 3);
  EXPECT_EQ(j["opted_out"], 2);
  EXPECT_EQ(j["invalid"], 1);
  EXPECT_EQ(j["errors"][0]["row"], 2);
  EXPECT_EQ(post_json("/v1/opt-outs", {{"numbers", {"1"}}}).status, 422);
  EXPECT_EQ(post("/v1/opt-outs", "{", "application/json").status, 400);
  EXPECT_EQ(post("/v1/opt-outs?campaign=nope", "phone\n4155550003\n", "text/csv").status, 422);
  EXPECT_FALSE(state_of("+14155550003"));
}

TEST_F(AdminServerTest, OptOutExportIsStreamedCsv) {
  std::string csv = "phone\n";
  for (int i = 0; i < 25000; ++i) csv += "+1415" + std::to_string(2000000 + i) + "\n";
  auto up = json(post("/v1/opt-outs?campaign=fall-promo", csv, "text/csv"));
  ASSERT_EQ(up["opted_out"], 25000);
  ASSERT_EQ(post("/v1/opt-outs", "phone\n4155550001\n", "text/csv").status, 200);
  auto r = get("/v1/opt-outs.csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_NE(r.header("content-type").find("text/csv"), std::string::npos);
  EXPECT_TRUE(r.body.starts_with("phone,campaign,since,source\r\n"));
  std::size_t lines = 0;
  for (char c : r.body) lines += c == '\n';
  EXPECT_EQ(lines, 1u + 25000u + 1u);
  EXPECT_NE(r.body.find("+14155550001,all,"), std::string::npos);
  EXPECT_NE(r.body.find("+14152000000,fall-promo,"), std::string::npos);
  auto one = get("/v1/opt-outs.csv?campaign=spring-promo");
  EXPECT_EQ(one.status, 200);
  EXPECT_NE(one.body.find("+14155550001"), std::string::npos);
  EXPECT_EQ(one.body.find("+14152000000"), std::string::npos);
  EXPECT_EQ(get("/v1/opt-outs.csv?campaign=nope").status, 422);

  // HTTP/1.0 has no chunked coding: the list ends with the connection.
  HttpClient old_client("127.0.0.1", server_->port());
  ASSERT_TRUE(old_client.send_raw("GET /v1/opt-outs.csv HTTP/1.0\r\nAuthorization: Bearer " +
                                  token_ + "\r\n\r\n"));
  const std::string raw = old_client.read_until_close();
  ASSERT_TRUE(raw.starts_with("HTTP/1.0 200 OK\r\n")) << raw.substr(0, 200);
  const auto head_end = raw.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_EQ(raw.substr(0, head_end).find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(raw.substr(head_end + 4), r.body);
}

// ---- Broadcast ----

TEST_F(AdminServerTest, BroadcastSkipsOptedOut) {
  for (int i = 0; i < 5; ++i) subscribe("+1415555000" + std::to_string(i));
  ASSERT_EQ(post("/v1/opt-outs?campaign=spring-promo", "phone\n+14155550000\n", "text/csv").status,
            200);
  auto r = post_json("/v1/campaigns/spring-promo/broadcast", {{"text", "Spring sale!"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["recipients"], 4);
  EXPECT_EQ(j["suppressed"], 1);
  EXPECT_GE(j["broadcast_id"].get<std::uint64_t>(), 1u);
  EXPECT_EQ(post_json("/v1/campaigns/nope/broadcast", {{"text", "x"}}).status, 404);
  EXPECT_EQ(post_json("/v1/campaigns/spring-promo/broadcast", {{"text", ""}}).status, 422);
}

// ---- HTTP behaviour ----

TEST_F(AdminServerTest, PipelinedRequestsAreAnsweredInOrder) {
  std::string bytes;
  bytes += testing::make_request("GET", "/healthz", {}, {}, {});
  bytes += testing::make_request("POST", "/v1/messages/preview", R"({"text":"a"})",
                                 "application/json", token_);
  bytes += testing::make_request("GET", "/v1/campaigns", {}, {}, token_);
  ASSERT_TRUE(client_->send_raw(bytes));
  auto a = client_->read_response();
  auto b = client_->read_response();
  auto c = client_->read_response();
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(a->body.find("\"status\""), std::string::npos);
  EXPECT_NE(b->body.find("\"remaining\":159"), std::string::npos);
  EXPECT_NE(c->body.find("spring-promo"), std::string::npos);
}

TEST_F(AdminServerTest, OversizedHeadersAre431AndMalformedIs400) {
  HttpClient c("127.0.0.1", server_->port());
  ASSERT_TRUE(
      c.send_raw("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  HttpClient d("127.0.0.1", server_->port());
  ASSERT_TRUE(d.send_raw("NOT HTTP AT ALL\r\n\r\n"));
  auto m = d.read_response();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 400);
}

TEST_F(AdminServerTest, HeadIsGetWithoutTheBody) {
  subscribe("+14155550100");
  ASSERT_EQ(post_json("/v1/opt-outs", {{"phones", {"+14155550100"}}}).status, 200);
  for (const char* target : {"/healthz", "/", "/app.js", "/v1/campaigns", "/v1/inbox"}) {
    const auto get = client_->request("GET", target, {}, {}, token_);
    ASSERT_EQ(get.status, 200) << target;
    ASSERT_FALSE(get.body.empty()) << target;
    // A HEAD pipelined with a GET: any body sent for the HEAD would be read as the GET's
    // status line.
    ASSERT_TRUE(client_->send_raw(testing::make_request("HEAD", target, {}, {}, token_) +
                                  testing::make_request("GET", "/healthz", {}, {}, {})));
    auto head = client_->read_response(true);
    auto next = client_->read_response();
    ASSERT_TRUE(head && next) << target;
    EXPECT_EQ(head->status, 200) << target;
    EXPECT_EQ(head->header("content-type"), get.header("content-type")) << target;
    EXPECT_EQ(head->header("content-length"), std::to_string(get.body.size())) << target;
    EXPECT_TRUE(head->body.empty());
    EXPECT_EQ(next->status, 200) << target;
    EXPECT_NE(next->body.find("\"status\""), std::string::npos) << target;
  }
  // The streamed export: the chunked header, no chunks at all.
  ASSERT_TRUE(client_->send_raw(testing::make_request("HEAD", "/v1/opt-outs.csv", {}, {}, token_) +
                                testing::make_request("GET", "/v1/opt-outs.csv", {}, {}, token_)));
  auto head = client_->read_response(true);
  auto csv = client_->read_response();
  ASSERT_TRUE(head && csv);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->header("content-type").find("text/csv"), std::string::npos);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("+14155550100"), std::string::npos);
  // Errors too: the status and headers, no body.
  ASSERT_TRUE(client_->send_raw(testing::make_request("HEAD", "/v1/campaigns", {}, {}, {}) +
                                testing::make_request("GET", "/healthz", {}, {}, {})));
  auto denied = client_->read_response(true);
  auto after = client_->read_response();
  ASSERT_TRUE(denied && after);
  EXPECT_EQ(denied->status, 401);
  EXPECT_NE(denied->header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(after->status, 200);
}

TEST_F(AdminServerTest, IdleAndStalledConnectionsAreClosedAfterTheReadTimeout) {
  AdminServerOptions opt;
  opt.listen = conf::Endpoint{"127.0.0.1", 0};
  opt.token = AdminToken(token_);
  opt.read_timeout = std::chrono::seconds(1);
  auto server = AdminServer::start(io_, ctx_, opt);
  ASSERT_TRUE(server) << server.error();
  HttpClient idle("127.0.0.1", (*server)->port());
  HttpClient stalled("127.0.0.1", (*server)->port());
  // A request answered first: the deadline applies to waiting, not to the connection's age.
  auto ok = idle.request("GET", "/healthz");
  EXPECT_EQ(ok.status, 200);
  ASSERT_TRUE(stalled.send_raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(idle.read_response());     // closed: no answer
  EXPECT_FALSE(stalled.read_response());  // a half-sent header gets no answer either
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(waited, std::chrono::seconds(5));
  (*server)->stop();
}

TEST_F(AdminServerTest, JsonBodyOverLimitIs413) {
  auto r = post("/v1/messages", std::string(2 * 1024 * 1024, ' '), "application/json");
  EXPECT_EQ(r.status, 413);
}

}  // namespace
}  // namespace smppgw::admin
