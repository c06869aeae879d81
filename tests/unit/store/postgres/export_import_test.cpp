// Store::export_rows and WriteTxn::import_rows on PostgreSQL (pg_store_export.cpp,
// write_txn_import.cpp): an LMDB store copied into PostgreSQL holds the same rows, answers the
// same queries and continues the same ids, and copied back into a fresh LMDB store it is the
// source again, row for row.
#include <algorithm>
#include <filesystem>
#include <future>
#include <random>

#include <gtest/gtest.h>

#include "store/postgres/schema.hpp"
#include "store/postgres/store.hpp"
#include "store/writer.hpp"
#include "tests/unit/store/export_sample.hpp"
#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

using store::test::export_all;
using store::test::sample_time;
using Tables = std::map<ExportTable, std::vector<ExportRow>>;

std::error_code run(Writer& w, std::function<std::error_code(WriteTxn&)> fn) {
  std::promise<std::error_code> done;
  auto f = done.get_future();
  WriteRequest req{std::move(fn), [&done](std::error_code ec) { done.set_value(ec); }};
  if (auto ec = w.submit(std::move(req))) return ec;
  return f.get();
}

std::error_code import_all(Store& to, const Tables& tables, std::size_t chunk) {
  auto w = Writer::start(to);
  if (!w) return w.error();
  for (const auto& [table, list] : tables) {
    for (std::size_t i = 0; i < list.size(); i += chunk) {
      std::vector<ExportRow> part(
          list.begin() + static_cast<std::ptrdiff_t>(i),
          list.begin() + static_cast<std::ptrdiff_t>(std::min(list.size(), i + chunk)));
      if (auto ec = run(**w, [&](WriteTxn& txn) { return txn.import_rows(part); })) return ec;
    }
  }
  return {};
}

// The same rows, whatever the order (the backends order some tables by different keys).
bool same_rows(std::vector<ExportRow> a, std::vector<ExportRow> b) {
  return a.size() == b.size() && std::is_permutation(a.begin(), a.end(), b.begin());
}

