// The domain writes of WriteTxn (store/write_txn.hpp) on both backends: subscription
// rules (company-wide opt-out, OOPS data), audit events, counts, outbox life cycle and
// receipts, bulk opt-out and broadcast chunks. Every test ends with the invariant check.
#include <gtest/gtest.h>

#include <set>

#include "store/bulk.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

using SS = SubscriptionState;

ChangeContext sms(std::int64_t at, std::string_view ref = "mo:1", std::string_view why = "test") {
  return ChangeContext{t(at), ChangeSource::sms, ref, why};
}

class WriteTxnTest : public StoreFixture {};

TEST_P(WriteTxnTest, SubscribeWritesRecordAuditCountsAndRecentJoin) {
  SubscriptionChange got;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto c = w.subscribe("+14155550001", "spring", "12345", sms(1, "mo:7", "keyword SPRING"));
    if (!c) return c.error();
    got = *c;
    return std::error_code{};
  }));
  EXPECT_TRUE(got.changed);
  EXPECT_FALSE(got.before.has_value());
  EXPECT_EQ(got.after, SS::subscribed);

  auto subs = store->subscriptions("+14155550001");
  ASSERT_TRUE(subs);
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0], (Subscription{"+14155550001", "spring", SS::subscribed, t(1),
                                      ChangeSource::sms, "mo:7"}));
  EXPECT_EQ(*store->state("+14155550001", "spring"), SS::subscribed);
  EXPECT_EQ(*store->campaign_counts("spring"), (CampaignCounts{"spring", 1, 0}));
  auto join = store->recent_join("+14155550001", "12345");
  ASSERT_TRUE(join && *join);
  EXPECT_EQ((*join)->campaign, "spring");

  auto audit = store->audit_page(AuditQuery{"+14155550001", 50, std::nullopt});
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->events.size(), 1u);
  const auto& e = audit->events[0];
  EXPECT_EQ(e.campaign, "spring");
  EXPECT_FALSE(e.from_state.has_value());
  EXPECT_EQ(e.to_state, SS::subscribed);
  EXPECT_EQ(e.ref, "mo:7");
  EXPECT_EQ(e.reason, "keyword SPRING");
  EXPECT_EQ(e.at, t(1));
}

// A phone's subscriptions are read per campaign that has records (the keys of `counts`);
// inside a group that includes the campaigns the group itself gave their first record.
TEST_P(WriteTxnTest, SubscriptionsInsideAGroupIncludeItsOwnFirstRecordsOfACampaign) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe("+14155550001", "a", "12345", sms(1));
    return std::error_code{};
  }));
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto campaigns = [&] {
      std::vector<std::string> out;
      auto subs = w.subscriptions("+14155550001");
      if (subs) {
        for (const auto& s : *subs) out.push_back(s.campaign);
      }
      return out;
    };
    EXPECT_EQ(campaigns(), std::vector<std::string>{"a"});
    (void)w.subscribe("+14155550001", "b", "12345", sms(2));  // b's first record
    EXPECT_EQ(campaigns(), (std::vector<std::string>{"a", "b"}));
    auto ended = w.opt_out_company("+14155550001", sms(3));
    EXPECT_TRUE(ended && ended->ended == (std::vector<std::string>{"a", "b"}));
    return std::error_code{};
  }));
  EXPECT_EQ(*store->state("+14155550001", "b"), SS::opted_out);
  EXPECT_EQ(*store->campaign_counts("b"), (CampaignCounts{"b", 0, 1}));
}

TEST_P(WriteTxnTest, RejoiningIsNoChangeButMovesRecentJoin) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe("+14155550001", "a", "12345", sms(1));
    (void)w.subscribe("+14155550001", "b", "12345", sms(2));
    auto again = w.subscribe("+14155550001", "a", "12345", sms(3));
    EXPECT_TRUE(again && !again->changed && again->before == SS::subscribed);
    return std::error_code{};
  }));
  EXPECT_EQ((*store->recent_join("+14155550001", "12345"))->campaign, "a");
  EXPECT_EQ((*store->recent_join("+14155550001", "12345"))->at, t(3));
  EXPECT_EQ(store->audit_page(AuditQuery{})->events.size(), 2u);  // no event for a no-change
  EXPECT_FALSE(store->recent_join("+14155550001", "99999")->has_value());
}

