// The read queries of the store (store/store.hpp) on both backends: Inbox and audit
// pagination at every edge, conversations, chunked exports, states in batches and reopening.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "store/bulk.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

using SS = SubscriptionState;

class StoreReadTest : public StoreFixture {
 protected:
  // Inbox rows 1..n: phone i%3, campaign i%2 ("even"/"odd").
  void fill_inbox(int n) {
    ASSERT_FALSE(write([&](WriteTxn& w) {
      for (int i = 1; i <= n; ++i) {
        NewInboxMessage m;
        m.received_at = t(i);
        m.from = phone(i % 3);
        m.to = "12345";
        m.campaign = i % 2 ? "odd" : "even";
        m.text = "text " + std::to_string(i);
        m.kind = InboxKind::message;
        m.link = "carrier-a";
        auto id = w.add_inbox(m);
        if (!id) return id.error();
        EXPECT_EQ(*id, std::uint64_t(i));
      }
      return std::error_code{};
    }));
  }
  static std::string phone(int k) { return "+1415555000" + std::to_string(k); }

  std::vector<std::uint64_t> all_pages(InboxQuery q) {
    std::vector<std::uint64_t> ids;
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = store->inbox_page(q);
      EXPECT_TRUE(page);
      if (!page) break;
      EXPECT_LE(page->messages.size(), q.limit);
      for (const auto& m : page->messages) ids.push_back(m.id);
      if (!page->next_before) break;
      EXPECT_EQ(page->messages.size(), q.limit);  // a short page is the last page
      q.before = page->next_before;
    }
    return ids;
  }
};

std::vector<std::uint64_t> descending(int from, int to, auto pred) {
  std::vector<std::uint64_t> v;
  for (int i = from; i >= to; --i) {
    if (pred(i)) v.push_back(std::uint64_t(i));
  }
  return v;
}

TEST_P(StoreReadTest, InboxEmpty) {
  auto page = store->inbox_page(InboxQuery{});
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->messages.empty());
  EXPECT_FALSE(page->next_before);
  EXPECT_FALSE(store->inbox_message(1)->has_value());
}

TEST_P(StoreReadTest, InboxRowRoundTrip) {
  fill_inbox(1);
  auto m = store->inbox_message(1);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(**m, (InboxMessage{1, t(1), phone(1), "12345", "odd", "text 1", InboxKind::message,
                               "carrier-a"}));
}

TEST_P(StoreReadTest, InboxPagesNewestFirstAtEveryLimit) {
  fill_inbox(12);
  auto all = descending(12, 1, [](int) { return true; });
  for (std::size_t limit : {1u, 3u, 4u, 5u, 11u, 12u, 13u, 1000u}) {
    SCOPED_TRACE(limit);
    EXPECT_EQ(all_pages(InboxQuery{std::nullopt, std::nullopt, limit, std::nullopt}), all);
  }
  // Exact multiple: the last full page says there is no more.
  auto p = store->inbox_page(InboxQuery{std::nullopt, std::nullopt, 6, 7});
  ASSERT_EQ(p->messages.size(), 6u);
  EXPECT_FALSE(p->next_before);
  // before beyond the newest id, before = 1, before = 0.
  EXPECT_EQ(store->inbox_page(InboxQuery{std::nullopt, std::nullopt, 2, 1000})->messages[0].id,
            12u);
  EXPECT_TRUE(store->inbox_page(InboxQuery{std::nullopt, std::nullopt, 2, 1})->messages.empty());
  EXPECT_TRUE(store->inbox_page(InboxQuery{std::nullopt, std::nullopt, 2, 0})->messages.empty());
  EXPECT_EQ(
      store->inbox_page(InboxQuery{std::nullopt, std::nullopt, kMaxPageLimit + 1, {}}).error(),
      StoreErrc::invalid_argument);
}

