// The LMDB backend itself (store/lmdb/store.cpp, schema.cpp): a store written by a newer
// version refused, the forward migrations of older layouts with every query answered as
// before, and open_store's own checks. The backend-neutral queries are in store_test.cpp.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "store/audit_chain.hpp"
#include "store/bulk.hpp"
#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/schema.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

class StoreReadTest : public LmdbStoreFixture {
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
  static std::string phone(int k) { return "+1415555000" + std::to_string(k); }
};

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

// A version-7 store (before outbox records could name their sender) opens as version 8 with
// its records unchanged, and a record written afterwards carries its sender.
TEST_F(StoreReadTest, Version7StoreKeepsItsOutboxRecordsAndNamesSendersFromThenOn) {
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.enqueue_outbox(NewOutboxMessage{t(1), phone(1), "12345", "spring", "old"});
    return r ? std::error_code{} : r.error();
  }));
  const auto before = *store->outbox_message(1);
  ASSERT_TRUE(before);
  reopen_after([](const std::filesystem::path& d) {
    RawWrite raw(d);
    MDB_dbi meta;
    ASSERT_EQ(lmdb::open_dbi(raw.txn, "meta", meta), 0);
    std::string v;
    records::Encoder(v).u32(7);
    ASSERT_EQ(raw.txn.put(meta, lmdb::kMetaSchemaVersion, v), 0);
    ASSERT_EQ(raw.txn.commit(), 0);
  });
  EXPECT_EQ(*store->outbox_message(1), before);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    NewOutboxMessage m{t(2), phone(1), "12345", "spring", "new"};
    m.sent_by = "maria";
    auto r = w.enqueue_outbox(m);
    return r ? std::error_code{} : r.error();
  }));
  EXPECT_EQ((*store->outbox_message(2))->sent_by, "maria");
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

// ---- The audit hash chain (schema 7, store/audit_chain.hpp) -------------------------------

// Rewrites every audit event of a closed store as schema 6 wrote it, without prev_hash: the
// single rows and the Manual Opt-Out rows, which are rebuilt from their events.
void downgrade_to_version_6(const std::filesystem::path& state_dir) {
  RawWrite raw(state_dir);
  ASSERT_TRUE(raw.txn.get());
  lmdb::Txn& txn = raw.txn;
  lmdb::Tables t;
  std::uint32_t found = 0;
  ASSERT_FALSE(lmdb::open_schema(txn, t, found));
  std::vector<AuditEvent> events;
  std::optional<std::uint64_t> next;
  ASSERT_FALSE(lmdb::scan_audit_forward(txn, t, 1, 100000, events, next));
  ASSERT_FALSE(next);
  std::string buf;
  for (auto& e : events) {
    e.prev_hash.reset();
    std::string_view v;
    if (txn.get(t.audit, keys::id(e.id), v) == 0) {
      records::encode(buf, e);
      ASSERT_EQ(txn.put(t.audit, keys::id(e.id), buf), 0);
    }
  }
  // Each Manual Opt-Out row, its entries without the trailing 32 bytes.
  lmdb::Cursor c;
  ASSERT_EQ(lmdb::Cursor::open(txn, t.audit_bulk, c), 0);
  std::vector<std::pair<std::string, std::string>> rows;
  std::string_view k, v;
  for (int rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
    const std::uint64_t first = keys::read_be64(k);
    auto view = records::AuditBulkView::parse(v);
    ASSERT_TRUE(view);
    records::AuditBulkBuilder b;
    auto e0 = view->event(first, 0);
    ASSERT_TRUE(e0);
    b.start(ChangeContext{e0->at, e0->source, e0->ref, e0->reason});
    for (std::uint32_t i = 0; i < view->size(); ++i) {
      auto e = view->event(first, i);
      ASSERT_TRUE(e);
      b.add(e->phone, e->campaign, e->from_state, e->to_state, AuditHash{});
    }
    std::string row;
    b.encode(row);
    // Drop the hashes: every entry ends with its 32 bytes; rebuild the offsets for that.
    records::Decoder d(row);
    const std::uint32_t n = d.u32();
    (void)d.time();
    (void)d.u8();
    (void)d.str();
    (void)d.str();
    const std::uint16_t campaigns = d.u16();
    for (std::uint16_t i = 0; i < campaigns; ++i) (void)d.str();
    const std::size_t header = row.size() - d.remaining();
    std::string out = row.substr(0, header);
    std::string entries;
    std::string offsets;
    const std::string_view body = std::string_view(row).substr(header + std::size_t(n) * 4);
    std::size_t pos = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t begin =
          records::Decoder(std::string_view(row).substr(header + i * 4, 4)).u32();
      const std::size_t end =
          i + 1 < n ? records::Decoder(std::string_view(row).substr(header + (i + 1) * 4, 4)).u32()
                    : body.size();
      pos = entries.size();
      std::string o;
      records::Encoder(o).u32(static_cast<std::uint32_t>(pos));
      offsets += o;
      entries.append(body.substr(begin, end - begin - 32));
    }
    rows.emplace_back(std::string(k), out + offsets + entries);
  }
  c = lmdb::Cursor();
  for (const auto& [key, value] : rows) ASSERT_EQ(txn.put(t.audit_bulk, key, value), 0);
  set_version(txn, 6);
  ASSERT_EQ(txn.commit(), 0);
}

