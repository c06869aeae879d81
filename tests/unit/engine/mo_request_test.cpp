// The MO write request against a real LMDB store (temporary state_dir) through the real
// writer: what a committed MO leaves in the store, and that a failing MO leaves nothing.
#include "daemon/engine/mo_request.hpp"

#include <gtest/gtest.h>

#include <future>

#include "store/store.hpp"
#include "store/writer.hpp"
#include "tests/unit/engine/engine_test_support.hpp"

namespace smppgw::engine {
namespace {

using store::InboxKind;
using store::SubscriptionState;

constexpr const char* kPhone = "+14155552671";

class MoRequestTest : public test::StoreTest {
 protected:
  // Sends one MO through the writer and waits for its durable completion.
  std::pair<std::error_code, MoResult> send(const std::string& to, const std::string& text,
                                            const std::string& from = kPhone) {
    std::promise<std::pair<std::error_code, MoResult>> done;
    auto future = done.get_future();
    const MoMessage mo{from, to, text, test::t(++clock_), "link-a"};
    auto ec =
        writer_->submit(make_mo_request(engine_, mo, [&done](std::error_code e, const MoResult& r) {
          done.set_value({e, r});
        }));
    EXPECT_FALSE(ec) << ec.message();
    return future.get();
  }

  std::optional<SubscriptionState> state(const std::string& campaign) {
    return store_->state(kPhone, campaign).value();
  }

  std::shared_ptr<const KeywordEngine> engine_ = test::test_engine();
  std::int64_t clock_ = 0;
};

TEST_F(MoRequestTest, KeywordCommitsInboxRowSubscriptionAuditAndReply) {
  auto [ec, r] = send("12345", "Spring!");
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(r.decision.kind, InboxKind::keyword);
  EXPECT_EQ(r.changed, 1u);

  auto row = store_->inbox_message(r.inbox_id).value();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->from, kPhone);
  EXPECT_EQ(row->to, "12345");
  EXPECT_EQ(row->text, "Spring!");  // as received, not normalised
  EXPECT_EQ(row->kind, InboxKind::keyword);
  EXPECT_EQ(row->campaign, "spring");
  EXPECT_EQ(row->link, "link-a");
  EXPECT_EQ(row->received_at, test::t(1));

  auto sub = store_->subscriptions(kPhone).value();
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(sub[0].campaign, "spring");
  EXPECT_EQ(sub[0].state, SubscriptionState::subscribed);
  EXPECT_EQ(sub[0].source, store::ChangeSource::sms);
  EXPECT_EQ(sub[0].changed_by, "mo:" + std::to_string(r.inbox_id));

  store::AuditQuery q;
  q.phone = kPhone;
  auto audit = store_->audit_page(q).value();
  ASSERT_EQ(audit.events.size(), 1u);
  EXPECT_EQ(audit.events[0].ref, "mo:" + std::to_string(r.inbox_id));
  EXPECT_EQ(audit.events[0].reason, "keyword: SPRING");
  EXPECT_EQ(audit.events[0].to_state, SubscriptionState::subscribed);

  ASSERT_EQ(r.outbox_ids.size(), 1u);
  auto mt = store_->outbox_message(r.outbox_ids[0]).value();
  ASSERT_TRUE(mt);
  EXPECT_EQ(mt->to, kPhone);
  EXPECT_EQ(mt->from, "12345");
  EXPECT_EQ(mt->campaign, "spring");
  EXPECT_EQ(mt->text, "joined spring");
  EXPECT_EQ(mt->kind, store::OutboxKind::auto_reply);
  EXPECT_EQ(mt->status, store::OutboxStatus::queued);
  EXPECT_EQ(store_->pending_count("12345").value(), 1u);
}

TEST_F(MoRequestTest, StopThenOopsRestoresExactlyWhatStopEnded) {
  ASSERT_FALSE(send("12345", "SPRING").first);
  ASSERT_FALSE(send("12345", "TIPS").first);
  ASSERT_FALSE(send("67890", "CLINIC").first);

  auto [ec, stop] = send("12345", "Stop please");
  ASSERT_FALSE(ec);
  EXPECT_EQ(stop.decision.kind, InboxKind::stop);
  EXPECT_EQ(state("spring"), SubscriptionState::opted_out);
  EXPECT_EQ(state("tips"), SubscriptionState::opted_out);
  EXPECT_EQ(state("clinic"), SubscriptionState::subscribed);  // another short code
  auto last = store_->last_stop(kPhone, "12345").value();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->campaigns, (std::vector<std::string>{"spring", "tips"}));
  EXPECT_EQ(last->changed_by, "mo:" + std::to_string(stop.inbox_id));
  ASSERT_EQ(stop.outbox_ids.size(), 1u);  // exactly one confirmation
  auto confirmation = store_->outbox_message(stop.outbox_ids[0]).value();
  EXPECT_EQ(confirmation->kind, store::OutboxKind::stop_confirmation);
  EXPECT_EQ(confirmation->text, "stopped tips");  // the campaign joined last