// Rows of one kind only (GET /v1/inbox?flag=possible_opt_out): alone, with a campaign, with a
// phone, and the other kinds.
TEST_P(StoreReadTest, InboxFiltersByKind) {
  // Rows 1..20: every fifth is flagged possible_opt_out.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 1; i <= 20; ++i) {
      NewInboxMessage m;
      m.received_at = t(i);
      m.from = phone(i % 3);
      m.to = "12345";
      m.campaign = i % 2 ? "odd" : "even";
      m.text = "text " + std::to_string(i);
      m.kind = i % 5 == 0 ? InboxKind::possible_opt_out : InboxKind::message;
      m.link = "carrier-a";
      auto id = w.add_inbox(m);
      if (!id) return id.error();
    }
    return std::error_code{};
  }));
  const auto flagged = [](int i) { return i % 5 == 0; };
  for (std::size_t limit : {1u, 3u, 100u}) {
    SCOPED_TRACE(limit);
    InboxQuery q;
    q.limit = limit;
    q.kind = InboxKind::possible_opt_out;
    EXPECT_EQ(all_pages(q), descending(20, 1, flagged));
    q.campaign = "even";
    EXPECT_EQ(all_pages(q), descending(20, 1, [&](int i) { return flagged(i) && i % 2 == 0; }));
    q.campaign.reset();
    q.phone = phone(0);
    EXPECT_EQ(all_pages(q), descending(20, 1, [&](int i) { return flagged(i) && i % 3 == 0; }));
    q.phone.reset();
    q.kind = InboxKind::message;
    EXPECT_EQ(all_pages(q), descending(20, 1, [&](int i) { return !flagged(i); }));
  }
}

TEST_P(StoreReadTest, InboxFiltersByCampaignPhoneAndBoth) {
  fill_inbox(30);
  for (std::size_t limit : {1u, 4u, 7u, 100u}) {
    SCOPED_TRACE(limit);
    EXPECT_EQ(all_pages(InboxQuery{"odd", std::nullopt, limit, std::nullopt}),
              descending(30, 1, [](int i) { return i % 2 == 1; }));
    EXPECT_EQ(all_pages(InboxQuery{std::nullopt, phone(2), limit, std::nullopt}),
              descending(30, 1, [](int i) { return i % 3 == 2; }));
    EXPECT_EQ(all_pages(InboxQuery{"even", phone(0), limit, std::nullopt}),
              descending(30, 1, [](int i) { return i % 3 == 0 && i % 2 == 0; }));
  }
  EXPECT_TRUE(store->inbox_page(InboxQuery{"nope", std::nullopt, 10, {}})->messages.empty());
  EXPECT_TRUE(store->inbox_page(InboxQuery{std::nullopt, "+1415555000", 10, {}})->messages.empty());
  // Filter + before.
  auto p = store->inbox_page(InboxQuery{"even", std::nullopt, 2, 10});
  ASSERT_EQ(p->messages.size(), 2u);
  EXPECT_EQ(p->messages[0].id, 8u);
  EXPECT_EQ(p->messages[1].id, 6u);
  EXPECT_EQ(p->next_before, 6u);
}

TEST_P(StoreReadTest, AuditPagesNewestFirstOverallAndPerPhone) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 1; i <= 9; ++i) {
      const std::string ref = "mo:" + std::to_string(i);  // the context only views it
      ChangeContext c{t(i), ChangeSource::sms, ref, "keyword"};
      (void)w.subscribe(phone(i % 2), "c" + std::to_string(i), "12345", c);
    }
    return std::error_code{};
  }));
  AuditQuery q;
  q.limit = 4;
  std::vector<std::uint64_t> ids;
  for (;;) {
    auto page = store->audit_page(q);
    ASSERT_TRUE(page);
    for (const auto& e : page->events) ids.push_back(e.id);
    if (!page->next_before) break;
    q.before = page->next_before;
  }
  EXPECT_EQ(ids, descending(9, 1, [](int) { return true; }));
  auto one = store->audit_page(AuditQuery{phone(0), 50, std::nullopt});
  ASSERT_EQ(one->events.size(), 4u);
  EXPECT_EQ(one->events[0].campaign, "c8");
  EXPECT_EQ(one->events[3].campaign, "c2");
  auto paged = store->audit_page(AuditQuery{phone(0), 2, 6});
  ASSERT_EQ(paged->events.size(), 2u);
  EXPECT_EQ(paged->events[0].id, 4u);
  EXPECT_FALSE(paged->next_before);
}