TEST_P(WriteTxnTest, OptOutOfOneCampaignAndAgainIsNoChange) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe("+14155550001", "a", "12345", sms(1));
    (void)w.subscribe("+14155550001", "b", "12345", sms(1));
    auto first = w.opt_out("+14155550001", "a", sms(2, "req-1", "admin opt-out"));
    EXPECT_TRUE(first && first->changed && first->before == SS::subscribed);
    auto second = w.opt_out("+14155550001", "a", sms(3));
    EXPECT_TRUE(second && !second->changed && second->before == SS::opted_out);
    return std::error_code{};
  }));
  EXPECT_EQ(*store->state("+14155550001", "a"), SS::opted_out);
  EXPECT_EQ(*store->state("+14155550001", "b"), SS::subscribed);
  EXPECT_EQ(*store->campaign_counts("a"), (CampaignCounts{"a", 0, 1}));
  EXPECT_EQ(*store->campaign_counts("b"), (CampaignCounts{"b", 1, 0}));
  EXPECT_EQ(store->audit_page(AuditQuery{})->events.size(), 3u);
}

TEST_P(WriteTxnTest, OptOutOfNeverJoinedCampaignCreatesRecord) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto c = w.opt_out("+14155550002", "a", sms(1));
    EXPECT_TRUE(c && c->changed && !c->before);
    return std::error_code{};
  }));
  EXPECT_EQ(*store->state("+14155550002", "a"), SS::opted_out);
  EXPECT_EQ(*store->campaign_counts("a"), (CampaignCounts{"a", 0, 1}));
}

TEST_P(WriteTxnTest, CompanyWideOptOutCoversCampaignAddedLater) {
  const std::string p = "+14155550003";
  WriteTxn::CompanyOptOutChange change;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(p, "a", "12345", sms(1));
    (void)w.subscribe(p, "b", "67890", sms(1));
    (void)w.opt_out(p, "c", sms(1));
    auto c = w.opt_out_company(p, sms(2, "mo:9", "STOP ALL"));
    if (!c) return c.error();
    change = *c;
    return std::error_code{};
  }));
  EXPECT_TRUE(change.changed);
  EXPECT_EQ(change.ended, (std::vector<std::string>{"a", "b"}));
  // "later" did not exist at the time of the opt-out and has no record.
  EXPECT_EQ(*store->state(p, "later"), SS::opted_out);
  EXPECT_EQ(*store->state(p, "a"), SS::opted_out);
  EXPECT_EQ(*store->company_opt_out_count(), 1u);
  auto company = store->company_opt_out(p);
  ASSERT_TRUE(company && *company);
  EXPECT_EQ((*company)->changed_by, "mo:9");

  // A keyword join lifts it for that campaign only.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto j = w.subscribe(p, "later", "12345", sms(3));
    EXPECT_TRUE(j && j->changed && j->before == SS::opted_out);
    return std::error_code{};
  }));
  EXPECT_EQ(*store->state(p, "later"), SS::subscribed);
  EXPECT_EQ(*store->state(p, "even-later"), SS::opted_out);
  EXPECT_EQ(*store->state(p, "a"), SS::opted_out);

  // Audit: a, b, c, then a→out, b→out, "*", then later.
  auto audit = store->audit_page(AuditQuery{p, 50, std::nullopt});
  ASSERT_EQ(audit->events.size(), 7u);
  EXPECT_EQ(audit->events[1].campaign, "*");
  EXPECT_EQ(audit->events[1].to_state, SS::opted_out);

  // A second company-wide opt-out ends only "later" now; a third changes nothing.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto again = w.opt_out_company(p, sms(4));
    EXPECT_TRUE(again && again->changed && again->ended == std::vector<std::string>{"later"});
    auto third = w.opt_out_company(p, sms(5));
    EXPECT_TRUE(third && !third->changed && third->ended.empty());
    return std::error_code{};
  }));
  EXPECT_EQ(*store->company_opt_out_count(), 1u);
}