  auto [ec2, text] = send("12345", "sorry!");
  ASSERT_FALSE(ec2);
  EXPECT_EQ(text.decision.kind, InboxKind::message);
  EXPECT_EQ(store_->inbox_message(text.inbox_id).value()->campaign, "tips");
  EXPECT_TRUE(text.outbox_ids.empty());

  auto [ec3, oops] = send("12345", "OOPS");
  ASSERT_FALSE(ec3);
  EXPECT_EQ(oops.decision.kind, InboxKind::resubscribe);
  EXPECT_EQ(state("spring"), SubscriptionState::subscribed);
  EXPECT_EQ(state("tips"), SubscriptionState::subscribed);
  EXPECT_FALSE(store_->last_stop(kPhone, "12345").value());
  ASSERT_EQ(oops.outbox_ids.size(), 1u);
  EXPECT_EQ(store_->outbox_message(oops.outbox_ids[0]).value()->text, "back tips");

  // A second OOPS has nothing left to restore: recorded and answered with help.
  auto [ec4, again] = send("12345", "oops");
  ASSERT_FALSE(ec4);
  EXPECT_EQ(again.decision.kind, InboxKind::resubscribe);
  EXPECT_EQ(again.changed, 0u);
  ASSERT_EQ(again.outbox_ids.size(), 1u);
  EXPECT_EQ(store_->outbox_message(again.outbox_ids[0]).value()->kind, store::OutboxKind::help);
}

TEST_F(MoRequestTest, StopAllCoversEveryCampaignUntilAKeywordLiftsOne) {
  ASSERT_FALSE(send("12345", "SPRING").first);
  auto [ec, all] = send("12345", "STOP ALL");
  ASSERT_FALSE(ec);
  EXPECT_EQ(all.decision.kind, InboxKind::stop_all);
  EXPECT_TRUE(store_->company_opt_out(kPhone).value());
  EXPECT_EQ(state("spring"), SubscriptionState::opted_out);
  EXPECT_EQ(state("clinic"), SubscriptionState::opted_out);  // never joined, still covered
  EXPECT_EQ(all.outbox_ids.size(), 1u);

  // HELP is answered while opted out.
  auto [ec2, help] = send("67890", "HELP");
  ASSERT_FALSE(ec2);
  ASSERT_EQ(help.outbox_ids.size(), 1u);
  EXPECT_EQ(store_->outbox_message(help.outbox_ids[0]).value()->text, "help clinic");

  auto [ec3, join] = send("67890", "clinic");
  ASSERT_FALSE(ec3);
  EXPECT_EQ(state("clinic"), SubscriptionState::subscribed);
  EXPECT_EQ(state("spring"), SubscriptionState::opted_out);
  EXPECT_EQ(state("tips"), SubscriptionState::opted_out);
  EXPECT_EQ(join.outbox_ids.size(), 1u);
}

TEST_F(MoRequestTest, EveryMoIsAnInboxRowInOrder) {
  const char* texts[] = {"hello", "HELP", "SPRING", "", "STOP", "OOPS", "STOPALL"};
  std::vector<std::uint64_t> ids;
  for (const char* t : texts) {
    auto [ec, r] = send("12345", t);
    ASSERT_FALSE(ec);
    ids.push_back(r.inbox_id);
  }
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(ids[i], ids[i - 1] + 1);
  store::InboxQuery q;
  q.phone = kPhone;
  auto page = store_->inbox_page(q).value();
  ASSERT_EQ(page.messages.size(), std::size(texts));
  EXPECT_EQ(page.messages.front().kind, InboxKind::stop_all);  // newest first
  EXPECT_EQ(page.messages.back().kind, InboxKind::message);
}

