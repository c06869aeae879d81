// The listener (SMSC role, SPEC §5) of the real smppgwd, over its ports only: binds are
// checked (credentials, allowed source, max_binds, slow-down of repeated failures), an MO
// submit_sm is acknowledged after its commit and lands in the Inbox (with a delivery receipt
// when asked for), a keyword MO's reply and an admin MT go out as deliver_sm, a reload
// unbinds a changed account, SIGTERM unbinds and exits 0.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "protocol/delivery_receipt.hpp"
#include "tests/integration/admin/http_client.hpp"
#include "tests/integration/listener/listener_daemon.hpp"
#include "tests/integration/listener/smpp_test_client.hpp"

namespace smppgw::testing {
namespace {

using smpp::BindType;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kTimeout{10'000};
constexpr const char* kPhoneDigits = "14155550100";  // TON 1: international without '+'
constexpr const char* kPhoneE164 = "+14155550100";

class ListenerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<ListenerDaemon>(SMPPGWD_BINARY);
    ASSERT_TRUE(daemon_->start()) << daemon_->error();
  }

  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- smppgwd log ----\n" << daemon_->log();
  }

  std::unique_ptr<SmppTestClient> connect(const std::string& source = "127.0.0.1") {
    auto client = SmppTestClient::connect(daemon_->listen_port(), source);
    EXPECT_NE(client, nullptr) << "cannot connect from " << source;
    return client;
  }

  // A transceiver bound as carrier-b.
  std::unique_ptr<SmppTestClient> bound_client() {
    auto client = connect();
    if (!client) return nullptr;
    auto outcome = client->bind(BindType::transceiver, "carrier-b", "secret", kTimeout);
    EXPECT_TRUE(outcome && outcome->status == smpp::status::ok)
        << "bind status " << (outcome ? outcome->status : 0xFFFFFFFFu);
    return client;
  }

  nlohmann::json get(const std::string& target) {
    admin::testing::HttpClient http("127.0.0.1", daemon_->admin_port());
    auto response = http.request("GET", target, {}, {}, daemon_->token());
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return nlohmann::json::parse(response.body, nullptr, false);
  }

  std::unique_ptr<ListenerDaemon> daemon_;
};

// An id as the API writes it (a number, or a string of digits).
std::string id_text(const nlohmann::json& id) {
  return id.is_string() ? id.get<std::string>() : std::to_string(id.get<std::uint64_t>());
}

std::string text_of(const smpp::DeliverSm& deliver) {
  return {deliver.short_message.begin(), deliver.short_message.end()};
}

TEST_F(ListenerIntegrationTest, WrongPasswordIsRefusedAndTheConnectionClosed) {
  auto client = connect();
  ASSERT_TRUE(client);
  auto outcome = client->bind(BindType::transceiver, "carrier-b", "zq8vk3", kTimeout);
  ASSERT_TRUE(outcome) << "no bind_resp";
  EXPECT_TRUE(outcome->status == smpp::status::bind_fail ||
              outcome->status == smpp::status::inv_paswd)
      << "status 0x" << std::hex << outcome->status;
  EXPECT_TRUE(client->wait_closed(kTimeout));
  // The presented password appears nowhere in the log; the reason does.
  const auto log = daemon_->log();
  EXPECT_EQ(log.find("zq8vk3"), std::string::npos) << "the presented password was logged";
  EXPECT_NE(log.find("wrong password"), std::string::npos) << log;
}

TEST_F(ListenerIntegrationTest, UnknownSystemIdGetsTheSameAnswerAsAWrongPassword) {
  auto client = connect();
  ASSERT_TRUE(client);
  auto outcome = client->bind(BindType::transceiver, "carrier-z", "secret", kTimeout);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, smpp::status::bind_fail);
}