TEST_P(WriteTxnTest, OopsDataRestoresExactlyWhatLastStopEnded) {
  const std::string p = "+14155550004";
  // a, b subscribed and c opted out on 12345; d subscribed on 67890.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(p, "a", "12345", sms(1));
    (void)w.subscribe(p, "b", "12345", sms(2));
    (void)w.opt_out(p, "c", sms(3));
    (void)w.subscribe(p, "d", "67890", sms(4));
    return std::error_code{};
  }));
  // STOP on 12345, as the engine does it: opt out of every campaign of the short code and
  // remember the ones that were subscribed.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    LastStop stop{p, "12345", t(5), "mo:20", {}};
    for (const char* c : {"a", "b", "c"}) {
      auto r = w.opt_out(p, c, sms(5, "mo:20", "STOP"));
      if (!r) return r.error();
      if (r->before == SS::subscribed) stop.campaigns.emplace_back(c);
    }
    return w.set_last_stop(stop);
  }));
  auto stop = store->last_stop(p, "12345");
  ASSERT_TRUE(stop && *stop);
  EXPECT_EQ(**stop, (LastStop{p, "12345", t(5), "mo:20", {"a", "b"}}));
  EXPECT_FALSE(store->last_stop(p, "67890")->has_value());

  // OOPS: restore and forget.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto last = w.last_stop(p, "12345");
    if (!last) return last.error();
    for (const auto& c : (*last)->campaigns) {
      if (auto r = w.subscribe(p, c, "12345", sms(6, "mo:21", "OOPS")); !r) return r.error();
    }
    auto cleared = w.clear_last_stop(p, "12345");
    EXPECT_TRUE(cleared && *cleared);
    auto again = w.clear_last_stop(p, "12345");
    EXPECT_TRUE(again && !*again);
    return std::error_code{};
  }));
  EXPECT_EQ(*store->state(p, "a"), SS::subscribed);
  EXPECT_EQ(*store->state(p, "b"), SS::subscribed);
  EXPECT_EQ(*store->state(p, "c"), SS::opted_out);   // was not ended by the STOP
  EXPECT_EQ(*store->state(p, "d"), SS::subscribed);  // other short code untouched
  EXPECT_FALSE(store->last_stop(p, "12345")->has_value());
}

TEST_P(WriteTxnTest, BadInputIsRefusedAndChangesNothing) {
  auto ec = write([&](WriteTxn& w) {
    (void)w.subscribe("+14155550005", "a", "12345", sms(1));
    auto bad = w.subscribe(std::string("+1\0x", 4), "a", "12345", sms(1));
    return bad ? std::error_code{} : bad.error();
  });
  EXPECT_EQ(ec, StoreErrc::invalid_argument);
  EXPECT_TRUE(store->subscriptions("+14155550005")->empty());  // rolled back with it
  EXPECT_EQ(write([](WriteTxn& w) { return w.opt_out("", "a", sms(1)).error(); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([](WriteTxn& w) {
              NewOutboxMessage m;
              m.to = "+1";
              m.from = "1";
              m.segments = 0;
              return w.enqueue_outbox(m).error();
            }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store->state("", "a").error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store->inbox_page(InboxQuery{std::nullopt, std::nullopt, 0, std::nullopt}).error(),
            StoreErrc::invalid_argument);
}

TEST_P(WriteTxnTest, CountsStayExactThroughManyChanges) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 50; ++i) {
      std::string p = "+1415555" + std::to_string(1000 + i);
      (void)w.subscribe(p, "a", "1", sms(1));
      if (i % 3 == 0) (void)w.opt_out(p, "a", sms(2));
      if (i % 5 == 0) (void)w.subscribe(p, "b", "1", sms(3));
      if (i % 7 == 0) (void)w.opt_out_company(p, sms(4));
    }
    return std::error_code{};
  }));
  std::uint64_t a_sub = 0, a_out = 0, b_sub = 0, b_out = 0;
  for (int i = 0; i < 50; ++i) {
    std::string p = "+1415555" + std::to_string(1000 + i);
    bool out_a = i % 3 == 0 || i % 7 == 0;
    (out_a ? a_out : a_sub)++;
    if (i % 5 == 0) (i % 7 == 0 ? b_out : b_sub)++;
  }
  EXPECT_EQ(*store->campaign_counts("a"), (CampaignCounts{"a", a_sub, a_out}));
  EXPECT_EQ(*store->campaign_counts("b"), (CampaignCounts{"b", b_sub, b_out}));
  auto all = store->all_campaign_counts();
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<CampaignCounts>{{"a", a_sub, a_out}, {"b", b_sub, b_out}}));
  EXPECT_EQ(*store->company_opt_out_count(), 8u);  // i = 0, 7, ..., 49
  EXPECT_EQ(*store->campaign_counts("none"), (CampaignCounts{"none", 0, 0}));
}