// A WriteTxn that forwards to the real one but fails enqueue_outbox: the MO's Inbox row and
// subscription change, written before the failure, must not survive.
class FailingOutbox : public store::WriteTxn {
 public:
  explicit FailingOutbox(store::WriteTxn& inner) : in_(inner) {}
  store::Result<std::optional<SubscriptionState>> state(std::string_view p,
                                                        std::string_view c) override {
    return in_.state(p, c);
  }
  store::Result<std::optional<store::Subscription>> subscription(std::string_view p,
                                                                 std::string_view c) override {
    return in_.subscription(p, c);
  }
  store::Result<std::vector<store::Subscription>> subscriptions(std::string_view p) override {
    return in_.subscriptions(p);
  }
  store::Result<std::optional<store::CompanyOptOut>> company_opt_out(std::string_view p) override {
    return in_.company_opt_out(p);
  }
  store::Result<store::SubscriptionChange> subscribe(std::string_view p, std::string_view c,
                                                     std::string_view s,
                                                     const store::ChangeContext& x) override {
    return in_.subscribe(p, c, s, x);
  }
  store::Result<store::SubscriptionChange> opt_out(std::string_view p, std::string_view c,
                                                   const store::ChangeContext& x) override {
    return in_.opt_out(p, c, x);
  }
  store::Result<CompanyOptOutChange> opt_out_company(std::string_view p,
                                                     const store::ChangeContext& x) override {
    return in_.opt_out_company(p, x);
  }
  std::error_code set_last_stop(const store::LastStop& s) override { return in_.set_last_stop(s); }
  store::Result<std::optional<store::LastStop>> last_stop(std::string_view p,
                                                          std::string_view s) override {
    return in_.last_stop(p, s);
  }
  store::Result<bool> clear_last_stop(std::string_view p, std::string_view s) override {
    return in_.clear_last_stop(p, s);
  }
  store::Result<std::optional<store::RecentJoin>> recent_join(std::string_view p,
                                                              std::string_view s) override {
    return in_.recent_join(p, s);
  }
  store::Result<std::uint64_t> add_inbox(const store::NewInboxMessage& m) override {
    return in_.add_inbox(m);
  }
  store::Result<std::optional<store::MoPartSet>> mo_part_set(
      const store::MoPartSetKey& k) override {
    return in_.mo_part_set(k);
  }
  store::Result<std::uint64_t> open_mo_part_set(const store::MoPartSetKey& k, std::string_view l,
                                                store::Timestamp at) override {
    return in_.open_mo_part_set(k, l, at);
  }
  std::error_code add_mo_part(const store::MoPartSetKey& k, const store::MoPart& p) override {
    return in_.add_mo_part(k, p);
  }
  std::error_code complete_mo_part_set(const store::MoPartSetKey& k, store::Timestamp at) override {
    return in_.complete_mo_part_set(k, at);
  }
  std::error_code drop_mo_part_set(const store::MoPartSetKey& k) override {
    return in_.drop_mo_part_set(k);
  }
  store::Result<std::vector<store::MoPartSetKey>> mo_part_sets_due(store::MoPartPhase p,
                                                                   store::Timestamp until,
                                                                   std::size_t limit) override {
    return in_.mo_part_sets_due(p, until, limit);
  }
  store::Result<std::optional<store::Timestamp>> oldest_mo_part_set(store::MoPartPhase p) override {
    return in_.oldest_mo_part_set(p);
  }
  store::Result<std::uint64_t> enqueue_outbox(const store::NewOutboxMessage&) override {
    return store::fail(store::StoreErrc::io_error);
  }
  store::Result<std::optional<store::OutboxMessage>> outbox(std::uint64_t id) override {
    return in_.outbox(id);
  }
  store::Result<store::OutboxStatus> record_part_submitted(std::uint64_t id, std::uint16_t part,
                                                           std::string_view l, std::string_view c,
                                                           std::string_view k,
                                                           store::Timestamp at) override {
    return in_.record_part_submitted(id, part, l, c, k, at);
  }
  store::Result<bool> finish_outbox(std::uint64_t id, store::OutboxStatus s, std::string_view e,
                                    store::Timestamp at) override {
    return in_.finish_outbox(id, s, e, at);
  }
  std::error_code count_attempt(std::uint64_t id, store::Timestamp at) override {
    return in_.count_attempt(id, at);
  }
  store::Result<std::optional<store::ReceiptOutcome>> apply_receipt(std::string_view l,
                                                                    std::string_view c,
                                                                    store::PartStatus s,
                                                                    std::string_view e,
                                                                    store::Timestamp at) override {
    return in_.apply_receipt(l, c, s, e, at);
  }
  store::Result<std::uint64_t> requeue_unacknowledged(store::Timestamp at) override {
    return in_.requeue_unacknowledged(at);
  }
  store::Result<store::OptOutBatchResult> apply_opt_out_batch(
      const store::OptOutBatch& b) override {
    return in_.apply_opt_out_batch(b);
  }
  store::Result<std::uint64_t> next_broadcast_id() override { return in_.next_broadcast_id(); }
  store::Result<store::BroadcastChunkResult> enqueue_broadcast_chunk(
      const store::BroadcastChunk& c) override {
    return in_.enqueue_broadcast_chunk(c);
  }
  std::error_code import_rows(std::span<const store::ExportRow> rows) override {
    return in_.import_rows(rows);
  }