// A Manual Opt-Out chunk's events are one audit_bulk row (store/audit_bulk.hpp); every
// listing must read them as if each were its own row, in id order with the single rows.
TEST_P(StoreReadTest, BulkOptOutEventsListLikeSingleEventsAndKeepIdsDense) {
  const ChangeContext sms{t(1), ChangeSource::sms, "mo:1", "keyword SPRING"};
  const ChangeContext csv{t(2), ChangeSource::csv, "req-7", "csv upload"};
  const ChangeContext all{t(3), ChangeSource::admin, "req-8", "manual opt-out"};
  auto bulk = [&](std::optional<std::string> campaign, std::vector<std::string> phones,
                  const ChangeContext& ctx) {
    return write([&](WriteTxn& w) -> std::error_code {
      OptOutBatch b{campaign, phones, ctx};
      auto r = w.apply_opt_out_batch(b);
      return r ? std::error_code{} : r.error();
    });
  };
  // 1: phone 1 joins spring; 2..5: a csv chunk of phones 1..4 (phone 1 from subscribed);
  // 6: phone 5 joins tips; 7..9: a company-wide chunk of phones 5 (its tips ended, then the
  // company event) and 6; after a reopen, 10: phone 2 joins again.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(phone(1), "spring", "12345", sms);
    return std::error_code{};
  }));
  ASSERT_FALSE(bulk("spring", {phone(3), phone(1), phone(2), phone(4)}, csv));
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(phone(5), "tips", "12345", sms);
    return std::error_code{};
  }));
  ASSERT_FALSE(bulk(std::nullopt, {phone(6), phone(5)}, all));
  // The last id is in a bulk row: reopening must continue after it.
  reopen();
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(phone(2), "spring", "12345", sms);
    return std::error_code{};
  }));

  std::vector<AuditEvent> events;
  for (std::size_t limit : {1u, 2u, 3u, 4u, 50u}) {
    SCOPED_TRACE(limit);
    std::vector<AuditEvent> got;
    AuditQuery q;
    q.limit = limit;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = store->audit_page(q);
      ASSERT_TRUE(page);
      got.insert(got.end(), page->events.begin(), page->events.end());
      if (!page->next_before) break;
      q.before = page->next_before;
    }
    if (events.empty()) events = got;
    EXPECT_EQ(got, events);
  }
  ASSERT_EQ(events.size(), 10u);
  std::vector<std::uint64_t> ids;
  for (const auto& e : events) ids.push_back(e.id);
  EXPECT_EQ(ids, descending(10, 1, [](int) { return true; }));
  // Chunk events keep their own phone, campaign and states, and the chunk's context.
  auto at = [&](std::uint64_t id) { return events[10 - id]; };
  EXPECT_EQ(at(2).phone, phone(1));  // the chunk's phones in key order
  EXPECT_EQ(at(2).from_state, SS::subscribed);
  EXPECT_EQ(at(3).phone, phone(2));
  EXPECT_EQ(at(3).from_state, std::nullopt);
  EXPECT_EQ(at(3).to_state, SS::opted_out);
  EXPECT_EQ(at(3).campaign, "spring");
  EXPECT_EQ(at(3).source, ChangeSource::csv);
  EXPECT_EQ(at(3).ref, "req-7");
  EXPECT_EQ(at(3).reason, "csv upload");
  EXPECT_EQ(at(3).at, t(2));
  EXPECT_EQ(at(5).phone, phone(4));
  EXPECT_EQ(at(6).source, ChangeSource::sms);
  EXPECT_EQ(at(7).phone, phone(5));
  EXPECT_EQ(at(7).campaign, "tips");  // the campaign the company-wide opt-out ended
  EXPECT_EQ(at(7).from_state, SS::subscribed);
  EXPECT_EQ(at(8).phone, phone(5));
  EXPECT_EQ(at(8).campaign, kAllCampaigns);
  EXPECT_EQ(at(9).phone, phone(6));
  EXPECT_EQ(at(9).ref, "req-8");
  EXPECT_EQ(at(9).source, ChangeSource::admin);
  EXPECT_EQ(at(10).phone, phone(2));
  EXPECT_EQ(at(10).from_state, SS::opted_out);

  // `before` inside a bulk row.
  auto mid = store->audit_page(AuditQuery{std::nullopt, 2, 4});
  ASSERT_EQ(mid->events.size(), 2u);
  EXPECT_EQ(mid->events[0], at(3));
  EXPECT_EQ(mid->events[1], at(2));
  EXPECT_EQ(mid->next_before, 2u);

  // Per phone: single and bulk events, newest first, the same events as the overall list.
  auto two = store->audit_page(AuditQuery{phone(2), 50, std::nullopt});
  ASSERT_EQ(two->events.size(), 2u);
  EXPECT_EQ(two->events[0], at(10));
  EXPECT_EQ(two->events[1], at(3));
  auto five = store->audit_page(AuditQuery{phone(5), 1, std::nullopt});
  ASSERT_EQ(five->events.size(), 1u);
  EXPECT_EQ(five->events[0], at(8));
  five = store->audit_page(AuditQuery{phone(5), 50, five->next_before});
  ASSERT_EQ(five->events.size(), 2u);
  EXPECT_EQ(five->events[0], at(7));
  EXPECT_EQ(five->events[1], at(6));  // the join, a single row
}

