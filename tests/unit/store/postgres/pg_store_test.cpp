// store/postgres/pg_store.cpp against the throwaway cluster: rows written with plain SQL into
// the schema's tables read back through every read query of Store — contents, order, pages and
// cursors, limits, damaged rows — and a lost connection reported as unavailable, then reopened.
#include "store/postgres/pg_store.hpp"

#include <array>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "store/audit_chain.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/sql_text.hpp"
#include "store/writer.hpp"
#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

// The writer's backend is pg-write's; reads never touch it. It only records who claims it.
class FakeWriteBackend final : public store::detail::WriteBackend {
 public:
  explicit FakeWriteBackend(std::atomic<int>* claims = nullptr) : claims_(claims) {}
  bool claim_writer() override {
    if (claimed_) return false;
    claimed_ = true;
    if (claims_ != nullptr) claims_->fetch_add(1);
    return true;
  }
  void release_writer() override { claimed_ = false; }
  Result<std::unique_ptr<store::detail::WriteGroup>> begin_group() override {
    return fail(StoreErrc::unavailable);
  }
  std::error_code grow() override { return {}; }

 private:
  std::atomic<int>* claims_;
  bool claimed_ = false;
};

Timestamp at(std::int64_t ms) {
  return timestamp_from_unix_ms(1'700'000'000'000 + ms);
}

std::string ms(Timestamp t) {
  return std::to_string(unix_ms(t));
}

std::string n(std::int64_t v) {
  return std::to_string(v);
}

class PostgresStore : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    auto schema = ensure_schema(*conn_);
    ASSERT_TRUE(schema) << schema.error().message;
    open(2, server_);
  }
  void TearDown() override {
    store_.reset();
    PgTest::TearDown();
  }

  void open(unsigned connections, const ConnectOptions& connect) {
    store_.reset();
    auto pool = Pool::open(StoreOptions{connect, schema_, connections});
    ASSERT_TRUE(pool) << pool.error().message;
    pool_ = pool->get();
    store_ = std::make_unique<PgStore>(std::move(*pool), std::make_unique<FakeWriteBackend>());
  }

  void sql(const std::string& text, std::vector<std::optional<std::string>> params = {}) {
    auto r = conn_->exec({text, std::move(params)});
    ASSERT_TRUE(r) << r.error().message << "\n" << text;
  }

  void put(const Subscription& s) {
    sql("INSERT INTO subscriptions (phone, campaign, state, since, source, changed_by) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {s.phone, s.campaign, n(static_cast<int>(s.state)), ms(s.since),
         n(static_cast<int>(s.source)), s.changed_by});
  }
  Subscription subscription(std::string phone, std::string campaign, SubscriptionState state,
                            std::int64_t since = 0) {
    Subscription s{std::move(phone), std::move(campaign), state,
                   at(since),        ChangeSource::sms,   "mo:1"};
    put(s);
    return s;
  }
  CompanyOptOut company(std::string phone, std::int64_t since = 0) {
    CompanyOptOut c{std::move(phone), at(since), ChangeSource::csv, "req-1"};
    sql("INSERT INTO company_opt_outs (phone, since, source, changed_by) VALUES ($1, $2, $3, $4)",
        {c.phone, ms(c.since), n(static_cast<int>(c.source)), c.changed_by});
    return c;
  }
  void put(const InboxMessage& m) {
    sql("INSERT INTO inbox (id, received_at, phone, short_code, campaign, text, kind, link) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {n(static_cast<std::int64_t>(m.id)), ms(m.received_at), m.from, m.to, m.campaign,
         sql::bytea(m.text), n(static_cast<int>(m.kind)), m.link});
  }
  InboxMessage inbox(std::uint64_t id, std::string phone, std::string campaign, std::int64_t when) {
    InboxMessage m{id,
                   at(when),
                   std::move(phone),
                   "12345",
                   std::move(campaign),
                   "in " + std::to_string(id),
                   InboxKind::message,
                   "carrier-a"};
    put(m);
    return m;
  }
  void put(const OutboxMessage& m) {
    sql::ArrayLiteral statuses, links, carrier_ids, errors, receipt_keys;
    for (const auto& p : m.parts) {
      statuses.add(static_cast<std::int64_t>(p.status));
      links.add(p.link);
      carrier_ids.add(p.carrier_message_id);
      errors.add(p.error);
      receipt_keys.add(p.receipt_key);
    }
    sql("INSERT INTO outbox (id, created_at, updated_at, phone, short_code, campaign, text, "
        "kind, status, encoding, segments, error, broadcast_id, attempts, part_status, "
        "part_link, part_carrier_id, part_error, part_receipt_key) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        {n(static_cast<std::int64_t>(m.id)), ms(m.created_at), ms(m.updated_at), m.to, m.from,
         m.campaign, sql::bytea(m.text), n(static_cast<int>(m.kind)), n(static_cast<int>(m.status)),
         n(static_cast<int>(m.encoding)), n(m.segments), m.error,
         m.broadcast_id ? std::optional(n(static_cast<std::int64_t>(*m.broadcast_id)))
                        : std::nullopt,
         n(m.attempts), statuses.take(), links.take(), carrier_ids.take(), errors.take(),
         receipt_keys.take()});
  }
  OutboxMessage outbox(std::uint64_t id, std::string phone, std::string campaign, std::int64_t when,
                       OutboxStatus status = OutboxStatus::queued,
                       std::string short_code = "12345") {
    OutboxMessage m;
    m.id = id;
    m.created_at = at(when);
    m.updated_at = at(when + 5);
    m.to = std::move(phone);
    m.from = std::move(short_code);
    m.campaign = std::move(campaign);
    m.text = "out " + std::to_string(id);
    m.status = status;
    m.parts = {OutboxPart{}};
    put(m);
    return m;
  }
  AuditEvent audit(std::uint64_t id, std::string phone, std::int64_t when) {
    AuditEvent e{id,
                 at(when),
                 std::move(phone),
                 "spring",
                 id % 2 == 0 ? std::optional(SubscriptionState::subscribed) : std::nullopt,
                 SubscriptionState::opted_out,
                 ChangeSource::admin,
                 "req-" + std::to_string(id),
                 "STOP"};
    e.prev_hash.emplace();
    e.prev_hash->fill(static_cast<std::uint8_t>(id));  // the reads return it as stored
    sql("INSERT INTO audit (id, at, phone, campaign, from_state, to_state, source, ref, reason, "
        "prev_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {n(static_cast<std::int64_t>(e.id)), ms(e.at), e.phone, e.campaign,
         e.from_state ? std::optional(n(static_cast<int>(*e.from_state))) : std::nullopt,
         n(static_cast<int>(e.to_state)), n(static_cast<int>(e.source)), e.ref, e.reason,
         sql::bytea({reinterpret_cast<const char*>(e.prev_hash->data()), e.prev_hash->size()})});
    return e;
  }

  // The pid of the server process behind the pool's (only) connection.
  std::string pool_backend_pid() {
    auto r = pool_->run(std::array<Statement, 1>{{{"SELECT pg_backend_pid()", {}}}});
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->at(0).rows.at(0).at(0).value() : "";
  }
  // Ends that server process and waits until it is gone.
  void terminate(const std::string& pid) {
    auto r = conn_->exec({"SELECT pg_terminate_backend($1, 30000)", {pid}});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->rows.at(0).at(0), std::optional<std::string>("t"));
  }

  Pool* pool_ = nullptr;
  std::unique_ptr<PgStore> store_;
};