class PostgresExportImport : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("smppgw-export-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    PgTest::TearDown();
  }
  std::unique_ptr<Store> lmdb(const std::string& name) {
    store::StoreOptions o;
    o.state_dir = dir_ / name;
    o.map_size = 64ull << 20;
    auto s = store::open_store(o);
    EXPECT_TRUE(s) << s.error().message();
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<Store> pg() {
    auto s = open_store(StoreOptions{server_, schema_, 2});
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::filesystem::path dir_;
};

TEST_F(PostgresExportImport, LmdbToPostgresAndBackIsTheSameStore) {
  auto source = lmdb("source");
  ASSERT_TRUE(source);
  {
    auto w = Writer::start(*source);
    ASSERT_TRUE(w);
    ASSERT_FALSE(run(**w, store::test::write_sample));
  }
  auto original = export_all(*source, 1000);
  ASSERT_TRUE(original);

  auto server = pg();
  ASSERT_TRUE(server);
  ASSERT_FALSE(import_all(*server, *original, 4));
  // Read in small chunks: the cursors walk every table.
  auto on_server = export_all(*server, 3);
  ASSERT_TRUE(on_server) << on_server.error().message();
  for (auto t : kExportTables)
    EXPECT_TRUE(same_rows((*original)[t], (*on_server)[t])) << to_string(t);
  // Ids in the same order on both: the audit stream and the id tables are equal as lists.
  EXPECT_EQ((*original)[ExportTable::audit], (*on_server)[ExportTable::audit]);
  EXPECT_EQ((*original)[ExportTable::inbox], (*on_server)[ExportTable::inbox]);
  EXPECT_EQ((*original)[ExportTable::outbox], (*on_server)[ExportTable::outbox]);

  // PostgreSQL answers the queries as LMDB did.
  EXPECT_EQ(*server->all_campaign_counts(), *source->all_campaign_counts());
  EXPECT_EQ(*server->company_opt_out_count(), *source->company_opt_out_count());
  EXPECT_EQ(*server->pending_count("777"), 1u);
  auto pending = server->pending_outbox("777", 0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().attempts, 1u);
  auto ref = server->find_by_carrier_id("carrier-a", "id4");
  ASSERT_TRUE(ref && *ref);
  EXPECT_EQ((*ref)->outbox_id, 4u);
  InboxQuery q;
  EXPECT_EQ(server->inbox_page(q)->messages, source->inbox_page(q)->messages);
  AuditQuery aq;
  aq.limit = 100;
  EXPECT_EQ(server->audit_page(aq)->events, source->audit_page(aq)->events);

  // The writer on PostgreSQL continues the ids and sees the imported state.
  const auto counters = std::get<StoreCounters>((*original)[ExportTable::counters].front());
  {
    auto w = Writer::start(*server);
    ASSERT_TRUE(w);
    std::uint64_t inbox = 0;
    std::optional<SubscriptionState> state;
    ASSERT_FALSE(run(**w, [&](WriteTxn& txn) -> std::error_code {
      auto s = txn.state("+14155551002", "NEWCAMPAIGN");  // the company-wide opt-out covers it
      if (!s) return s.error();
      auto i = txn.add_inbox(
          {sample_time(90), "+14155559999", "12345", "", "x", InboxKind::message, "carrier-a", 0});
      if (!i) return i.error();
      state = *s;
      inbox = *i;
      return {};
    }));
    EXPECT_EQ(inbox, counters.inbox + 1);
    EXPECT_EQ(state, SubscriptionState::opted_out);
  }
  auto moved_on = export_all(*server, 100);
  ASSERT_TRUE(moved_on);
  EXPECT_EQ(std::get<StoreCounters>((*moved_on)[ExportTable::counters].front()).inbox,
            counters.inbox + 1);
  (*moved_on)[ExportTable::inbox].pop_back();
  (*moved_on)[ExportTable::counters] = (*original)[ExportTable::counters];

  // Back into a fresh LMDB store: the source, row for row and in the same order.
  auto back = lmdb("back");
  ASSERT_TRUE(back);
  ASSERT_FALSE(import_all(*back, *moved_on, 5));
  back.reset();
  back = lmdb("back");  // as reopened: LMDB derives its last ids from the rows
  ASSERT_TRUE(back);
  auto round_trip = export_all(*back, 1000);
  ASSERT_TRUE(round_trip);
  for (auto t : kExportTables) EXPECT_EQ((*original)[t], (*round_trip)[t]) << to_string(t);
}

TEST_F(PostgresExportImport, RefusesBadCursorsAndRows) {
  auto server = pg();
  ASSERT_TRUE(server);
  const auto invalid = make_error_code(StoreErrc::invalid_argument);
  auto ec = [](const auto& r) { return r ? std::error_code{} : r.error(); };
  EXPECT_EQ(ec(server->export_rows(ExportTable::inbox, std::string("12x"), 10)), invalid);
  EXPECT_EQ(ec(server->export_rows(ExportTable::subscriptions, std::string("only-one"), 10)),
            invalid);
  EXPECT_EQ(ec(server->export_rows(ExportTable::counters, std::string("1"), 10)), invalid);
  EXPECT_EQ(ec(server->export_rows(ExportTable::audit, std::nullopt, 0)), invalid);
  auto w = Writer::start(*server);
  ASSERT_TRUE(w);
  std::vector<ExportRow> rows = {
      InboxMessage{1, sample_time(1), "+14155551000", "12345", "", "x", InboxKind::message, "l"},
      StoreCounters{1, 0, 0, 0, 0},
      AuditEvent{0, sample_time(1), "+14155551000", "C", std::nullopt,
                 SubscriptionState::subscribed, ChangeSource::sms, "mo:1", "keyword"},
  };
  EXPECT_EQ(run(**w, [&](WriteTxn& txn) { return txn.import_rows(rows); }), invalid);
  auto after = export_all(*server, 10);
  ASSERT_TRUE(after);
  EXPECT_TRUE((*after)[ExportTable::inbox].empty());
  EXPECT_EQ(std::get<StoreCounters>((*after)[ExportTable::counters].front()), StoreCounters{});
}

}  // namespace
}  // namespace smppgw::store::postgres