// Changes one byte of the reason of single audit row `id` (a tampered trail).
void tamper_audit_row(const std::filesystem::path& state_dir, std::uint64_t id) {
  RawWrite raw(state_dir);
  ASSERT_TRUE(raw.txn.get());
  MDB_dbi audit;
  ASSERT_EQ(lmdb::open_dbi(raw.txn, "audit", audit), 0);
  std::string_view v;
  ASSERT_EQ(raw.txn.get(audit, keys::id(id), v), 0);
  auto e = records::decode_audit(id, v);
  ASSERT_TRUE(e);
  ASSERT_FALSE(e->reason.empty());
  e->reason[0] = static_cast<char>(e->reason[0] ^ 0x20);
  std::string buf;
  records::encode(buf, *e);
  ASSERT_EQ(raw.txn.put(audit, keys::id(id), buf), 0);
  ASSERT_EQ(raw.txn.commit(), 0);
}

class AuditChainTest : public StoreReadTest {
 protected:
  // Single events, a Manual Opt-Out chunk (one audit_bulk row) between them, more singles.
  void write_trail() {
    ASSERT_FALSE(write([&](WriteTxn& w) {
      ChangeContext ctx{t(1), ChangeSource::sms, "mo:1", "keyword SPRING"};
      for (int i = 1; i <= 3; ++i) (void)w.subscribe(phone(i), "spring", "12345", ctx);
      return std::error_code{};
    }));
    OptOutBatch batch;
    batch.campaign = "spring";
    batch.phones = {phone(1), phone(2), phone(7), phone(8)};
    batch.context = ChangeContext{t(2), ChangeSource::csv, "req-1", "csv upload"};
    ASSERT_TRUE(apply_opt_out_blocking(*writer, batch));
    ASSERT_FALSE(write([&](WriteTxn& w) {
      ChangeContext ctx{t(3), ChangeSource::admin, "admin:ana inbox:4", "Opt out profile"};
      (void)w.opt_out(phone(3), "spring", ctx);
      auto r = w.opt_out_company(phone(9), ctx);
      return r ? std::error_code{} : r.error();
    }));
  }
  std::vector<AuditEvent> trail() {
    std::vector<AuditEvent> all;
    auto page = store->audit_page(AuditQuery{std::nullopt, 1000, std::nullopt});
    EXPECT_TRUE(page);
    if (page) all.assign(page->events.rbegin(), page->events.rend());
    return all;
  }
};

TEST_F(AuditChainTest, EveryEventCarriesTheHashOfTheOneBeforeAcrossRowsAndRestarts) {
  write_trail();
  reopen();  // the head is found again at open: the next event chains to the last one
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.subscribe(phone(5), "tips", "12345",
                         ChangeContext{t(4), ChangeSource::sms, "mo:9", "keyword TIPS"});
    return r ? std::error_code{} : r.error();
  }));
  const auto events = trail();
  ASSERT_EQ(events.size(), 3u + 4u + 2u + 1u);
  AuditHash prev{};
  for (const auto& e : events) {
    ASSERT_TRUE(e.prev_hash) << e.id;
    EXPECT_EQ(*e.prev_hash, prev) << e.id;
    prev = audit_hash(e);
  }
  auto report = verify_audit_chain(*store);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->events, events.size());
  EXPECT_EQ(report->head, prev);
  EXPECT_FALSE(report->broken);
}

TEST_F(AuditChainTest, Version6StoreGetsTheSameChainTheWritePathWrites) {
  write_trail();
  const auto before = trail();
  reopen_after(downgrade_to_version_6);
  const auto after = trail();
  EXPECT_EQ(after, before);  // every prev_hash recomputed exactly, bulk rows included
  auto report = verify_audit_chain(*store);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->broken);
  EXPECT_EQ(report->events, before.size());
}

TEST_F(AuditChainTest, AChangedEventBreaksTheChainAtTheNextEvent) {
  write_trail();
  reopen_after([](const std::filesystem::path& d) { tamper_audit_row(d, 2); });
  auto report = verify_audit_chain(*store);
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->broken);
  EXPECT_EQ(report->broken->id, 3u);
  EXPECT_NE(report->broken->problem.find("does not match event 2"), std::string::npos)
      << report->broken->problem;
  EXPECT_EQ(report->events, 9u);
  // The fixture's own check at TearDown would fail on this store: leave it intact there.
  reopen_after([](const std::filesystem::path& d) { tamper_audit_row(d, 2); });
  auto healed = verify_audit_chain(*store);
  ASSERT_TRUE(healed);
  EXPECT_FALSE(healed->broken);
}

}  // namespace
}  // namespace smppgw::store::test