using S = SubscriptionState;

TEST_F(PostgresStore, StateIsTheRecordElseTheCompanyWideOptOut) {
  subscription("+1001", "spring", S::subscribed);
  subscription("+1002", "spring", S::opted_out);
  subscription("+1003", "spring", S::subscribed);
  company("+1003");
  company("+1004");

  EXPECT_EQ(store_->state("+1001", "spring").value(), S::subscribed);
  EXPECT_EQ(store_->state("+1002", "spring").value(), S::opted_out);
  // A record of its own lifts the company-wide opt-out for its campaign only.
  EXPECT_EQ(store_->state("+1003", "spring").value(), S::subscribed);
  EXPECT_EQ(store_->state("+1003", "autumn").value(), S::opted_out);
  EXPECT_EQ(store_->state("+1004", "spring").value(), S::opted_out);
  EXPECT_EQ(store_->state("+1005", "spring").value(), std::nullopt);
  EXPECT_EQ(store_->state("+1001", "autumn").value(), std::nullopt);
}

TEST_F(PostgresStore, StatesAnswerABatchInItsOrder) {
  // Quotes, backslashes, commas and braces travel in the array parameters unharmed.
  const std::string odd_phone = "+1\"\\,{}";
  const std::string odd_campaign = "NULL";
  subscription(odd_phone, odd_campaign, S::subscribed);
  subscription("+2001", "spring", S::opted_out);
  company("+2002");

  const std::vector<Store::StateQuery> queries = {
      {"+2001", "spring"},   {odd_phone, odd_campaign}, {"+2002", "spring"},    {"+2003", "spring"},
      {odd_phone, "spring"}, {"+2001", "spring"},       {"+2002", odd_campaign}};
  auto got = store_->states(queries);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got,
            (std::vector<std::optional<S>>{S::opted_out, S::subscribed, S::opted_out, std::nullopt,
                                           std::nullopt, S::opted_out, S::opted_out}));
  EXPECT_EQ(store_->states({}).value(), std::vector<std::optional<S>>{});
  // One invalid pair refuses the whole batch.
  const std::vector<Store::StateQuery> bad = {{"+2001", "spring"}, {"", "spring"}};
  EXPECT_EQ(store_->states(bad).error(), StoreErrc::invalid_argument);
}