// ---- Outbox ----

NewOutboxMessage mt(std::string to, std::uint16_t segments = 1, std::string from = "12345") {
  NewOutboxMessage m;
  m.at = t(10);
  m.to = std::move(to);
  m.from = std::move(from);
  m.campaign = "a";
  m.text = "hello";
  m.kind = OutboxKind::chat;
  m.segments = segments;
  return m;
}

TEST_P(WriteTxnTest, SinglePartLifeCycleQueuedSubmittedDelivered) {
  std::uint64_t id = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.enqueue_outbox(mt("+14155550010"));
    if (!r) return r.error();
    id = *r;
    return std::error_code{};
  }));
  EXPECT_EQ(id, 1u);
  auto pending = store->pending_outbox("12345", 0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].status, OutboxStatus::queued);
  EXPECT_EQ((*pending)[0].parts.size(), 1u);
  EXPECT_EQ(*store->pending_count("12345"), 1u);

  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto s = w.record_part_submitted(id, 0, "carrier-a", "ABC123", "ABC123", t(11));
    EXPECT_TRUE(s && *s == OutboxStatus::submitted);
    return std::error_code{};
  }));
  EXPECT_TRUE(store->pending_outbox("12345", 0, 10)->empty());
  auto ref = store->find_by_carrier_id("carrier-a", "ABC123");
  ASSERT_TRUE(ref && *ref);
  EXPECT_EQ((*ref)->outbox_id, id);
  EXPECT_FALSE(store->find_by_carrier_id("carrier-b", "ABC123")->has_value());

  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.apply_receipt("carrier-a", "ABC123", PartStatus::delivered, "", t(12));
    EXPECT_TRUE(r && *r && (*r)->status == OutboxStatus::delivered && (*r)->status_changed);
    auto unknown = w.apply_receipt("carrier-a", "nope", PartStatus::delivered, "", t(12));
    EXPECT_TRUE(unknown && !*unknown);
    return std::error_code{};
  }));
  auto m = store->outbox_message(id);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->status, OutboxStatus::delivered);
  EXPECT_EQ((*m)->created_at, t(10));
  EXPECT_EQ((*m)->updated_at, t(12));
  EXPECT_EQ((*m)->parts[0].carrier_message_id, "ABC123");
}

TEST_P(WriteTxnTest, ARecordKeepsWhoPostedItThroughItsLifeCycleAndAReopen) {
  std::uint64_t posted = 0, own = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto m = mt("+14155550010");
    m.sent_by = "maria";
    auto a = w.enqueue_outbox(m);
    auto b = w.enqueue_outbox(mt("+14155550011"));  // the gateway's own: no user
    if (!a || !b) return std::error_code(a ? b.error() : a.error());
    posted = *a;
    own = *b;
    return std::error_code{};
  }));
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.record_part_submitted(posted, 0, "carrier-a", "ABC123", "ABC123", t(11));
    (void)w.apply_receipt("carrier-a", "ABC123", PartStatus::delivered, "", t(12));
    return std::error_code{};
  }));
  reopen();
  auto m = store->outbox_message(posted);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->status, OutboxStatus::delivered);
  EXPECT_EQ((*m)->sent_by, "maria");
  EXPECT_EQ((*store->outbox_message(own))->sent_by, "");
  auto queued = store->pending_outbox("12345", 0, 10);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].sent_by, "");

  // A name past the text bound is refused like any other field, and nothing is queued.
  auto too_long = mt("+14155550012");
  too_long.sent_by.assign(64 * 1024 + 1, 'x');
  EXPECT_EQ(write([&](WriteTxn& w) {
              auto r = w.enqueue_outbox(too_long);
              return r ? std::error_code{} : r.error();
            }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(*store->pending_count("12345"), 1u);
}

TEST_P(WriteTxnTest, CarrierIdIsKeptAsWrittenAndReceiptsFindItByItsKey) {
  std::uint64_t id = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    id = *w.enqueue_outbox(mt("+14155550019"));
    EXPECT_EQ(*w.record_part_submitted(id, 0, "carrier-a", "0A1b2C", "662316", t(11)),
              OutboxStatus::submitted);
    return std::error_code{};
  }));
  auto m = *store->outbox_message(id);
  EXPECT_EQ(m->parts[0].carrier_message_id, "0A1b2C");
  EXPECT_EQ(m->parts[0].receipt_key, "662316");
  EXPECT_TRUE(store->find_by_carrier_id("carrier-a", "662316")->has_value());
  EXPECT_FALSE(store->find_by_carrier_id("carrier-a", "0A1b2C")->has_value());

  // A second acknowledgement with another id (a resend) moves the key; the first is gone.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto again = w.enqueue_outbox(mt("+14155550020", 2));
    EXPECT_EQ(*w.record_part_submitted(*again, 0, "carrier-a", "00012345", "12345", t(11)),
              OutboxStatus::queued);
    EXPECT_EQ(*w.record_part_submitted(*again, 0, "carrier-a", "00012346", "12346", t(12)),
              OutboxStatus::queued);
    return std::error_code{};
  }));
  EXPECT_FALSE(store->find_by_carrier_id("carrier-a", "12345")->has_value());
  EXPECT_TRUE(store->find_by_carrier_id("carrier-a", "12346")->has_value());

  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.apply_receipt("carrier-a", "662316", PartStatus::delivered, "", t(13));
    EXPECT_TRUE(r && *r && (*r)->status == OutboxStatus::delivered);
    return std::error_code{};
  }));
  m = *store->outbox_message(id);
  EXPECT_EQ(m->status, OutboxStatus::delivered);
  EXPECT_EQ(m->parts[0].carrier_message_id, "0A1b2C");  // still as written

  // Restart recovery clears the partly acknowledged record's key, not just its id.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.requeue_unacknowledged(t(20));
    EXPECT_TRUE(r && *r == 1u);
    return std::error_code{};
  }));
  EXPECT_FALSE(store->find_by_carrier_id("carrier-a", "12346")->has_value());
}

