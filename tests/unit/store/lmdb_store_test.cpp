// The read queries of store/lmdb/store.cpp on a real LMDB environment: Inbox and audit
// pagination at every edge, conversations, chunked exports, reopening and the schema check.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "store/bulk.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/schema.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

using SS = SubscriptionState;

class StoreReadTest : public StoreFixture {
 protected:
  // Closes the store, rewrites it into an older layout and opens it again: the migrations
  // run, and the store says it is of the current version.
  void reopen_after(const std::function<void(const std::filesystem::path&)>& downgrade) {
    close();
    downgrade(dir.path());
    reopen();
    auto info = store->info();
    ASSERT_TRUE(info);
    EXPECT_EQ(info->schema_version, lmdb::kSchemaVersion);
  }
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

TEST_F(StoreReadTest, InboxEmpty) {
  auto page = store->inbox_page(InboxQuery{});
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->messages.empty());
  EXPECT_FALSE(page->next_before);
  EXPECT_FALSE(store->inbox_message(1)->has_value());
}

TEST_F(StoreReadTest, InboxRowRoundTrip) {
  fill_inbox(1);
  auto m = store->inbox_message(1);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(**m, (InboxMessage{1, t(1), phone(1), "12345", "odd", "text 1", InboxKind::message,
                               "carrier-a"}));
}