TEST_F(PostgresStore, SubscriptionsComeInCampaignOrder) {
  auto b = subscription("+3001", "beta", S::opted_out, 20);
  auto a = subscription("+3001", "alpha", S::subscribed, 10);
  auto c = subscription("+3001", "gamma", S::subscribed, 30);
  subscription("+3002", "alpha", S::subscribed);
  EXPECT_EQ(store_->subscriptions("+3001").value(), (std::vector<Subscription>{a, b, c}));
  EXPECT_EQ(store_->subscriptions("+3009").value(), std::vector<Subscription>{});
}

TEST_F(PostgresStore, TheOrderedKeysSortAsBytesWhateverTheDatabasesLocale) {
  // Every identifier column (phones, campaigns, short codes, links, carrier ids) is COLLATE
  // "C" (schema.cpp), so reads order and page as LMDB does; free texts need no order.
  auto columns =
      conn_->exec({"SELECT table_name || '.' || column_name FROM information_schema.columns WHERE "
                   "table_schema = current_schema() AND data_type = 'text' AND column_name IN "
                   "('phone', 'campaign', 'short_code', 'link', 'receipt_key') AND "
                   "collation_name IS DISTINCT FROM 'C' ORDER BY 1",
                   {}});
  ASSERT_TRUE(columns) << columns.error().message;
  std::vector<std::string> names;
  for (const auto& row : columns->rows) names.push_back(row.at(0).value());
  EXPECT_EQ(names, std::vector<std::string>{}) << "identifier columns without COLLATE \"C\"";
  for (const char* campaign : {"b", "C", "a", "\xc3\xa9", "B"}) {
    subscription("+3101", campaign, S::subscribed);
  }
  std::vector<std::string> order;
  auto listed = store_->subscriptions("+3101");
  ASSERT_TRUE(listed) << listed.error().message();
  for (const auto& s : *listed) order.push_back(s.campaign);
  EXPECT_EQ(order, (std::vector<std::string>{"B", "C", "a", "b", "\xc3\xa9"}));
}

TEST_F(PostgresStore, PointReadsOfCompanyOptOutLastStopAndRecentJoin) {
  auto c = company("+4001", 7);
  EXPECT_EQ(store_->company_opt_out("+4001").value(), c);
  EXPECT_EQ(store_->company_opt_out("+4002").value(), std::nullopt);

  LastStop stop{"+4001", "12345", at(3), "mo:9", {"a,b", "", "x\"y", "spring"}};
  sql("INSERT INTO last_stops (phone, short_code, at, changed_by, campaigns) "
      "VALUES ($1, $2, $3, $4, $5)",
      {stop.phone, stop.short_code, ms(stop.at), stop.changed_by, sql::text_array(stop.campaigns)});
  LastStop empty{"+4001", "67890", at(4), "mo:10", {}};
  sql("INSERT INTO last_stops (phone, short_code, at, changed_by, campaigns) "
      "VALUES ($1, $2, $3, $4, '{}')",
      {empty.phone, empty.short_code, ms(empty.at), empty.changed_by});
  EXPECT_EQ(store_->last_stop("+4001", "12345").value(), stop);
  EXPECT_EQ(store_->last_stop("+4001", "67890").value(), empty);
  EXPECT_EQ(store_->last_stop("+4002", "12345").value(), std::nullopt);

  RecentJoin join{"+4001", "12345", "spring", at(5)};
  sql("INSERT INTO recent_joins (phone, short_code, campaign, at) VALUES ($1, $2, $3, $4)",
      {join.phone, join.short_code, join.campaign, ms(join.at)});
  EXPECT_EQ(store_->recent_join("+4001", "12345").value(), join);
  EXPECT_EQ(store_->recent_join("+4001", "67890").value(), std::nullopt);
}

TEST_F(PostgresStore, CountsAreReadNotCounted) {
  sql("INSERT INTO campaign_counts (campaign, subscribed, opted_out) VALUES "
      "('spring', 3, 1), ('autumn', 0, 2), ('beta', 5, 0)");
  sql("UPDATE counters SET value = 4 WHERE name = 'company_opt_outs'");
  EXPECT_EQ(store_->campaign_counts("spring").value(), (CampaignCounts{"spring", 3, 1}));
  EXPECT_EQ(store_->campaign_counts("winter").value(), (CampaignCounts{"winter", 0, 0}));
  EXPECT_EQ(store_->all_campaign_counts().value(),
            (std::vector<CampaignCounts>{{"autumn", 0, 2}, {"beta", 5, 0}, {"spring", 3, 1}}));
  EXPECT_EQ(store_->company_opt_out_count().value(), 4u);
  sql("DELETE FROM counters WHERE name = 'company_opt_outs'");
  EXPECT_EQ(store_->company_opt_out_count().value(), 0u);
}