TEST_P(StoreReadTest, StatesOfABatchAnswerAsStateDoes) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    ChangeContext c{t(1), ChangeSource::sms, "mo:1", "keyword"};
    (void)w.subscribe(phone(1), "spring", "12345", c);
    (void)w.subscribe(phone(2), "spring", "12345", c);
    (void)w.opt_out(phone(2), "spring", c);
    (void)w.opt_out_company(phone(3), c);
    return std::error_code{};
  }));
  const std::string p1 = phone(1), p2 = phone(2), p3 = phone(3), p4 = phone(4);
  const std::vector<Store::StateQuery> queries = {{p1, "spring"},
                                                  {p2, "spring"},
                                                  {p3, "tips"},  // company-wide
                                                  {p4, "spring"},
                                                  {p1, "tips"}};
  auto states = store->states(queries);
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), queries.size());
  EXPECT_EQ((*states)[0], SS::subscribed);
  EXPECT_EQ((*states)[1], SS::opted_out);
  EXPECT_EQ((*states)[2], SS::opted_out);
  EXPECT_EQ((*states)[3], std::nullopt);
  EXPECT_EQ((*states)[4], std::nullopt);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    EXPECT_EQ((*states)[i], *store->state(queries[i].phone, queries[i].campaign)) << i;
  }
  EXPECT_TRUE(store->states({})->empty());
  const std::vector<Store::StateQuery> bad = {{p1, "spring"}, {"", "spring"}};
  EXPECT_EQ(store->states(bad).error(), StoreErrc::invalid_argument);
}