TEST_F(ListenerIntegrationTest, SourceAddressNotAllowedIsRefused) {
  // The right credentials of carrier-b, but from 127.0.0.2 (allow is 127.0.0.1/32).
  auto other_source = connect("127.0.0.2");
  ASSERT_TRUE(other_source);
  auto outcome = other_source->bind(BindType::transceiver, "carrier-b", "secret", kTimeout);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, smpp::status::bind_fail);
  // carrier-far is allowed from 192.0.2.0/24 only.
  auto far = connect("127.0.0.3");
  ASSERT_TRUE(far);
  auto far_outcome = far->bind(BindType::transceiver, "carrier-far", "farpw", kTimeout);
  ASSERT_TRUE(far_outcome);
  EXPECT_EQ(far_outcome->status, smpp::status::bind_fail);
}

TEST_F(ListenerIntegrationTest, RepeatedFailuresFromOneAddressAreSlowedDown) {
  const std::string source = "127.0.0.4";
  for (int i = 0; i < 2; ++i) {
    auto client = connect(source);
    ASSERT_TRUE(client);
    auto outcome = client->bind(BindType::transceiver, "carrier-b", "guess", kTimeout);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->status, smpp::status::bind_fail);
  }
  // Two failures: the third answer waits 2 s.
  auto third = connect(source);
  ASSERT_TRUE(third);
  auto outcome = third->bind(BindType::transceiver, "carrier-b", "guess", kTimeout);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, smpp::status::bind_fail);
  EXPECT_GE(outcome->elapsed, milliseconds(1900));
  // Another address is not slowed down.
  auto fresh = connect("127.0.0.5");
  ASSERT_TRUE(fresh);
  auto fresh_outcome = fresh->bind(BindType::transceiver, "carrier-b", "guess", kTimeout);
  ASSERT_TRUE(fresh_outcome);
  EXPECT_LT(fresh_outcome->elapsed, milliseconds(900));
}

TEST_F(ListenerIntegrationTest, RightCredentialsBind) {
  auto client = connect();
  ASSERT_TRUE(client);
  auto outcome = client->bind(BindType::transceiver, "carrier-b", "secret", kTimeout);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, smpp::status::ok);
  EXPECT_EQ(outcome->peer_system_id, "smppgw");
  EXPECT_TRUE(client->unbind(kTimeout));
}

TEST_F(ListenerIntegrationTest, MaxBindsPerAccountIsEnforced) {
  auto first = bound_client();
  auto second = bound_client();
  ASSERT_TRUE(first && second);
  auto third = connect();
  ASSERT_TRUE(third);
  auto outcome = third->bind(BindType::transmitter, "carrier-b", "secret", kTimeout);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, smpp::status::already_bound);
  // A bind ends: there is room again.
  ASSERT_TRUE(first->unbind(kTimeout));
  auto fourth = connect();
  ASSERT_TRUE(fourth);
  auto again = fourth->bind(BindType::transmitter, "carrier-b", "secret", kTimeout);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, smpp::status::ok);
}

TEST_F(ListenerIntegrationTest, MoSubmitSmIsAcknowledgedAfterCommitAndInTheInbox) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto response = client->submit(kPhoneDigits, kShortCode, "Hello from the listener", kTimeout);
  ASSERT_TRUE(response) << "no submit_sm_resp";
  EXPECT_EQ(response->status, smpp::status::ok);
  EXPECT_FALSE(response->message_id.empty());

  // Acknowledged means committed: the Inbox shows it at once.
  auto inbox = get("/v1/inbox?phone=%2B14155550100");
  ASSERT_TRUE(inbox.contains("messages")) << inbox.dump();
  ASSERT_EQ(inbox["messages"].size(), 1u) << inbox.dump();
  const auto& row = inbox["messages"][0];
  EXPECT_EQ(row["from"], kPhoneE164);
  EXPECT_EQ(row["to"], kShortCode);
  EXPECT_EQ(row["text"], "Hello from the listener");
  EXPECT_EQ(id_text(row["id"]), response->message_id);
}