TEST_F(PostgresStore, SubscribedPhonesComeInChunksAfterTheCursor) {
  for (const char* phone : {"+5003", "+5001", "+5005", "+5002"}) {
    subscription(phone, "spring", S::subscribed);
  }
  subscription("+5004", "spring", S::opted_out);
  subscription("+5000", "autumn", S::subscribed);

  auto first = store_->subscribed_phones("spring", std::nullopt, 2);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->rows, (std::vector<std::string>{"+5001", "+5002"}));
  ASSERT_EQ(first->next, std::optional<std::string>("+5002"));
  auto second = store_->subscribed_phones("spring", first->next, 2);
  ASSERT_TRUE(second) << second.error().message();
  // Exactly a chunk left: no next, as there is nothing after it.
  EXPECT_EQ(second->rows, (std::vector<std::string>{"+5003", "+5005"}));
  EXPECT_EQ(second->next, std::nullopt);
  EXPECT_EQ(store_->subscribed_phones("spring", std::string("+5005"), 2).value().rows,
            std::vector<std::string>{});
  EXPECT_EQ(store_->subscribed_phones("winter", std::nullopt, 100000).value().rows,
            std::vector<std::string>{});

  EXPECT_EQ(store_->subscribed_phones("spring", std::nullopt, 0).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->subscribed_phones("spring", std::nullopt, 100001).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->subscribed_phones("spring", std::string(), 1).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->subscribed_phones("", std::nullopt, 1).error(), StoreErrc::invalid_argument);
}

std::vector<OptOutRow> export_all(const Store& store, std::optional<std::string> campaign,
                                  std::size_t chunk, std::vector<std::string>* cursors = nullptr) {
  std::vector<OptOutRow> out;
  std::optional<std::string> cursor;
  do {
    auto c = store.opted_out(campaign, cursor, chunk);
    EXPECT_TRUE(c) << c.error().message();
    if (!c) break;
    EXPECT_LE(c->rows.size(), chunk);
    out.insert(out.end(), c->rows.begin(), c->rows.end());
    cursor = c->next;
    if (cursor && cursors) cursors->push_back(*cursor);
  } while (cursor);
  return out;
}

TEST_F(PostgresStore, TheOptedOutExportGivesRecordsThenCompanyWideOptOuts) {
  subscription("+6002", "spring", S::opted_out, 1);
  subscription("+6001", "spring", S::opted_out, 2);
  subscription("+6001", "autumn", S::opted_out, 3);
  subscription("+6003", "spring", S::subscribed, 4);
  subscription("+6004", "spring", S::subscribed, 5);
  company("+6004", 6);  // has a spring record: not covered by the spring export
  company("+6005", 7);
  company("+6006", 8);

  const auto row = [](std::string phone, std::string campaign, std::int64_t when,
                      ChangeSource source) {
    return OptOutRow{std::move(phone), std::move(campaign), at(when), source};
  };
  const std::vector<OptOutRow> everything = {
      row("+6001", "autumn", 3, ChangeSource::sms), row("+6001", "spring", 2, ChangeSource::sms),
      row("+6002", "spring", 1, ChangeSource::sms), row("+6004", "*", 6, ChangeSource::csv),
      row("+6005", "*", 7, ChangeSource::csv),      row("+6006", "*", 8, ChangeSource::csv)};
  EXPECT_EQ(export_all(*store_, std::nullopt, 100000), everything);
  // Chunks of every size give the same rows, across the change of phase too.
  std::vector<std::string> cursors;
  EXPECT_EQ(export_all(*store_, std::nullopt, 2, &cursors), everything);
  EXPECT_EQ(cursors, (std::vector<std::string>{std::string("rspring\0+6001", 13), "c+6004"}));
  // Three records exactly fill the chunk: the next chunk starts the company-wide phase.
  cursors.clear();
  EXPECT_EQ(export_all(*store_, std::nullopt, 3, &cursors), everything);
  EXPECT_EQ(cursors, (std::vector<std::string>{"c"}));
  for (std::size_t chunk : {1u, 4u, 5u, 6u}) {
    EXPECT_EQ(export_all(*store_, std::nullopt, chunk), everything) << chunk;
  }

  const std::vector<OptOutRow> spring = {
      row("+6001", "spring", 2, ChangeSource::sms), row("+6002", "spring", 1, ChangeSource::sms),
      row("+6005", "*", 7, ChangeSource::csv), row("+6006", "*", 8, ChangeSource::csv)};
  for (std::size_t chunk : {1u, 2u, 3u, 100u}) {
    EXPECT_EQ(export_all(*store_, std::string("spring"), chunk), spring) << chunk;
  }
  // for_each_opted_out streams the same chunks.
  std::vector<OptOutRow> streamed;
  EXPECT_FALSE(
      store_->for_each_opted_out(std::string("spring"), 3, [&](std::span<const OptOutRow> rows) {
        streamed.insert(streamed.end(), rows.begin(), rows.end());
        return true;
      }));
  EXPECT_EQ(streamed, spring);

  // A records cursor without NUL stands before every phone of its campaign.
  auto from_spring = store_->opted_out(std::nullopt, std::string("rspring"), 10);
  ASSERT_TRUE(from_spring) << from_spring.error().message();
  EXPECT_EQ(from_spring->rows.size(), 5u);
  EXPECT_EQ(from_spring->rows.front(), everything[1]);

  EXPECT_EQ(store_->opted_out(std::nullopt, std::string(), 10).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->opted_out(std::nullopt, std::string("x+6001"), 10).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->opted_out(std::nullopt, std::nullopt, 0).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->opted_out(std::nullopt, std::nullopt, 100001).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->opted_out(std::string(""), std::nullopt, 10).error(),
            StoreErrc::invalid_argument);
}