TEST_P(WriteTxnTest, LongMessageDeliveredOnlyWhenEveryPartIs) {
  std::uint64_t id = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    id = *w.enqueue_outbox(mt("+14155550011", 3));
    EXPECT_EQ(*w.record_part_submitted(id, 0, "l", "m1", "m1", t(11)), OutboxStatus::queued);
    EXPECT_EQ(*w.record_part_submitted(id, 1, "l", "m2", "m2", t(11)), OutboxStatus::queued);
    return std::error_code{};
  }));
  EXPECT_EQ(store->pending_outbox("12345", 0, 10)->size(), 1u);  // part 3 not acknowledged
  ASSERT_FALSE(write([&](WriteTxn& w) {
    EXPECT_EQ(*w.record_part_submitted(id, 2, "l", "m3", "m3", t(11)), OutboxStatus::submitted);
    EXPECT_EQ((*w.apply_receipt("l", "m1", PartStatus::delivered, "", t(12)))->status,
              OutboxStatus::submitted);
    EXPECT_EQ((*w.apply_receipt("l", "m3", PartStatus::delivered, "", t(12)))->status,
              OutboxStatus::submitted);
    auto last = w.apply_receipt("l", "m2", PartStatus::delivered, "", t(13));
    EXPECT_EQ((*last)->status, OutboxStatus::delivered);
    EXPECT_EQ((*last)->part, 1);
    return std::error_code{};
  }));
  EXPECT_TRUE(store->pending_outbox("12345", 0, 10)->empty());
  EXPECT_EQ((*store->outbox_message(id))->status, OutboxStatus::delivered);
}

TEST_P(WriteTxnTest, LongMessageFailsAsSoonAsOnePartFails) {
  std::uint64_t id = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    id = *w.enqueue_outbox(mt("+14155550012", 2));
    (void)w.record_part_submitted(id, 0, "l", "x1", "x1", t(11));
    (void)w.record_part_submitted(id, 1, "l", "x2", "x2", t(11));
    auto f = w.apply_receipt("l", "x1", PartStatus::failed, "UNDELIV err:005", t(12));
    EXPECT_EQ((*f)->status, OutboxStatus::failed);
    auto d = w.apply_receipt("l", "x2", PartStatus::delivered, "", t(13));
    EXPECT_EQ((*d)->status, OutboxStatus::failed);  // final
    EXPECT_FALSE((*d)->status_changed);
    return std::error_code{};
  }));
  auto m = *store->outbox_message(id);
  EXPECT_EQ(m->error, "UNDELIV err:005");
  EXPECT_EQ(m->parts[1].status, PartStatus::delivered);
}