TEST_F(StoreReadTest, InboxPagesNewestFirstAtEveryLimit) {
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

TEST_F(StoreReadTest, InboxFiltersByKindThroughTheFlaggedIndex) {
  // Rows 1..20: every fifth is flagged possible_opt_out, reserved ids included.
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

TEST_F(StoreReadTest, InboxFiltersByCampaignPhoneAndBoth) {
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

TEST_F(StoreReadTest, AuditPagesNewestFirstOverallAndPerPhone) {
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
TEST_F(StoreReadTest, BulkOptOutEventsListLikeSingleEventsAndKeepIdsDense) {
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

TEST_F(StoreReadTest, StatesOfABatchAnswerAsStateDoes) {
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

TEST_F(StoreReadTest, ConversationMergesBothDirectionsOldestFirst) {
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

TEST_F(StoreReadTest, SubscribedPhonesInChunks) {
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

TEST_F(StoreReadTest, OptedOutExportInChunksCoversRecordsAndCompanyWide) {
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

TEST_F(StoreReadTest, DataAndIdsSurviveReopen) {
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
  EXPECT_EQ(info->schema_version, lmdb::kSchemaVersion);
  EXPECT_GT(info->used_bytes, 0u);
}

TEST_F(StoreReadTest, StoreWrittenByANewerVersionIsRefused) {
  close();
  {
    lmdb::Env::Options eo;
    eo.dir = dir.path() / "store";
    eo.map_size = 1 << 20;
    eo.max_dbs = lmdb::kMaxDbs;
    auto env = lmdb::Env::open(eo);
    ASSERT_TRUE(env);
    lmdb::Txn txn;
    ASSERT_EQ(lmdb::Txn::begin(env->get(), 0, txn), 0);
    MDB_dbi meta;
    ASSERT_EQ(lmdb::open_dbi(txn, "meta", meta), 0);
    std::string v;
    records::Encoder(v).u32(lmdb::kSchemaVersion + 1);
    ASSERT_EQ(txn.put(meta, lmdb::kMetaSchemaVersion, v), 0);
    ASSERT_EQ(txn.commit(), 0);
  }
  auto s = open_store(options_for(dir));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), StoreErrc::schema_too_new);
}

// A closed store's environment with a write transaction, to rewrite it by hand.
struct RawWrite {
  lmdb::Env env;
  lmdb::Txn txn;
  explicit RawWrite(const std::filesystem::path& state_dir) {
    lmdb::Env::Options eo;
    eo.dir = state_dir / "store";
    eo.map_size = 64ull << 20;
    eo.max_dbs = lmdb::kMaxDbs;
    auto opened = lmdb::Env::open(eo);
    if (!opened) {
      ADD_FAILURE() << "cannot open the store: " << opened.error().message();
      return;
    }
    env = std::move(*opened);
    EXPECT_EQ(lmdb::Txn::begin(env.get(), 0, txn), 0);
  }
};

// Puts `subscriptions` (campaign\0phone → record) back into its layout before version 4:
// each record in `records` under key(phone, campaign), its state, since and source in
// subs_by_campaign under campaign\0phone; `subscriptions` is dropped.
void split_subscriptions(
    lmdb::Txn& txn, MDB_dbi records,
    const std::function<std::string(std::string_view, std::string_view)>& key_of) {
  MDB_dbi subscriptions, by_campaign;
  ASSERT_EQ(mdb_dbi_open(txn.get(), "subscriptions", 0, &subscriptions), 0);
  ASSERT_EQ(lmdb::open_dbi(txn, "subs_by_campaign", by_campaign), 0);
  std::vector<std::pair<std::string, std::string>> all;
  {
    lmdb::Cursor c;
    ASSERT_EQ(lmdb::Cursor::open(txn, subscriptions, c), 0);
    std::string_view k, v;
    for (int rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
      all.emplace_back(k, v);
    }
  }
  ASSERT_FALSE(all.empty());
  for (const auto& [key, value] : all) {
    const auto nul = key.find('\0');
    const std::string campaign = key.substr(0, nul), phone = key.substr(nul + 1);
    ASSERT_EQ(txn.put(records, key_of(phone, campaign), value), 0);
    auto rec = records::decode_subscription(phone, campaign, value);
    ASSERT_TRUE(rec);
    std::string index;
    records::Encoder e(index);
    e.u8(static_cast<std::uint8_t>(rec->state));
    e.time(rec->since);
    e.u8(static_cast<std::uint8_t>(rec->source));
    ASSERT_EQ(txn.put(by_campaign, key, index), 0);
  }
  ASSERT_EQ(mdb_drop(txn.get(), subscriptions, 1), 0);
}

void set_version(lmdb::Txn& txn, std::uint32_t v) {
  MDB_dbi meta;
  ASSERT_EQ(lmdb::open_dbi(txn, "meta", meta), 0);
  std::string version;
  records::Encoder(version).u32(v);
  ASSERT_EQ(txn.put(meta, lmdb::kMetaSchemaVersion, version), 0);
}

// Rewrites a closed store of the current layout into the version-3 layout: the records back
// in `phones` (phone\0c<campaign>) with subs_by_campaign beside them.
void downgrade_to_version_3(const std::filesystem::path& state_dir) {
  RawWrite raw(state_dir);
  ASSERT_TRUE(raw.txn.get());
  lmdb::Txn& txn = raw.txn;
  MDB_dbi phones;
  ASSERT_EQ(mdb_dbi_open(txn.get(), "phones", 0, &phones), 0);
  split_subscriptions(txn, phones, [](std::string_view phone, std::string_view campaign) {
    return std::string(keys::phone_buf(phone, keys::phone_tag::subscription, campaign).view());
  });
  // The migration recounts `counts` from the records it moves: make them wrong here (one
  // campaign missing, one off) to see it.
  MDB_dbi counts;
  ASSERT_EQ(mdb_dbi_open(txn.get(), "counts", 0, &counts), 0);
  ASSERT_EQ(txn.del(counts, "many"), 0);
  std::string wrong;
  records::encode_counts(wrong, 99, 99);
  ASSERT_EQ(txn.put(counts, "tips", wrong), 0);
  set_version(txn, 3);
  ASSERT_EQ(txn.commit(), 0);
}

// Rewrites a closed store of the current layout into the version-1 layout: the entries of
// `phones` back into the per-phone tables they came from, the subscriptions keyed by phone
// in `subs` with their state, since and source copied into subs_by_campaign, no audit_bulk
// table, and schema_version 1.
void downgrade_to_version_1(const std::filesystem::path& state_dir) {
  RawWrite raw(state_dir);
  ASSERT_TRUE(raw.txn.get());
  lmdb::Txn& txn = raw.txn;
  MDB_dbi phones, meta;
  ASSERT_EQ(mdb_dbi_open(txn.get(), "phones", 0, &phones), 0);
  ASSERT_EQ(lmdb::open_dbi(txn, "meta", meta), 0);
  const std::map<char, const char*> old_table = {{keys::phone_tag::last_stop, "last_stop"},
                                                 {keys::phone_tag::recent_join, "recent_join"},
                                                 {keys::phone_tag::inbox, "inbox_by_phone"},
                                                 {keys::phone_tag::outbox, "outbox_by_phone"},
                                                 {keys::phone_tag::audit, "audit_by_phone"}};
  std::map<char, MDB_dbi> dbi;
  for (const auto& [tag, name] : old_table) ASSERT_EQ(lmdb::open_dbi(txn, name, dbi[tag]), 0);
  std::vector<std::tuple<char, std::string, std::string>> moved;
  {
    lmdb::Cursor c;
    ASSERT_EQ(lmdb::Cursor::open(txn, phones, c), 0);
    std::string_view k, v;
    for (int rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
      const auto nul = k.find('\0');
      moved.emplace_back(k[nul + 1], keys::pair(k.substr(0, nul), k.substr(nul + 2)),
                         std::string(v));
    }
  }
  for (const auto& [tag, key, value] : moved) ASSERT_EQ(txn.put(dbi[tag], key, value), 0);
  ASSERT_EQ(mdb_drop(txn.get(), phones, 1), 0);
  MDB_dbi subs;
  ASSERT_EQ(lmdb::open_dbi(txn, "subs", subs), 0);
  split_subscriptions(txn, subs, [](std::string_view phone, std::string_view campaign) {
    return keys::pair(phone, campaign);
  });
  // Version 1 had no queued-record counters.
  std::vector<std::string> counters;
  {
    lmdb::Cursor c;
    ASSERT_EQ(lmdb::Cursor::open(txn, meta, c), 0);
    std::string_view k, v;
    for (int rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
      if (keys::starts_with(k, keys::prefix(lmdb::kMetaPending))) counters.emplace_back(k);
    }
  }
  ASSERT_FALSE(counters.empty());
  for (const auto& k : counters) ASSERT_EQ(txn.del(meta, k), 0);
  // Nor audit_bulk (version 3); this store's audit events are all single rows.
  MDB_dbi audit_bulk;
  ASSERT_EQ(mdb_dbi_open(txn.get(), "audit_bulk", 0, &audit_bulk), 0);
  MDB_stat st{};
  ASSERT_EQ(mdb_stat(txn.get(), audit_bulk, &st), 0);
  ASSERT_EQ(st.ms_entries, 0u);
  ASSERT_EQ(mdb_drop(txn.get(), audit_bulk, 1), 0);
  set_version(txn, 1);
  ASSERT_EQ(txn.commit(), 0);
}

TEST_F(StoreReadTest, Version1StoreIsMigratedWithEveryQueryAnsweredAsBefore) {
  const std::string a = phone(1), b = phone(2);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    for (int i = 1; i <= 6; ++i) {
      const std::string& p = i % 2 ? a : b;
      const std::string ref = "mo:" + std::to_string(i);  // the context only views it
      ChangeContext c{t(i), ChangeSource::sms, ref, "keyword"};
      (void)w.add_inbox(
          NewInboxMessage{t(i), p, "12345", "spring", "JOIN", InboxKind::keyword, "carrier-a"});
      (void)w.subscribe(p, i < 3 ? "spring" : "tips", "12345", c);
      (void)w.enqueue_outbox(NewOutboxMessage{t(i), p, "12345", "spring", "welcome"});
    }
    ChangeContext stop{t(9), ChangeSource::sms, "mo:9", "STOP"};
    (void)w.opt_out(b, "tips", stop);
    EXPECT_FALSE(w.set_last_stop(LastStop{b, "12345", t(9), "mo:9", {"tips"}}));
    return std::error_code{};
  }));
  struct Answers {
    std::vector<Subscription> subs_a, subs_b;
    std::optional<LastStop> stop_b;
    std::optional<RecentJoin> join_a;
    std::vector<std::uint64_t> inbox_b, audit_a;
    std::vector<ConversationEntry> conversation_a;
    std::uint64_t queued = 0;
  };
  auto ask = [&] {
    Answers r;
    r.subs_a = *store->subscriptions(a);
    r.subs_b = *store->subscriptions(b);
    r.stop_b = *store->last_stop(b, "12345");
    r.join_a = *store->recent_join(a, "12345");
    const auto inbox = store->inbox_page(InboxQuery{std::nullopt, b, 50, std::nullopt});
    for (const auto& m : inbox->messages) r.inbox_b.push_back(m.id);
    const auto audit = store->audit_page(AuditQuery{a, 50, std::nullopt});
    for (const auto& e : audit->events) r.audit_a.push_back(e.id);
    r.conversation_a = *store->conversation(a, std::nullopt, 50);
    r.queued = *store->pending_count("12345");
    return r;
  };
  const Answers before = ask();
  ASSERT_EQ(before.subs_a.size(), 2u);
  ASSERT_TRUE(before.stop_b && before.join_a);
  ASSERT_EQ(before.inbox_b.size(), 3u);
  ASSERT_EQ(before.conversation_a.size(), 6u);
  ASSERT_EQ(before.queued, 6u);

  reopen_after(downgrade_to_version_1);
  const Answers after = ask();
  EXPECT_EQ(after.subs_a, before.subs_a);
  EXPECT_EQ(after.subs_b, before.subs_b);
  EXPECT_EQ(after.stop_b, before.stop_b);
  EXPECT_EQ(after.join_a, before.join_a);
  EXPECT_EQ(after.inbox_b, before.inbox_b);
  EXPECT_EQ(after.audit_a, before.audit_a);
  EXPECT_EQ(after.conversation_a, before.conversation_a);
  EXPECT_EQ(after.queued, before.queued);
  // Writes go on in the new layout; TearDown checks that no old table is left.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    ChangeContext c{t(20), ChangeSource::admin, "req-1", "admin"};
    auto r = w.opt_out(a, "spring", c);
    return r ? std::error_code{} : r.error();
  }));
  EXPECT_EQ(store->audit_page(AuditQuery{a, 50, std::nullopt})->events.size(),
            before.audit_a.size() + 1);
}

TEST_F(StoreReadTest, Version3StoreIsMigratedWithEveryQueryAnsweredAsBefore) {
  const std::string a = phone(1), b = phone(2), c = phone(3);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    ChangeContext ctx{t(1), ChangeSource::sms, "mo:1", "keyword"};
    (void)w.subscribe(a, "spring", "12345", ctx);
    (void)w.subscribe(a, "tips", "12345", ctx);
    (void)w.subscribe(b, "tips", "12345", ctx);
    (void)w.opt_out_company(c, ctx);
    // More records than the migration moves in one pass (schema.cpp, move_subscriptions).
    for (int i = 0; i < 5000; ++i) (void)w.subscribe(phone(1000 + i), "many", "12345", ctx);
    return std::error_code{};
  }));
  OptOutBatch batch;  // audit_bulk rows and records of a Manual Opt-Out
  batch.campaign = "tips";
  batch.phones = {a, phone(4), phone(5)};
  batch.context = ChangeContext{t(2), ChangeSource::csv, "req-1", "csv upload"};
  ASSERT_TRUE(apply_opt_out_blocking(*writer, batch));
  struct Answers {
    std::vector<Subscription> subs_a, subs_b, subs_4;
    std::optional<SubscriptionState> b_spring, c_tips, first_many, last_many;
    CampaignCounts tips, many;
    std::vector<OptOutRow> opted_out;
    std::vector<std::string> subscribed_tips;
    std::vector<std::uint64_t> audit;
  };
  auto ask = [&] {
    Answers r;
    r.subs_a = *store->subscriptions(a);
    r.subs_b = *store->subscriptions(b);
    r.subs_4 = *store->subscriptions(phone(4));
    r.b_spring = *store->state(b, "spring");
    r.c_tips = *store->state(c, "tips");
    r.tips = *store->campaign_counts("tips");
    r.many = *store->campaign_counts("many");
    r.first_many = *store->state(phone(1000), "many");
    r.last_many = *store->state(phone(5999), "many");
    r.opted_out = store->opted_out(std::nullopt, std::nullopt, 100)->rows;
    r.subscribed_tips = store->subscribed_phones("tips", std::nullopt, 100)->rows;
    const auto audit = store->audit_page(AuditQuery{});
    for (const auto& e : audit->events) r.audit.push_back(e.id);
    return r;
  };
  const Answers before = ask();
  ASSERT_EQ(before.subs_a.size(), 2u);
  ASSERT_EQ(before.tips, (CampaignCounts{"tips", 1, 3}));
  ASSERT_EQ(before.many, (CampaignCounts{"many", 5000, 0}));
  ASSERT_EQ(before.last_many, SubscriptionState::subscribed);
  ASSERT_EQ(before.opted_out.size(), 4u);
  ASSERT_EQ(before.subscribed_tips, std::vector<std::string>{b});

  reopen_after(downgrade_to_version_3);
  const Answers after = ask();
  EXPECT_EQ(after.subs_a, before.subs_a);
  EXPECT_EQ(after.subs_b, before.subs_b);
  EXPECT_EQ(after.subs_4, before.subs_4);
  EXPECT_EQ(after.b_spring, before.b_spring);
  EXPECT_EQ(after.c_tips, before.c_tips);
  EXPECT_EQ(after.tips, before.tips);
  EXPECT_EQ(after.many, before.many);
  EXPECT_EQ(after.first_many, before.first_many);
  EXPECT_EQ(after.last_many, before.last_many);
  EXPECT_EQ(after.opted_out, before.opted_out);
  EXPECT_EQ(after.subscribed_tips, before.subscribed_tips);
  EXPECT_EQ(after.audit, before.audit);
}

TEST(OpenStore, RefusesBadOptionsAndUnwritableDirectories) {
  StoreOptions o;
  EXPECT_EQ(open_store(o).error(), StoreErrc::invalid_argument);
  o.state_dir = "/proc/smppgw-cannot-exist";
  EXPECT_EQ(open_store(o).error(), StoreErrc::open_failed);
  TempDir d;
  o = options_for(d);
  o.map_size = o.max_map_size + 1;
  EXPECT_EQ(open_store(o).error(), StoreErrc::invalid_argument);
}

}  // namespace
}  // namespace smppgw::store::test