TEST_F(PostgresStore, InboxPagesAreNewestFirstWithTheirFilters) {
  std::vector<InboxMessage> m(8);
  m[1] = inbox(1, "+7001", "spring", 1);
  m[2] = inbox(2, "+7002", "spring", 2);
  m[3] = inbox(3, "+7001", "autumn", 3);
  m[4] = inbox(4, "+7001", "spring", 4);
  m[5] = inbox(5, "+7002", "autumn", 5);
  m[6] = inbox(6, "+7001", "spring", 6);
  // Any bytes, as an MO may carry them.
  m[7] = InboxMessage{
      7, at(7), "+7003", "12345", "", std::string("\0\xff\"\\x", 5), InboxKind::stop, "carrier-b"};
  put(m[7]);

  auto page = [&](InboxQuery q) {
    auto p = store_->inbox_page(q);
    EXPECT_TRUE(p) << p.error().message();
    return p ? *p : InboxPage{};
  };
  auto all = page({std::nullopt, std::nullopt, 3, std::nullopt});
  EXPECT_EQ(all.messages, (std::vector<InboxMessage>{m[7], m[6], m[5]}));
  EXPECT_EQ(all.next_before, std::optional<std::uint64_t>(5));
  auto rest = page({std::nullopt, std::nullopt, 3, 5});
  EXPECT_EQ(rest.messages, (std::vector<InboxMessage>{m[4], m[3], m[2]}));
  EXPECT_EQ(rest.next_before, std::optional<std::uint64_t>(2));
  auto last = page({std::nullopt, std::nullopt, 3, 2});
  EXPECT_EQ(last.messages, (std::vector<InboxMessage>{m[1]}));
  EXPECT_EQ(last.next_before, std::nullopt);
  EXPECT_TRUE(page({std::nullopt, std::nullopt, 3, 0}).messages.empty());
  EXPECT_EQ(page({std::nullopt, std::nullopt, 7, UINT64_MAX}).messages.size(), 7u);

  EXPECT_EQ(page({std::nullopt, "+7001", 10, std::nullopt}).messages,
            (std::vector<InboxMessage>{m[6], m[4], m[3], m[1]}));
  EXPECT_EQ(page({"spring", std::nullopt, 10, std::nullopt}).messages,
            (std::vector<InboxMessage>{m[6], m[4], m[2], m[1]}));
  auto both = page({"spring", "+7001", 2, std::nullopt});
  EXPECT_EQ(both.messages, (std::vector<InboxMessage>{m[6], m[4]}));
  EXPECT_EQ(both.next_before, std::optional<std::uint64_t>(4));
  // Exactly a page: no next.
  auto exact = page({"spring", "+7001", 3, std::nullopt});
  EXPECT_EQ(exact.messages, (std::vector<InboxMessage>{m[6], m[4], m[1]}));
  EXPECT_EQ(exact.next_before, std::nullopt);

  EXPECT_EQ(store_->inbox_message(7).value(), m[7]);
  EXPECT_EQ(store_->inbox_message(8).value(), std::nullopt);
  EXPECT_EQ(store_->inbox_message(UINT64_MAX).value(), std::nullopt);

  for (const InboxQuery& bad :
       {InboxQuery{std::nullopt, std::nullopt, 0, std::nullopt},
        InboxQuery{std::nullopt, std::nullopt, 1001, std::nullopt},
        InboxQuery{std::string(), std::nullopt, 10, std::nullopt},
        InboxQuery{std::nullopt, std::string("+1\0", 3), 10, std::nullopt},
        InboxQuery{std::nullopt, std::string(201, '1'), 10, std::nullopt}}) {
    EXPECT_EQ(store_->inbox_page(bad).error(), StoreErrc::invalid_argument);
  }
  EXPECT_EQ(page({std::nullopt, std::nullopt, 1000, std::nullopt}).messages.size(), 7u);
}