TEST_F(ListenerIntegrationTest, DataSmMoIsAcknowledgedWithItsInboxId) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  smpp::DataSm data;
  data.source = {1, 1, kPhoneDigits};
  data.destination = {3, 0, kShortCode};
  data.data_coding = 0;
  const std::string text = "Sent as data sm";  // GSM 03.38 has no ASCII underscore
  data.tlvs.message_payload = smpp::Bytes(text.begin(), text.end());
  auto response = client->request(smpp::Body{data}, kTimeout);
  ASSERT_TRUE(response) << "no data_sm_resp";
  EXPECT_EQ(response->status, smpp::status::ok);
  auto inbox = get("/v1/inbox?phone=%2B14155550100");
  ASSERT_EQ(inbox["messages"].size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox["messages"][0]["text"], text);
  EXPECT_EQ(id_text(inbox["messages"][0]["id"]), response->message_id);
}

TEST_F(ListenerIntegrationTest, UnsupportedRequestsAreAnsweredAndTheBindGoesOn) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  smpp::SubmitMulti multi;
  multi.source = {1, 1, kPhoneDigits};
  multi.destinations.push_back(smpp::MultiDestination{});
  multi.destinations.back().address = {3, 0, kShortCode};
  const std::string text = "to many";
  multi.short_message.assign(text.begin(), text.end());
  auto answered = client->request(smpp::Body{multi}, kTimeout);
  ASSERT_TRUE(answered) << "submit_multi got no answer";
  EXPECT_EQ(answered->status, smpp::status::inv_cmd_id);
  auto next = client->submit(kPhoneDigits, kShortCode, "Still bound", kTimeout);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, smpp::status::ok);
}

// query_sm about a submitted MO says DELIVERED (it is stored); cancel_sm and replace_sm find
// it in that final state; unknown and malformed ids are told apart.
TEST_F(ListenerIntegrationTest, QueryCancelAndReplaceOfASubmittedMo) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto submitted = client->submit(kPhoneDigits, kShortCode, "Query me", kTimeout);
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, smpp::status::ok);

  smpp::QuerySm query;
  query.message_id = submitted->message_id;
  query.source = {1, 1, kPhoneDigits};
  auto found = client->request(smpp::Body{query}, kTimeout);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, smpp::status::ok);
  EXPECT_EQ(found->message_id, submitted->message_id);
  EXPECT_EQ(found->message_state, 2);  // DELIVERED
  EXPECT_EQ(found->final_date.size(), 16u) << found->final_date;
  EXPECT_EQ(found->final_date.substr(13), "00+");

  query.message_id = "999999";
  EXPECT_EQ(client->request(smpp::Body{query}, kTimeout)->status, smpp::status::query_fail);
  query.message_id = "not-an-id";
  EXPECT_EQ(client->request(smpp::Body{query}, kTimeout)->status, smpp::status::inv_msg_id);

  smpp::CancelSm cancel;
  cancel.message_id = submitted->message_id;
  cancel.source = {1, 1, kPhoneDigits};
  cancel.destination = {3, 0, kShortCode};
  EXPECT_EQ(client->request(smpp::Body{cancel}, kTimeout)->status, smpp::status::cancel_fail);
  smpp::ReplaceSm replace;
  replace.message_id = submitted->message_id;
  replace.source = {1, 1, kPhoneDigits};
  const std::string text = "changed";
  replace.short_message.assign(text.begin(), text.end());
  EXPECT_EQ(client->request(smpp::Body{replace}, kTimeout)->status, smpp::status::replace_fail);
}

// Two parts with a concatenation UDH (8-bit reference 0x2A); part 1 is sent twice.
smpp::Body long_mo_part(std::uint8_t seq, const std::string& text) {
  smpp::SubmitSm submit;
  submit.source = {1, 1, kPhoneDigits};
  submit.destination = {3, 0, kShortCode};
  submit.esm_class = smpp::esm::udhi;
  submit.short_message = {0x05, 0x00, 0x03, 0x2A, 0x02, seq};
  submit.short_message.insert(submit.short_message.end(), text.begin(), text.end());
  return smpp::Body{std::move(submit)};
}