TEST_P(WriteTxnTest, FinishSuppressedAndFailedLeaveThePendingQueue) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto a = *w.enqueue_outbox(mt("+14155550013"));
    auto b = *w.enqueue_outbox(mt("+14155550014"));
    auto c = *w.enqueue_outbox(mt("+14155550015"));
    EXPECT_TRUE(*w.finish_outbox(a, OutboxStatus::suppressed, "opted out while queued", t(11)));
    EXPECT_FALSE(*w.finish_outbox(a, OutboxStatus::failed, "again", t(12)));
    EXPECT_TRUE(*w.finish_outbox(b, OutboxStatus::failed, "ESME_RINVDSTADR", t(11)));
    EXPECT_FALSE(w.count_attempt(c, t(12)));
    EXPECT_FALSE(w.count_attempt(c, t(13)));
    EXPECT_EQ(w.finish_outbox(c, OutboxStatus::delivered, "", t(11)).error(),
              StoreErrc::invalid_argument);
    EXPECT_EQ(w.finish_outbox(99, OutboxStatus::failed, "", t(11)).error(), StoreErrc::not_found);
    EXPECT_EQ(w.record_part_submitted(a, 0, "l", "id", "id", t(11)).error(),
              StoreErrc::invalid_argument);
    EXPECT_EQ(w.record_part_submitted(c, 1, "l", "id", "id", t(11)).error(), StoreErrc::not_found);
    return std::error_code{};
  }));
  auto pending = store->pending_outbox("12345", 0, 10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, 3u);
  EXPECT_EQ((*pending)[0].attempts, 2u);
  EXPECT_EQ((*store->outbox_message(1))->status, OutboxStatus::suppressed);
  EXPECT_EQ((*store->outbox_message(1))->error, "opted out while queued");
  EXPECT_EQ((*store->outbox_message(2))->status, OutboxStatus::failed);
}

TEST_P(WriteTxnTest, RequeueUnacknowledgedResetsPartlySubmittedMessages) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto a = *w.enqueue_outbox(mt("+14155550016", 2));
    (void)w.enqueue_outbox(mt("+14155550017", 2));  // nothing acknowledged: untouched
    (void)w.record_part_submitted(a, 0, "l", "p1", "p1", t(11));
    return std::error_code{};
  }));
  std::uint64_t reset = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.requeue_unacknowledged(t(20));
    if (!r) return r.error();
    reset = *r;
    return std::error_code{};
  }));
  EXPECT_EQ(reset, 1u);
  auto m = *store->outbox_message(1);
  EXPECT_EQ(m->status, OutboxStatus::queued);
  EXPECT_EQ(m->parts[0], OutboxPart{});
  EXPECT_FALSE(store->find_by_carrier_id("l", "p1")->has_value());
  EXPECT_EQ(store->pending_outbox("12345", 0, 10)->size(), 2u);
}

TEST_P(WriteTxnTest, PendingQueueIsPerShortCodeInIdOrder) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 10; ++i)
      (void)w.enqueue_outbox(mt("+1415555002" + std::to_string(i), 1, i % 2 ? "111" : "222"));
    return std::error_code{};
  }));
  auto odd = store->pending_outbox("111", 0, 100);
  ASSERT_EQ(odd->size(), 5u);
  for (std::size_t i = 0; i < odd->size(); ++i) EXPECT_EQ((*odd)[i].id, 2 * i + 2);
  auto after = store->pending_outbox("111", 4, 2);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].id, 6u);
  EXPECT_EQ((*after)[1].id, 8u);
  EXPECT_TRUE(store->pending_outbox("111", 10, 5)->empty());
  EXPECT_TRUE(store->pending_outbox("11", 0, 5)->empty());  // a prefix of another code
  EXPECT_EQ(*store->pending_count("222"), 5u);
}

// ---- Bulk ----