TEST_F(PostgresStore, OutboxRecordsWithTheirPartsAndTheQueue) {
  OutboxMessage rich;
  rich.id = 1;
  rich.created_at = at(1);
  rich.updated_at = at(9);
  rich.to = "+8001";
  rich.from = "12345";
  rich.campaign = "spring";
  rich.text = "two \"parts\", {braces} \\ and NULL";
  rich.kind = OutboxKind::broadcast;
  rich.status = OutboxStatus::submitted;
  rich.encoding = TextEncoding::ucs2;
  rich.segments = 2;
  rich.parts = {OutboxPart{PartStatus::delivered, "carrier-a", "AB01", "", "ab01"},
                OutboxPart{PartStatus::failed, "carrier-b", "x,y", "err \"8\"", ""}};
  rich.error = "part 2 failed";
  rich.broadcast_id = 77;
  rich.attempts = 3;
  put(rich);
  EXPECT_EQ(store_->outbox_message(1).value(), rich);
  EXPECT_EQ(store_->outbox_message(2).value(), std::nullopt);
  EXPECT_EQ(store_->outbox_message(UINT64_MAX).value(), std::nullopt);

  auto q3 = outbox(3, "+8002", "spring", 3);
  auto q4 = outbox(4, "+8003", "spring", 4);
  outbox(5, "+8004", "spring", 5, OutboxStatus::submitted);
  auto q6 = outbox(6, "+8005", "spring", 6);
  outbox(7, "+8006", "spring", 7, OutboxStatus::queued, "67890");
  sql("INSERT INTO pending_counts (short_code, queued) VALUES ('12345', 3), ('67890', 1)");

  EXPECT_EQ(store_->pending_outbox("12345", 0, 100).value(),
            (std::vector<OutboxMessage>{q3, q4, q6}));
  EXPECT_EQ(store_->pending_outbox("12345", 3, 1).value(), (std::vector<OutboxMessage>{q4}));
  EXPECT_EQ(store_->pending_outbox("12345", 4, 100).value(), (std::vector<OutboxMessage>{q6}));
  EXPECT_EQ(store_->pending_outbox("12345", 6, 100).value(), std::vector<OutboxMessage>{});
  EXPECT_EQ(store_->pending_outbox("12345", UINT64_MAX - 1, 100).value(),
            std::vector<OutboxMessage>{});
  EXPECT_EQ(store_->pending_outbox("12345", UINT64_MAX, 100).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->pending_outbox("12345", 0, 0).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->pending_outbox("12345", 0, 100001).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->pending_outbox("", 0, 1).error(), StoreErrc::invalid_argument);

  EXPECT_EQ(store_->pending_count("12345").value(), 3u);
  EXPECT_EQ(store_->pending_count("67890").value(), 1u);
  EXPECT_EQ(store_->pending_count("11111").value(), 0u);
  EXPECT_EQ(store_->pending_count("").error(), StoreErrc::invalid_argument);

  sql("INSERT INTO carrier_ids (link, receipt_key, outbox_id, part) VALUES "
      "('carrier-a', 'ab01', 1, 0), ('carrier-b', 'x,y', 1, 1)");
  auto ref = store_->find_by_carrier_id("carrier-b", "x,y");
  ASSERT_TRUE(ref && *ref);
  EXPECT_EQ((*ref)->outbox_id, 1u);
  EXPECT_EQ((*ref)->part, 1u);
  EXPECT_EQ(store_->find_by_carrier_id("carrier-b", "ab01").value(), std::nullopt);
  EXPECT_EQ(store_->find_by_carrier_id("", "ab01").error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->find_by_carrier_id("carrier-a", "").error(), StoreErrc::invalid_argument);
}

TEST_F(PostgresStore, AConversationMergesBothDirectionsOldestFirst) {
  auto i1 = inbox(1, "+9001", "spring", 10);
  auto o1 = outbox(1, "+9001", "spring", 10);  // the same millisecond: the MO comes first
  auto i2 = inbox(2, "+9001", "autumn", 20);
  auto o2 = outbox(2, "+9001", "autumn", 15);
  auto o3 = outbox(3, "+9001", "spring", 30, OutboxStatus::delivered);
  inbox(3, "+9002", "spring", 40);
  const auto in = [](const InboxMessage& m) {
    return ConversationEntry{Direction::in, m.id, m.received_at, m.campaign, m.text, std::nullopt};
  };
  const auto out = [](const OutboxMessage& m) {
    return ConversationEntry{Direction::out, m.id, m.created_at, m.campaign, m.text, m.status};
  };
  EXPECT_EQ(store_->conversation("+9001", std::nullopt, 10).value(),
            (std::vector<ConversationEntry>{in(i1), out(o1), out(o2), in(i2), out(o3)}));
  EXPECT_EQ(store_->conversation("+9001", std::nullopt, 2).value(),
            (std::vector<ConversationEntry>{in(i2), out(o3)}));
  EXPECT_EQ(store_->conversation("+9001", std::string("spring"), 10).value(),
            (std::vector<ConversationEntry>{in(i1), out(o1), out(o3)}));
  EXPECT_EQ(store_->conversation("+9003", std::nullopt, 10).value(),
            std::vector<ConversationEntry>{});
  EXPECT_EQ(store_->conversation("+9001", std::nullopt, 0).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->conversation("+9001", std::nullopt, 1001).error(), StoreErrc::invalid_argument);
  EXPECT_EQ(store_->conversation("+9001", std::string(), 1).error(), StoreErrc::invalid_argument);
}