 private:
  store::WriteTxn& in_;
};

TEST_F(MoRequestTest, AFailedMoLeavesNothingBehind) {
  std::promise<std::error_code> done;
  auto future = done.get_future();
  const MoMessage mo{kPhone, "12345", "SPRING", test::t(1), "link-a"};
  auto inner = make_mo_request(engine_, mo, [&](std::error_code ec, const MoResult& r) {
    EXPECT_EQ(r.inbox_id, 0u);  // a failed MO reports nothing as written
    done.set_value(ec);
  });
  store::WriteRequest req;
  req.apply = [apply = inner.apply](store::WriteTxn& txn) {
    FailingOutbox failing(txn);
    return apply(failing);
  };
  req.complete = inner.complete;
  ASSERT_FALSE(writer_->submit(std::move(req)));
  EXPECT_EQ(future.get(), store::make_error_code(store::StoreErrc::io_error));

  EXPECT_TRUE(store_->subscriptions(kPhone).value().empty());
  store::InboxQuery q;
  EXPECT_TRUE(store_->inbox_page(q).value().messages.empty());
  store::AuditQuery a;
  EXPECT_TRUE(store_->audit_page(a).value().events.empty());
  EXPECT_EQ(store_->pending_count("12345").value(), 0u);

  // The store still works: the same MO without the fault commits.
  auto [ec, r] = send("12345", "SPRING");
  ASSERT_FALSE(ec);
  EXPECT_EQ(state("spring"), SubscriptionState::subscribed);
}

TEST_F(MoRequestTest, ManyMosFromManyPhonesThroughOneWriter) {
  // Submitted without waiting, so the writer groups them into shared transactions.
  constexpr int kCount = 300;
  std::vector<std::promise<std::error_code>> done(kCount);
  for (int i = 0; i < kCount; ++i) {
    const std::string phone = "+1415555" + std::to_string(1000 + i);
    const char* text = (i % 3 == 0) ? "SPRING" : (i % 3 == 1 ? "TIPS" : "STOP");
    auto ec = writer_->submit(
        make_mo_request(engine_, MoMessage{phone, "12345", text, test::t(i), "a"},
                        [&done, i](std::error_code e, const MoResult&) { done[i].set_value(e); }));
    ASSERT_FALSE(ec);
  }
  for (auto& d : done) EXPECT_FALSE(d.get_future().get());
  for (int i = 0; i < kCount; ++i) {
    const std::string phone = "+1415555" + std::to_string(1000 + i);
    const auto st = store_->state(phone, i % 3 == 0 ? "spring" : "tips").value();
    EXPECT_EQ(st, i % 3 == 2 ? SubscriptionState::opted_out : SubscriptionState::subscribed)
        << phone;
  }
  EXPECT_EQ(store_->pending_count("12345").value(), static_cast<std::uint64_t>(kCount));
}

}  // namespace
}  // namespace smppgw::engine