// A carrier with window 1 sends a part only after the previous one was answered, so each part
// is answered once it is stored on its own; a part sent again (its response lost) is answered
// with the same id and stored once.
TEST_F(ListenerIntegrationTest, LongMoPartsAreEachAcknowledgedAtWindowOne_RepeatedPartStoredOnce) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto answer = [&](const smpp::Body& part) -> std::optional<std::string> {
    auto sequence = client->send(part);
    if (!sequence) return std::nullopt;
    auto response = client->wait_response(*sequence, kTimeout);
    if (!response || response->status != smpp::status::ok) return std::nullopt;
    return response->message_id;
  };
  auto first = answer(long_mo_part(1, "First half, "));
  ASSERT_TRUE(first) << "part 1 was not answered ESME_ROK on its own";
  auto repeated = answer(long_mo_part(1, "First half, "));
  ASSERT_TRUE(repeated) << "a repeated part was not answered";
  EXPECT_EQ(*repeated, *first) << "a repeated part is the same part";
  EXPECT_EQ(get("/v1/inbox?phone=%2B14155550100")["messages"].size(), 0u)
      << "an incomplete message is not in the Inbox yet";
  auto second = answer(long_mo_part(2, "second half."));
  ASSERT_TRUE(second) << "part 2 was not answered ESME_ROK";
  EXPECT_NE(*second, *first) << "message ids are unique per part";
  auto inbox = get("/v1/inbox?phone=%2B14155550100");
  ASSERT_EQ(inbox["messages"].size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox["messages"][0]["text"], "First half, second half.");
}

TEST_F(ListenerIntegrationTest, KeywordMoGetsItsReplyAsDeliverSm) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto response = client->submit(kPhoneDigits, kShortCode, "SPRING", kTimeout);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, smpp::status::ok);

  auto reply = client->wait_deliver_sm(kTimeout);
  ASSERT_TRUE(reply) << "no deliver_sm with the join reply";
  EXPECT_EQ(reply->source.addr, kShortCode);
  EXPECT_EQ(reply->destination.addr, kPhoneDigits);
  EXPECT_EQ(reply->destination.ton, 1);
  EXPECT_EQ(reply->data_coding, 0);
  EXPECT_EQ(text_of(*reply), kJoinReply);

  auto inbox = get("/v1/inbox?phone=%2B14155550100");
  ASSERT_EQ(inbox["messages"].size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox["messages"][0]["campaign"], "spring-promo");
}

// An MO submit_sm from the test phone to the short code, asking for a receipt with
// `registered_delivery`.
smpp::SubmitSm mo_asking_receipt(const std::string& text, std::uint8_t registered_delivery = 1) {
  smpp::SubmitSm submit;
  submit.source = {1, 1, kPhoneDigits};
  submit.destination = {3, 0, kShortCode};
  submit.registered_delivery = registered_delivery;
  submit.short_message.assign(text.begin(), text.end());
  return submit;
}

// A carrier that asks for delivery receipts (registered_delivery 1) gets one per MO after
// its commit: stat DELIVRD, its id the message id of the submit_sm_resp.
TEST_F(ListenerIntegrationTest, MoAskingForAReceiptGetsDelivrdWithItsMessageId) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto response =
      client->request(smpp::Body{mo_asking_receipt("Running late, see you at 5")}, kTimeout);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, smpp::status::ok);

  auto receipt = client->wait_deliver_sm(kTimeout);
  ASSERT_TRUE(receipt) << "no delivery receipt";
  EXPECT_EQ(receipt->esm_class & smpp::esm::message_type_mask, smpp::esm::smsc_delivery_receipt);
  EXPECT_EQ(receipt->source.addr, kShortCode);
  EXPECT_EQ(receipt->destination.addr, kPhoneDigits);
  EXPECT_EQ(receipt->tlvs.receipted_message_id, response->message_id);
  EXPECT_EQ(receipt->tlvs.message_state, 2);  // DELIVERED
  auto parsed = smpp::parse_delivery_receipt(text_of(*receipt));
  ASSERT_TRUE(parsed) << text_of(*receipt);
  EXPECT_EQ(parsed->id, response->message_id);
  EXPECT_EQ(parsed->stat, "DELIVRD");
  EXPECT_EQ(parsed->text, "Running late, see yo");

  // Without registered_delivery, or asking for failure receipts only, nothing comes.
  ASSERT_EQ(client->submit(kPhoneDigits, kShortCode, "no receipt please", kTimeout)->status,
            smpp::status::ok);
  ASSERT_EQ(client->request(smpp::Body{mo_asking_receipt("failures only", 2)}, kTimeout)->status,
            smpp::status::ok);
  EXPECT_FALSE(client->wait_deliver_sm(milliseconds(500)));
}