TEST_F(PostgresStore, AuditPagesAreNewestFirst) {
  std::vector<AuditEvent> e(6);
  for (std::uint64_t id = 1; id <= 5; ++id) e[id] = audit(id, id % 2 ? "+1101" : "+1102", 0);
  auto page = store_->audit_page({std::nullopt, 2, std::nullopt});
  ASSERT_TRUE(page) << page.error().message();
  EXPECT_EQ(page->events, (std::vector<AuditEvent>{e[5], e[4]}));
  EXPECT_EQ(page->next_before, std::optional<std::uint64_t>(4));
  page = store_->audit_page({std::nullopt, 3, 4});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events, (std::vector<AuditEvent>{e[3], e[2], e[1]}));
  EXPECT_EQ(page->next_before, std::nullopt);
  page = store_->audit_page({std::string("+1101"), 10, std::nullopt});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events, (std::vector<AuditEvent>{e[5], e[3], e[1]}));
  page = store_->audit_page({std::string("+1101"), 1, 5});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events, (std::vector<AuditEvent>{e[3]}));
  EXPECT_EQ(page->next_before, std::optional<std::uint64_t>(3));
  EXPECT_EQ(store_->audit_page({std::nullopt, 0, std::nullopt}).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->audit_page({std::nullopt, 1001, std::nullopt}).error(),
            StoreErrc::invalid_argument);
  EXPECT_EQ(store_->audit_page({std::string(), 10, std::nullopt}).error(),
            StoreErrc::invalid_argument);
}

// The schema-3 migration chains the events stored before it in SQL; its encoding must be the
// write path's (store/audit_chain.cpp) byte for byte, texts beyond ASCII included.
TEST_F(PostgresStore, TheMigrationChainsOldEventsAsTheWritePathDoesAndATamperedEventShows) {
  for (std::uint64_t id = 1; id <= 4; ++id) (void)audit(id, id % 2 ? "+1101" : "+1102", 7);
  sql("UPDATE audit SET reason = E'opt out \u00f1 \U0001F600' WHERE id = 3");
  const Migration& chain = migrations()[2];
  ASSERT_EQ(chain.version, 3);
  sql(std::string(chain.statements[1]));  // the DO block over the stored events
  auto page = store_->audit_page({std::nullopt, 10, std::nullopt});
  ASSERT_TRUE(page) << page.error().message();
  ASSERT_EQ(page->events.size(), 4u);
  EXPECT_EQ(page->events.back().prev_hash, AuditHash{});
  AuditChainChecker checker;
  for (auto it = page->events.rbegin(); it != page->events.rend(); ++it) checker.add(*it);
  EXPECT_FALSE(checker.report().broken) << checker.report().broken->problem;
  auto report = verify_audit_chain(*store_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(*report, checker.report());

  sql("UPDATE audit SET ref = 'req-x' WHERE id = 2");
  report = verify_audit_chain(*store_);
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->broken);
  EXPECT_EQ(report->broken->id, 3u);
  EXPECT_EQ(report->events, 4u);
}

// Version 4 adds outbox.sent_by: a record a version-3 binary wrote reads as before, naming
// no one; the column then carries the name the write path gives it.
TEST_F(PostgresStore, TheSenderMigrationKeepsOldRecordsAndNamesNoOneInThem) {
  sql("ALTER TABLE outbox DROP COLUMN sent_by");
  const OutboxMessage old = outbox(1, "+1101", "spring", 5);  // as version 3 wrote it
  const Migration& sender = migrations()[3];
  ASSERT_EQ(sender.version, 4);
  for (auto statement : sender.statements) sql(std::string(statement));
  auto m = store_->outbox_message(1);
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_TRUE(*m);
  EXPECT_EQ(**m, old);
  EXPECT_EQ((*m)->sent_by, "");
  sql("UPDATE outbox SET sent_by = 'maria' WHERE id = 1");
  EXPECT_EQ((*store_->outbox_message(1))->sent_by, "maria");
}

TEST_F(PostgresStore, InvalidKeysAreRefusedByEveryPointRead) {
  for (const std::string& bad : {std::string(), std::string("+1\0", 3), std::string(201, '1')}) {
    EXPECT_EQ(store_->state(bad, "spring").error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->state("+1", bad).error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->subscriptions(bad).error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->company_opt_out(bad).error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->last_stop(bad, "12345").error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->last_stop("+1", bad).error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->recent_join(bad, "12345").error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->recent_join("+1", bad).error(), StoreErrc::invalid_argument);
    EXPECT_EQ(store_->campaign_counts(bad).error(), StoreErrc::invalid_argument);
  }
  // 200 bytes is still a key.
  EXPECT_EQ(store_->state(std::string(200, '1'), "spring").value(), std::nullopt);
}

TEST_F(PostgresStore, InfoGivesTheSchemaVersionAndTheDatabaseSize) {
  auto info = store_->info();
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->schema_version, static_cast<std::uint32_t>(schema_version()));
  EXPECT_GT(info->used_bytes, 0u);
  EXPECT_EQ(info->map_size, 0u);
  EXPECT_EQ(info->map_growths, 0u);
}

