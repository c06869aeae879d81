// The rendering of GET /v1/subscribers/{phone}/evidence (daemon/admin/subscriber_evidence.*):
// which ref names an Inbox row, and the CSV an operator opens in a spreadsheet. The reads
// are tested against the real daemon (the OpenAPI contract test).
#include "daemon/admin/subscriber_evidence.hpp"

#include <gtest/gtest.h>

namespace smppgw::admin {
namespace {

store::Timestamp at(std::int64_t ms) {
  return store::Timestamp{std::chrono::milliseconds(ms)};
}

TEST(SubscriberEvidence, TheInboxRowARefNames) {
  EXPECT_EQ(evidence_inbox_id("mo:42"), 42u);
  EXPECT_EQ(evidence_inbox_id("admin:alice inbox:7"), 7u);
  EXPECT_EQ(evidence_inbox_id("admin:alice inbox:7 more"), 7u);
  // Not an Inbox reference: a Manual Opt-Out's request id, a word that only ends in it, junk.
  EXPECT_EQ(evidence_inbox_id("admin:bob optout:9"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id("admin:bob xinbox:9"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id("mo:"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id("mo:4x"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id("mo:0"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id("mo:99999999999999999999"), std::nullopt);
  EXPECT_EQ(evidence_inbox_id(""), std::nullopt);
}

SubscriberEvidence sample() {
  SubscriberEvidence e;
  e.phone = "+14155550100";
  e.generated_at = at(1'700'000'100'000);
  EvidenceChange stop;
  stop.event.id = 3;
  stop.event.at = at(1'700'000'000'000);
  stop.event.phone = e.phone;
  stop.event.campaign = "spring";
  stop.event.from_state = store::SubscriptionState::subscribed;
  stop.event.to_state = store::SubscriptionState::opted_out;
  stop.event.ref = "mo:12";
  stop.event.reason = "STOP";
  stop.event.prev_hash = store::AuditHash{};
  store::InboxMessage mo;
  mo.id = 12;
  mo.received_at = stop.event.at;
  mo.from = e.phone;
  mo.to = "12345";
  mo.text = "Stop, \"please\"";
  stop.message = mo;
  for (std::uint64_t id : {20, 21}) {
    store::OutboxMessage r;
    r.id = id;
    r.kind = store::OutboxKind::stop_confirmation;
    r.status = id == 20 ? store::OutboxStatus::delivered : store::OutboxStatus::queued;
    r.text = "You are unsubscribed";
    r.parts = {store::OutboxPart{}};
    if (id == 20) r.parts[0].carrier_message_id = "ABC";
    r.updated_at = at(1'700'000'000'500);
    stop.replies.push_back(r);
  }
  e.changes.push_back(stop);
  EvidenceChange manual;  // a Manual Opt-Out of every campaign: no message, no reply
  manual.event.id = 4;
  manual.event.at = at(1'700'000'050'000);
  manual.event.phone = e.phone;
  manual.event.campaign = store::kAllCampaigns;
  manual.event.source = store::ChangeSource::csv;
  manual.event.ref = "admin:bob optout:r1";
  manual.event.reason = "csv upload";
  e.changes.push_back(manual);
  return e;
}

TEST(SubscriberEvidence, CsvHasOneQuotedRowAChangeWithTheRepliesOneALine) {
  const std::string zeros(64, '0');
  const std::string want =
      std::string(kEvidenceCsvHeader) +
      "3,2023-11-14T22:13:20.000Z,+14155550100,spring,subscribed,opted_out,sms,mo:12,STOP," +
      zeros + ",12,2023-11-14T22:13:20.000Z,\"Stop, \"\"please\"\"\",\"20\n21\"," +
      "\"stop_confirmation\nstop_confirmation\",\"You are unsubscribed\nYou are unsubscribed\"," +
      "\"delivered\nqueued\",\"ABC\n\",\"2023-11-14T22:13:20.500Z\n2023-11-14T22:13:20.500Z\"\r\n" +
      "4,2023-11-14T22:14:10.000Z,+14155550100,all,,opted_out,csv,admin:bob optout:r1," +
      "csv upload," + zeros + ",,,,,,,,,\r\n";
  EXPECT_EQ(evidence_csv(sample()), want);
}

TEST(SubscriberEvidence, JsonNestsTheMessageAndRepliesUnderEachChange) {
  const Json j = evidence_json(sample());
  EXPECT_EQ(j["phone"], "+14155550100");
  EXPECT_EQ(j["generated_at"], "2023-11-14T22:15:00.000Z");
  ASSERT_EQ(j["changes"].size(), 2u);
  EXPECT_EQ(j["changes"][0]["event"]["ref"], "mo:12");
  EXPECT_EQ(j["changes"][0]["message"]["text"], "Stop, \"please\"");
  ASSERT_EQ(j["changes"][0]["replies"].size(), 2u);
  EXPECT_EQ(j["changes"][0]["replies"][0]["status"], "delivered");
  EXPECT_EQ(j["changes"][0]["replies"][0]["carrier_message_id"], "ABC");
  EXPECT_TRUE(j["changes"][1]["message"].is_null());
  EXPECT_EQ(j["changes"][1]["event"]["campaign"], "all");
  EXPECT_TRUE(j["changes"][1]["replies"].empty());
}

}  // namespace
}  // namespace smppgw::admin