// An MO that came on a transmitter bind has its receipt sent on the account's receiver bind.
TEST_F(ListenerIntegrationTest, ReceiptOfAnMoFromATransmitterGoesToTheAccountsReceiver) {
  auto receiver = connect();
  ASSERT_TRUE(receiver);
  ASSERT_EQ(receiver->bind(BindType::receiver, "carrier-b", "secret", kTimeout)->status,
            smpp::status::ok);
  auto transmitter = connect();
  ASSERT_TRUE(transmitter);
  ASSERT_EQ(transmitter->bind(BindType::transmitter, "carrier-b", "secret", kTimeout)->status,
            smpp::status::ok);
  auto response = transmitter->request(smpp::Body{mo_asking_receipt("hello")}, kTimeout);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, smpp::status::ok);
  auto receipt = receiver->wait_deliver_sm(kTimeout);
  ASSERT_TRUE(receipt) << "no delivery receipt on the receiver bind";
  EXPECT_EQ(receipt->tlvs.receipted_message_id, response->message_id);
}

// The receipted_message_id of the next `n` receipts on `client` (fewer if they stop coming).
std::set<std::string> receipted_ids(SmppTestClient& client, std::size_t n) {
  std::set<std::string> got;
  while (got.size() < n) {
    auto receipt = client.wait_deliver_sm(kTimeout);
    if (!receipt || !receipt->tlvs.receipted_message_id) break;
    got.insert(*receipt->tlvs.receipted_message_id);
  }
  return got;
}

// Receipts a bind had not answered when it closed (sent and unanswered, or still waiting)
// go out on another receiver bind of the account.
TEST_F(ListenerIntegrationTest, ReceiptsUnansweredWhenABindClosesGoToAnotherBindOfTheAccount) {
  auto first = bound_client();  // a transceiver: its MOs' receipts come back on it
  ASSERT_TRUE(first);
  auto second = connect();
  ASSERT_TRUE(second);
  ASSERT_EQ(second->bind(BindType::receiver, "carrier-b", "secret", kTimeout)->status,
            smpp::status::ok);
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto response =
        first->request(smpp::Body{mo_asking_receipt("mo " + std::to_string(i))}, kTimeout);
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, smpp::status::ok);
    ids.insert(response->message_id);
  }
  // The first bind answers none of its receipts; then its connection drops.
  first.reset();
  EXPECT_EQ(receipted_ids(*second, ids.size()), ids);
}

// With no bind of the account that takes deliver_sm, receipts wait for the next one: an MO
// from a transmitter bound alone, and the receipts a transceiver left unanswered when its
// connection dropped, all come out on the receiver that binds afterwards.
TEST_F(ListenerIntegrationTest, ReceiptsWaitForTheAccountsNextReceiverBind) {
  std::set<std::string> ids;
  auto transmitter = connect();
  ASSERT_TRUE(transmitter);
  ASSERT_EQ(transmitter->bind(BindType::transmitter, "carrier-b", "secret", kTimeout)->status,
            smpp::status::ok);
  auto response =
      transmitter->request(smpp::Body{mo_asking_receipt("from a transmitter")}, kTimeout);
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, smpp::status::ok);
  ids.insert(response->message_id);
  {
    auto transceiver = bound_client();  // answers none of its receipts, then drops
    ASSERT_TRUE(transceiver);
    for (int i = 0; i < 3; ++i) {
      auto r = transceiver->request(
          smpp::Body{mo_asking_receipt("dropped bind " + std::to_string(i))}, kTimeout);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, smpp::status::ok);
      ids.insert(r->message_id);
    }
  }
  // The transmitter's receipt, held until the transceiver bound, went out on it unanswered
  // too. Let the daemon see the drop first, so that all four are held again (a receiver
  // bound earlier would take them at once).
  std::this_thread::sleep_for(milliseconds(300));
  auto receiver = connect();
  ASSERT_TRUE(receiver);
  ASSERT_EQ(receiver->bind(BindType::receiver, "carrier-b", "secret", kTimeout)->status,
            smpp::status::ok);
  EXPECT_EQ(receipted_ids(*receiver, ids.size()), ids);
}