TEST_F(PostgresStore, ADamagedRowIsCorrupted) {
  subscription("+1201", "spring", S::subscribed);
  sql("UPDATE subscriptions SET state = 9");
  EXPECT_EQ(store_->state("+1201", "spring").error(), StoreErrc::corrupted);
  const std::vector<Store::StateQuery> batch = {{"+1202", "spring"}, {"+1201", "spring"}};
  EXPECT_EQ(store_->states(batch).error(), StoreErrc::corrupted);
  EXPECT_EQ(store_->subscriptions("+1201").error(), StoreErrc::corrupted);

  company("+1201");
  sql("UPDATE company_opt_outs SET source = 0");
  EXPECT_EQ(store_->company_opt_out("+1201").error(), StoreErrc::corrupted);
  EXPECT_EQ(store_->opted_out(std::nullopt, std::nullopt, 10).error(), StoreErrc::corrupted);

  sql("INSERT INTO campaign_counts (campaign, subscribed, opted_out) VALUES ('spring', -1, 0)");
  EXPECT_EQ(store_->campaign_counts("spring").error(), StoreErrc::corrupted);
  EXPECT_EQ(store_->all_campaign_counts().error(), StoreErrc::corrupted);
  sql("UPDATE counters SET value = -3 WHERE name = 'company_opt_outs'");
  EXPECT_EQ(store_->company_opt_out_count().error(), StoreErrc::corrupted);

  inbox(1, "+1201", "spring", 1);
  sql("UPDATE inbox SET kind = 99");
  EXPECT_EQ(store_->inbox_message(1).error(), StoreErrc::corrupted);
  EXPECT_EQ(store_->inbox_page({std::nullopt, std::nullopt, 10, std::nullopt}).error(),
            StoreErrc::corrupted);
  EXPECT_EQ(store_->conversation("+1201", std::nullopt, 10).error(), StoreErrc::corrupted);

  outbox(1, "+1202", "spring", 1);
  sql("UPDATE outbox SET segments = 2");  // two segments, one part
  EXPECT_EQ(store_->outbox_message(1).error(), StoreErrc::corrupted);
  EXPECT_EQ(store_->pending_outbox("12345", 0, 10).error(), StoreErrc::corrupted);

  audit(1, "+1201", 1);
  sql("UPDATE audit SET to_state = 0");
  EXPECT_EQ(store_->audit_page({std::nullopt, 10, std::nullopt}).error(), StoreErrc::corrupted);

  sql("INSERT INTO carrier_ids (link, receipt_key, outbox_id, part) VALUES ('a', 'k', 1, -1)");
  EXPECT_EQ(store_->find_by_carrier_id("a", "k").error(), StoreErrc::corrupted);
  sql("INSERT INTO pending_counts (short_code, queued) VALUES ('12345', -1)");
  EXPECT_EQ(store_->pending_count("12345").error(), StoreErrc::corrupted);
  sql("UPDATE smppgw_meta SET value = 'two' WHERE key = 'schema_version'");
  EXPECT_EQ(store_->info().error(), StoreErrc::corrupted);
}

TEST_F(PostgresStore, AServerErrorIsABackendErrorAndTheConnectionStaysUsable) {
  open(1, server_);
  sql("DROP TABLE audit");
  EXPECT_EQ(store_->audit_page({std::nullopt, 10, std::nullopt}).error(), StoreErrc::backend_error);
  EXPECT_NE(store_->last_failure().find("audit"), std::string::npos) << store_->last_failure();
  const std::string pid = pool_backend_pid();
  EXPECT_EQ(store_->state("+1", "spring").value(), std::nullopt);
  EXPECT_EQ(pool_backend_pid(), pid);  // the same connection, not reopened
}

TEST_F(PostgresStore, ALostConnectionIsUnavailableAndReopenedOnNextUse) {
  open(1, server_);
  subscription("+1301", "spring", S::subscribed);
  const std::string pid = pool_backend_pid();
  terminate(pid);
  EXPECT_EQ(store_->state("+1301", "spring").error(), StoreErrc::unavailable);
  EXPECT_FALSE(store_->last_failure().empty());
  // The next read reopens the connection, with the schema's search_path again.
  EXPECT_EQ(store_->state("+1301", "spring").value(), S::subscribed);
  EXPECT_NE(pool_backend_pid(), pid);
}

TEST_F(PostgresStore, TheWriterDrivesTheBackendGivenAtConstruction) {
  std::atomic<int> claims{0};
  auto pool = Pool::open(StoreOptions{server_, schema_, 1});
  ASSERT_TRUE(pool) << pool.error().message;
  PgStore store(std::move(*pool), std::make_unique<FakeWriteBackend>(&claims));
  {
    auto writer = Writer::start(store);
    ASSERT_TRUE(writer) << writer.error().message();
    EXPECT_EQ(claims.load(), 1);
    // One writer per store: the backend is claimed.
    EXPECT_EQ(Writer::start(store).error(), StoreErrc::invalid_argument);
  }
  // Released with the writer: a new one may start.
  EXPECT_TRUE(Writer::start(store));
  EXPECT_EQ(claims.load(), 2);
}

TEST_F(PostgresStore, ReadersOnManyThreadsShareThePool) {
  subscription("+1401", "spring", S::subscribed);
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto st = store_->state("+1401", "spring");
        if (st && *st == S::subscribed) answered.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 6 * 50);
}

}  // namespace
}  // namespace smppgw::store::postgres