TEST_P(StoreReadTest, ConversationMergesBothDirectionsOldestFirst) {
  const std::string p = "+14155550777";
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 1; i <= 6; ++i) {
      NewInboxMessage in{
          t(i * 10),          p,  "12345", i % 2 ? "a" : "b", "in " + std::to_string(i),
          InboxKind::message, "l"};
      (void)w.add_inbox(in);
      NewOutboxMessage out;
      out.at = t(i * 10);  // same millisecond as the text it answers
      out.to = p;
      out.from = "12345";
      out.campaign = i % 2 ? "a" : "b";
      out.text = "out " + std::to_string(i);
      (void)w.enqueue_outbox(out);
    }
    NewInboxMessage other{t(15),          "+14155550778",     "12345", "a",
                          "someone else", InboxKind::message, "l"};
    (void)w.add_inbox(other);
    return std::error_code{};
  }));
  auto all = store->conversation(p, std::nullopt, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 12u);
  for (std::size_t i = 0; i < all->size(); ++i) {
    const auto& e = (*all)[i];
    EXPECT_EQ(e.direction, i % 2 ? Direction::out : Direction::in);
    EXPECT_EQ(e.text, (i % 2 ? "out " : "in ") + std::to_string(i / 2 + 1));
    EXPECT_EQ(e.status.has_value(), e.direction == Direction::out);
  }
  auto recent = store->conversation(p, std::nullopt, 3);
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].text, "out 5");
  EXPECT_EQ((*recent)[1].text, "in 6");
  EXPECT_EQ((*recent)[2].text, "out 6");
  auto only_a = store->conversation(p, "a", 100);
  ASSERT_EQ(only_a->size(), 6u);
  for (const auto& e : *only_a) EXPECT_EQ(e.campaign, "a");
  EXPECT_TRUE(store->conversation("+10000000000", std::nullopt, 10)->empty());
}

TEST_P(StoreReadTest, SubscribedPhonesInChunks) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 23; ++i) {
      (void)w.subscribe("+1415555" + std::to_string(1000 + i), "a", "1", ChangeContext{t(1)});
    }
    (void)w.opt_out("+14155551005", "a", ChangeContext{t(2)});
    (void)w.subscribe("+14155559999", "ab", "1", ChangeContext{t(1)});  // prefix of nothing
    return std::error_code{};
  }));
  std::vector<std::string> phones;
  std::optional<std::string> cursor;
  int chunks = 0;
  do {
    auto c = store->subscribed_phones("a", cursor, 5);
    ASSERT_TRUE(c);
    ++chunks;
    phones.insert(phones.end(), c->rows.begin(), c->rows.end());
    cursor = c->next;
  } while (cursor);
  EXPECT_EQ(chunks, 5);
  ASSERT_EQ(phones.size(), 22u);
  EXPECT_TRUE(std::is_sorted(phones.begin(), phones.end()));
  EXPECT_EQ(std::count(phones.begin(), phones.end(), "+14155551005"), 0);
}