TEST_F(ListenerIntegrationTest, MoToAShortCodeOfNoOtherAccountIsRefused) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto response = client->submit(kPhoneDigits, "67891", "Hello", kTimeout);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, smpp::status::inv_dst_adr);
  auto inbox = get("/v1/inbox?phone=%2B14155550100");
  EXPECT_EQ(inbox["messages"].size(), 0u) << inbox.dump();
  // The bind goes on.
  auto next = client->submit(kPhoneDigits, kShortCode, "Hello", kTimeout);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, smpp::status::ok);
}

TEST_F(ListenerIntegrationTest, MtToTheAccountsShortCodeGoesOutAsDeliverSm) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  admin::testing::HttpClient http("127.0.0.1", daemon_->admin_port());
  const std::string body =
      R"({"to":"+14155550100","campaign":"spring-promo","text":"Admin says hello"})";
  auto posted = http.request("POST", "/v1/messages", body, "application/json", daemon_->token());
  ASSERT_EQ(posted.status, 202) << posted.body;
  const auto id = id_text(nlohmann::json::parse(posted.body, nullptr, false)["id"]);

  auto mt = client->wait_deliver_sm(kTimeout);
  ASSERT_TRUE(mt) << "no deliver_sm";
  EXPECT_EQ(mt->source.addr, kShortCode);
  EXPECT_EQ(mt->destination.addr, kPhoneDigits);
  EXPECT_EQ(text_of(*mt), "Admin says hello");

  // deliver_sm_resp OK makes the record submitted.
  std::string status;
  const auto until = std::chrono::steady_clock::now() + kTimeout;
  while (std::chrono::steady_clock::now() < until) {
    auto record = get("/v1/messages/" + id);
    status = record.value("status", "");
    if (status == "submitted") break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(status, "submitted");
}

TEST_F(ListenerIntegrationTest, ReloadUnbindsAChangedAccountAndTheNewPasswordBinds) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  daemon_->reload_with_password("newpw");
  EXPECT_TRUE(client->wait_unbound_by_peer(kTimeout));
  auto old_pw = connect();
  ASSERT_TRUE(old_pw);
  auto refused = old_pw->bind(BindType::transceiver, "carrier-b", "secret", kTimeout);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, smpp::status::bind_fail);
  auto new_pw = connect();
  ASSERT_TRUE(new_pw);
  // One failure from this address: the answer waits 1 s, then binds.
  auto accepted = new_pw->bind(BindType::transceiver, "carrier-b", "newpw", kTimeout);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, smpp::status::ok);
}

TEST_F(ListenerIntegrationTest, SigtermUnbindsListenerSessionsAndExitsZero) {
  auto client = bound_client();
  ASSERT_TRUE(client);
  auto response = client->submit(kPhoneDigits, kShortCode, "Before shutdown", kTimeout);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, smpp::status::ok);
  std::optional<int> status;
  std::thread stopper([&] { status = daemon_->stop(); });
  // Answered while the daemon stops: it waits for our unbind_resp.
  EXPECT_TRUE(client->wait_unbound_by_peer(kTimeout));
  stopper.join();
  ASSERT_TRUE(status.has_value()) << "smppgwd did not stop";
  EXPECT_EQ(*status, 0);
}

}  // namespace
}  // namespace smppgw::testing