TEST_P(WriteTxnTest, OptOutBatchCountsExactlyForOneCampaign) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe("+14155550101", "a", "1", sms(1));
    (void)w.opt_out("+14155550102", "a", sms(1));
    (void)w.opt_out_company("+14155550103", sms(1));
    return std::error_code{};
  }));
  OptOutBatch batch;
  batch.campaign = "a";
  batch.phones = {"+14155550104", "+14155550101", "+14155550102", "+14155550103", "+14155550105"};
  batch.context = ChangeContext{t(2), ChangeSource::csv, "req-42", "csv upload"};
  auto r = apply_opt_out_blocking(*writer, batch);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->opted_out, 3u);          // 104, 101, 105
  EXPECT_EQ(r->already_opted_out, 2u);  // 102 (record), 103 (company-wide)
  auto s = store->subscriptions("+14155550101");
  EXPECT_EQ((*s)[0].state, SS::opted_out);
  EXPECT_EQ((*s)[0].source, ChangeSource::csv);
  EXPECT_EQ((*s)[0].changed_by, "req-42");
  auto audit = store->audit_page(AuditQuery{"+14155550105", 10, std::nullopt});
  ASSERT_EQ(audit->events.size(), 1u);
  EXPECT_EQ(audit->events[0].source, ChangeSource::csv);
  EXPECT_EQ(audit->events[0].reason, "csv upload");
  EXPECT_EQ(*store->campaign_counts("a"), (CampaignCounts{"a", 0, 4}));
}

TEST_P(WriteTxnTest, OptOutBatchCompanyWideAndDuplicatesInsideTheChunk) {
  OptOutBatch batch;
  batch.phones = {"+14155550201", "+14155550202", "+14155550201"};
  batch.context = ChangeContext{t(2), ChangeSource::admin, "req-1", "manual"};
  auto r = apply_opt_out_blocking(*writer, batch);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->opted_out, 2u);
  EXPECT_EQ(r->already_opted_out, 1u);
  auto again = apply_opt_out_blocking(*writer, batch);
  EXPECT_EQ(again->opted_out, 0u);
  EXPECT_EQ(again->already_opted_out, 3u);
  EXPECT_EQ(*store->company_opt_out_count(), 2u);
  EXPECT_EQ(*store->state("+14155550201", "new-campaign"), SS::opted_out);
}

// On LMDB a chunk skips the point reads of keys past the last key of `subscriptions` and
// `company` (store/lmdb/write_txn.hpp, bulk_ends_); on both backends it must count as single
// opt-outs do. Phones P1..P10 lie before, between and after the records below, so every
// phone of a chunk meets a different case.
std::string p(int i) {
  return "+141555509" + std::to_string(10 + i);
}
class BulkPastTheEndsTest : public WriteTxnTest {
 protected:
  void write_records_around_the_ends() {
    ASSERT_FALSE(write([&](WriteTxn& w) {
      (void)w.subscribe(p(2), "a", "1", sms(1));
      (void)w.opt_out(p(4), "a", sms(1));
      (void)w.opt_out_company(p(6), sms(1));
      (void)w.subscribe(p(8), "b", "1", sms(1));
      (void)w.subscribe(p(3), "c", "1", sms(1));
      (void)w.opt_out(p(5), "c", sms(1));     // the last key of `subscriptions`: c\0P5
      (void)w.opt_out_company(p(9), sms(1));  // the last key of `company`: P9
      return std::error_code{};
    }));
  }
};
std::optional<Subscription> record_of(Store& store, const std::string& phone,
                                      std::string_view campaign) {
  auto subs = store.subscriptions(phone);
  for (auto& s : *subs) {
    if (s.campaign == campaign) return s;
  }
  return std::nullopt;
}
OptOutBatch phones_1_to_10(std::optional<std::string> campaign) {
  OptOutBatch batch;
  batch.campaign = std::move(campaign);
  for (int i = 1; i <= 10; ++i) batch.phones.push_back(p(i));
  batch.context = ChangeContext{t(2), ChangeSource::csv, "req-7", "csv upload"};
  return batch;
}