TEST_P(StoreReadTest, OptedOutExportInChunksCoversRecordsAndCompanyWide) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 7; ++i) {
      std::string p = "+1415555" + std::to_string(2000 + i);
      (void)w.opt_out(p, i % 2 ? "a" : "b", ChangeContext{t(i), ChangeSource::csv, "r", ""});
    }
    for (int i = 0; i < 4; ++i) {
      (void)w.opt_out_company("+1415555" + std::to_string(3000 + i),
                              ChangeContext{t(50), ChangeSource::sms, "mo:1", "STOP ALL"});
    }
    // A company-wide opt-out lifted for "a" by a join: not in a's export.
    (void)w.subscribe("+14155553000", "a", "1", ChangeContext{t(60)});
    (void)w.subscribe("+14155554000", "a", "1", ChangeContext{t(60)});  // subscribed: never
    return std::error_code{};
  }));
  auto collect = [&](std::optional<std::string> campaign, std::size_t chunk) {
    std::vector<OptOutRow> rows;
    auto ec = store->for_each_opted_out(campaign, chunk, [&](std::span<const OptOutRow> part) {
      EXPECT_LE(part.size(), chunk);
      rows.insert(rows.end(), part.begin(), part.end());
      return true;
    });
    EXPECT_FALSE(ec);
    return rows;
  };
  auto all = collect(std::nullopt, 1000);
  ASSERT_EQ(all.size(), 11u);
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 11u}) {
    SCOPED_TRACE(chunk);
    EXPECT_EQ(collect(std::nullopt, chunk), all);
  }
  EXPECT_EQ(all[0].campaign, "a");
  EXPECT_EQ(all[0].source, ChangeSource::csv);
  EXPECT_EQ(all.back().campaign, "*");
  EXPECT_EQ(all.back().phone, "+14155553003");
  EXPECT_EQ(all.back().since, t(50));

  auto a = collect("a", 2);
  std::set<std::string> a_phones;
  for (const auto& r : a) a_phones.insert(r.phone + "/" + r.campaign);
  EXPECT_EQ(a_phones,
            (std::set<std::string>{"+14155552001/a", "+14155552003/a", "+14155552005/a",
                                   "+14155553001/*", "+14155553002/*", "+14155553003/*"}));
  // Early stop.
  int calls = 0;
  EXPECT_FALSE(store->for_each_opted_out(std::nullopt, 2, [&](auto) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(store->opted_out(std::nullopt, std::string("x"), 10).error(),
            StoreErrc::invalid_argument);
}

TEST_P(StoreReadTest, PhoneOutboxPagesOnePhonesRecordsNewestFirst) {
  std::vector<std::uint64_t> mine;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 0; i < 7; ++i) {
      NewOutboxMessage m{t(i), phone(i % 3 == 2 ? 2 : 1), "1", "a", "m" + std::to_string(i)};
      auto id = w.enqueue_outbox(m);
      if (!id) return id.error();
      if (i % 3 != 2) mine.push_back(*id);
    }
    return std::error_code{};
  }));
  ASSERT_EQ(mine.size(), 5u);
  std::vector<std::uint64_t> seen;
  std::vector<std::size_t> sizes;
  std::optional<std::uint64_t> before;
  do {
    auto page = store->phone_outbox(phone(1), before, 2);
    ASSERT_TRUE(page) << page.error().message();
    sizes.push_back(page->messages.size());
    for (const auto& m : page->messages) {
      EXPECT_EQ(m.to, phone(1));
      seen.push_back(m.id);
    }
    before = page->next_before;
  } while (before);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(seen, std::vector<std::uint64_t>(mine.rbegin(), mine.rend()));
  EXPECT_TRUE(store->phone_outbox(phone(9), std::nullopt, 10)->messages.empty());
  EXPECT_EQ(store->phone_outbox(phone(1), std::nullopt, 0).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store->phone_outbox("", std::nullopt, 10).error(), StoreErrc::invalid_argument);
}

TEST_P(StoreReadTest, DataAndIdsSurviveReopen) {
  fill_inbox(3);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    (void)w.subscribe(phone(1), "a", "1", ChangeContext{t(1)});
    auto id = w.enqueue_outbox(NewOutboxMessage{t(1), phone(1), "1", "a", "x"});
    return id ? std::error_code{} : id.error();
  }));
  reopen();
  EXPECT_EQ((*store->inbox_message(3))->text, "text 3");
  EXPECT_EQ(*store->state(phone(1), "a"), SS::subscribed);
  std::uint64_t next_inbox = 0, next_outbox = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    next_inbox = *w.add_inbox(NewInboxMessage{t(9), phone(1), "1", "a", "again"});
    next_outbox = *w.enqueue_outbox(NewOutboxMessage{t(9), phone(1), "1", "a", "y"});
    return std::error_code{};
  }));
  EXPECT_EQ(next_inbox, 4u);
  EXPECT_EQ(next_outbox, 2u);
  auto info = store->info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->schema_version, schema_version());
  EXPECT_GT(info->used_bytes, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreReadTest,
                         ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);

}  // namespace
}  // namespace smppgw::store::test
