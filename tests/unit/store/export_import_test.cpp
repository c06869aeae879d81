// Store::export_rows and WriteTxn::import_rows on LMDB (store/lmdb/export.cpp, import.cpp): a
// copy into a fresh store holds the same rows, ids and counters, keeps every invariant of
// the tables, and goes on handing out ids where the source stopped.
#include <gtest/gtest.h>

#include "tests/unit/store/export_sample.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

class LmdbExportImport : public LmdbStoreFixture {
 protected:
  // Copies `store` into a fresh store in `to`, `chunk` rows per write request.
  void copy_to(const TempDir& to, std::size_t chunk) {
    auto rows = export_all(*store, chunk);
    ASSERT_TRUE(rows) << rows.error().message();
    auto dest = open_store(options_for(to));
    ASSERT_TRUE(dest);
    auto w = Writer::start(**dest);
    ASSERT_TRUE(w);
    for (auto& [table, list] : *rows) {
      for (std::size_t i = 0; i < list.size(); i += chunk) {
        std::vector<ExportRow> part(list.begin() + i,
                                    list.begin() + std::min(list.size(), i + chunk));
        ASSERT_FALSE(run(**w, [&](WriteTxn& txn) { return txn.import_rows(part); }));
      }
    }
  }
};

TEST_F(LmdbExportImport, CopyHoldsEveryRowAndKeepsTheInvariants) {
  ASSERT_FALSE(write(write_sample));
  auto before = export_all(*store, 1000);
  ASSERT_TRUE(before);
  // Every table has rows, and the audit stream holds the Manual Opt-Out chunk's events
  // (stored in audit_bulk) between the single rows, dense from 1.
  for (auto t : kExportTables) EXPECT_FALSE((*before)[t].empty()) << to_string(t);
  const auto& audit = (*before)[ExportTable::audit];
  for (std::size_t i = 0; i < audit.size(); ++i)
    EXPECT_EQ(std::get<AuditEvent>(audit[i]).id, i + 1);
  EXPECT_EQ(std::get<AuditEvent>(audit.back()).reason, "csv upload");

  TempDir to;
  copy_to(to, 3);
  auto copy = open_store(options_for(to));
  ASSERT_TRUE(copy);
  auto after = export_all(**copy, 7);
  ASSERT_TRUE(after);
  for (auto t : kExportTables) EXPECT_EQ((*before)[t], (*after)[t]) << to_string(t);
  // The copy answers the queries as the source does.
  EXPECT_EQ(*(*copy)->all_campaign_counts(), *store->all_campaign_counts());
  EXPECT_EQ(*(*copy)->company_opt_out_count(), 1u);
  EXPECT_EQ(*(*copy)->pending_count("777"), 1u);
  auto ref = (*copy)->find_by_carrier_id("carrier-a", "id3");
  ASSERT_TRUE(ref && *ref);
  EXPECT_EQ((*ref)->outbox_id, 3u);
  InboxQuery q;
  q.phone = "+14155551004";
  EXPECT_EQ((*copy)->inbox_page(q)->messages, store->inbox_page(q)->messages);
  AuditQuery aq;
  aq.phone = "+14155552000";
  EXPECT_EQ((*copy)->audit_page(aq)->events, store->audit_page(aq)->events);
  // New ids continue after the source's (the inbox's above the reserved one).
  auto counters = std::get<StoreCounters>((*before)[ExportTable::counters].front());
  auto w = Writer::start(**copy);
  ASSERT_TRUE(w);
  std::uint64_t inbox = 0, outbox = 0, broadcast = 0;
  ASSERT_FALSE(run(**w, [&](WriteTxn& txn) -> std::error_code {
    auto i = txn.add_inbox(
        {sample_time(90), "+14155559999", "12345", "", "x", InboxKind::message, "carrier-a", 0});
    auto o = txn.enqueue_outbox({sample_time(90), "+14155559999", "12345", "", "y",
                                 OutboxKind::chat, TextEncoding::gsm7, 1, std::nullopt});
    auto b = txn.next_broadcast_id();
    if (!i || !o || !b) return make_error_code(StoreErrc::io_error);
    inbox = *i;
    outbox = *o;
    broadcast = *b;
    return {};
  }));
  EXPECT_EQ(inbox, counters.inbox + 1);
  EXPECT_EQ(outbox, counters.outbox + 1);
  EXPECT_EQ(broadcast, counters.broadcast + 1);
  w->reset();
  copy->reset();
  for (const auto& bad : check_invariants(to.path())) ADD_FAILURE() << "copy: " << bad;
}

TEST_F(LmdbExportImport, ChunksAndCursorsGiveTheSameRowsAsOneRead) {
  ASSERT_FALSE(write(write_sample));
  auto whole = export_all(*store, kMaxExportRows);
  auto single = export_all(*store, 1);
  ASSERT_TRUE(whole && single);
  EXPECT_EQ(*whole, *single);
}

TEST_F(LmdbExportImport, RefusesBadLimitsAndCursors) {
  EXPECT_EQ(ec_of(store->export_rows(ExportTable::inbox, std::nullopt, 0)),
            make_error_code(StoreErrc::invalid_argument));
  EXPECT_EQ(ec_of(store->export_rows(ExportTable::inbox, std::nullopt, kMaxExportRows + 1)),
            make_error_code(StoreErrc::invalid_argument));
  EXPECT_EQ(ec_of(store->export_rows(ExportTable::audit, std::string("abc"), 10)),
            make_error_code(StoreErrc::invalid_argument));
  EXPECT_EQ(ec_of(store->export_rows(ExportTable::counters, std::string("x"), 10)),
            make_error_code(StoreErrc::invalid_argument));
  EXPECT_EQ(ec_of(store->export_rows(ExportTable::subscriptions, std::string(), 10)),
            make_error_code(StoreErrc::invalid_argument));
}

TEST_F(LmdbExportImport, AChunkWithABadRowWritesNothing) {
  std::vector<ExportRow> rows = {
      Subscription{"+14155551000", "SPRING", SubscriptionState::subscribed, sample_time(1),
                   ChangeSource::sms, "mo:1"},
      CampaignCounts{"SPRING", 1, 0},
      Subscription{"", "SPRING", SubscriptionState::subscribed, sample_time(1), ChangeSource::sms,
                   "mo:1"},
  };
  EXPECT_EQ(write([&](WriteTxn& txn) { return txn.import_rows(rows); }),
            make_error_code(StoreErrc::invalid_argument));
  EXPECT_TRUE(store->subscriptions("+14155551000")->empty());
  EXPECT_TRUE(store->all_campaign_counts()->empty());
}

TEST_F(LmdbExportImport, AnEmptyStoreExportsNoRowsAndZeroCounters) {
  auto rows = export_all(*store, 10);
  ASSERT_TRUE(rows);
  for (auto t : kExportTables) {
    if (t == ExportTable::counters) continue;
    EXPECT_TRUE((*rows)[t].empty()) << to_string(t);
  }
  ASSERT_EQ((*rows)[ExportTable::counters].size(), 1u);
  EXPECT_EQ(std::get<StoreCounters>((*rows)[ExportTable::counters][0]), StoreCounters{});
}

}  // namespace
}  // namespace smppgw::store::test