TEST_P(BulkPastTheEndsTest, OneCampaignCountsLikeSingleOptOuts) {
  write_records_around_the_ends();
  auto r = apply_opt_out_blocking(*writer, phones_1_to_10("c"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->opted_out, 7u);          // 1, 2, 4, 7, 8 (no record), 3 (subscribed), 10
  EXPECT_EQ(r->already_opted_out, 3u);  // 5 (record), 6 and 9 (company-wide)
  EXPECT_EQ(*store->campaign_counts("c"), (CampaignCounts{"c", 0, 8}));
  EXPECT_EQ(record_of(*store, p(3), "c")->changed_by, "req-7");
  EXPECT_EQ(record_of(*store, p(5), "c")->changed_by, "mo:1");  // left as it was
  EXPECT_FALSE(record_of(*store, p(6), "c"));  // covered by the company-wide opt-out
  EXPECT_FALSE(record_of(*store, p(9), "c"));
  EXPECT_EQ(*store->state(p(10), "c"), SS::opted_out);
  EXPECT_EQ(*store->state(p(2), "a"), SS::subscribed);  // another campaign: untouched
}

TEST_P(BulkPastTheEndsTest, CompanyWideEndsEverySubscription) {
  write_records_around_the_ends();
  auto r = apply_opt_out_blocking(*writer, phones_1_to_10(std::nullopt));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->opted_out, 8u);
  EXPECT_EQ(r->already_opted_out, 2u);  // 6 and 9: company-wide already, nothing subscribed
  EXPECT_EQ(*store->company_opt_out_count(), 10u);
  EXPECT_EQ(*store->state(p(2), "a"), SS::opted_out);
  EXPECT_EQ(*store->state(p(3), "c"), SS::opted_out);
  EXPECT_EQ(*store->state(p(8), "b"), SS::opted_out);
  EXPECT_EQ(*store->campaign_counts("b"), (CampaignCounts{"b", 0, 1}));
  EXPECT_EQ(*store->state(p(10), "later"), SS::opted_out);
}

TEST_P(WriteTxnTest, OptOutBatchWithAnInvalidPhoneAppliesNothing) {
  OptOutBatch batch;
  batch.campaign = "a";
  batch.phones = {"+14155550301", std::string("bad\0", 4), "+14155550302"};
  batch.context = ChangeContext{t(2), ChangeSource::csv, "req-1", "csv"};
  auto r = apply_opt_out_blocking(*writer, batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::invalid_argument);
  EXPECT_FALSE(store->state("+14155550301", "a")->has_value());
  EXPECT_EQ(store->audit_page(AuditQuery{})->events.size(), 0u);
}

TEST_P(WriteTxnTest, BroadcastChunksEnqueueEverySubscriberOnce) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 28; ++i) {
      std::string p = "+141555504" + std::to_string(10 + i);
      (void)w.subscribe(p, "a", "12345", sms(1));
      if (i < 3) (void)w.opt_out(p, "a", sms(2));
    }
    (void)w.subscribe("+14155559999", "b", "12345", sms(1));
    return std::error_code{};
  }));
  std::uint64_t bid = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto first = w.next_broadcast_id();
    if (!first) return first.error();
    bid = *first;
    auto second = w.next_broadcast_id();
    if (!second) return second.error();
    EXPECT_EQ(*second, bid + 1);
    return std::error_code{};
  }));
  BroadcastChunk chunk;
  chunk.broadcast_id = bid;
  chunk.campaign = "a";
  chunk.short_code = "12345";
  chunk.text = "Sale today";
  chunk.at = t(3);
  chunk.sent_by = "maria";
  chunk.limit = 10;
  std::vector<std::uint64_t> recipients;
  std::uint64_t suppressed = 0;
  for (;;) {
    Result<BroadcastChunkResult> got = fail(StoreErrc::backend_error);
    ASSERT_FALSE(write([&](WriteTxn& w) {
      got = w.enqueue_broadcast_chunk(chunk);
      return got ? std::error_code{} : got.error();
    }));
    recipients.push_back(got->recipients);
    suppressed += got->suppressed;
    if (!got->next_after) break;
    chunk.after = *got->next_after;
  }
  EXPECT_EQ(recipients, (std::vector<std::uint64_t>{10, 10, 5}));
  EXPECT_EQ(suppressed, 3u);
  auto pending = store->pending_outbox("12345", 0, 100);
  ASSERT_EQ(pending->size(), 25u);
  std::set<std::string> phones;
  for (const auto& m : *pending) {
    EXPECT_EQ(m.kind, OutboxKind::broadcast);
    EXPECT_EQ(m.broadcast_id, bid);
    EXPECT_EQ(m.campaign, "a");
    EXPECT_EQ(m.sent_by, "maria");
    phones.insert(m.to);
  }
  EXPECT_EQ(phones.size(), 25u);
  EXPECT_FALSE(phones.count("+14155550410"));  // opted out
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteTxnTest,
                         ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, BulkPastTheEndsTest,
                         ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);

}  // namespace
}  // namespace smppgw::store::test
