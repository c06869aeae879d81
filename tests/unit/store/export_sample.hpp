// A store's worth of every kind of row, written through the WriteTxn members, for the export
// and import tests of both backends: subscriptions of both states, a company-wide opt-out, a
// last STOP and recent joins, Inbox rows (one on a reserved id), pending and completed MO part
// sets, outbox records queued, submitted, delivered and failed with their receipt map, a
// Manual Opt-Out chunk (LMDB keeps its audit events in one audit_bulk row) and a broadcast id.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/export.hpp"
#include "store/store.hpp"
#include "store/write_txn.hpp"

namespace smppgw::store::test {

inline Timestamp sample_time(std::int64_t s) {
  return timestamp_from_unix_ms(1'700'000'000'000 + s * 1000);
}

inline std::error_code write_sample(WriteTxn& txn) {
  auto ctx = [](std::int64_t s, std::string_view ref, std::string_view reason) {
    return ChangeContext{sample_time(s), ChangeSource::sms, ref, reason};
  };
  for (int i = 0; i < 12; ++i) {
    const std::string phone = "+1415555" + std::to_string(1000 + i);
    auto r = txn.subscribe(phone, i % 3 ? "SPRING" : "FALL", "12345", ctx(i, "mo:1", "keyword"));
    if (!r) return r.error();
  }
  if (auto r = txn.opt_out("+14155551001", "SPRING", ctx(20, "mo:2", "STOP")); !r) return r.error();
  if (auto r = txn.opt_out_company("+14155551002", ctx(21, "mo:3", "STOP ALL")); !r)
    return r.error();
  if (auto ec = txn.set_last_stop({"+14155551002", "12345", sample_time(21), "mo:3", {"SPRING"}}))
    return ec;
  for (int i = 0; i < 5; ++i) {
    NewInboxMessage m{sample_time(30 + i),
                      "+1415555100" + std::to_string(i),
                      "12345",
                      i % 2 ? "SPRING" : "",
                      std::string("text \x01\xff ") + std::to_string(i),
                      InboxKind::message,
                      "carrier-a",
                      0};
    if (auto r = txn.add_inbox(m); !r) return r.error();
  }
  // A pending set (its id reserved, above the last row) and a completed one.
  MoPartSetKey pending{"+14155551003", "12345", 0x1234, 3};
  auto reserved = txn.open_mo_part_set(pending, "carrier-a", sample_time(40));
  if (!reserved) return reserved.error();
  if (auto ec = txn.add_mo_part(pending, {1, 0, 6, std::string("\0ab", 3), sample_time(40)}))
    return ec;
  MoPartSetKey done{"+14155551004", "12345", 7, 2};
  auto id = txn.open_mo_part_set(done, "carrier-b", sample_time(41));
  if (!id) return id.error();
  for (std::uint8_t seq = 1; seq <= 2; ++seq) {
    if (auto ec = txn.add_mo_part(done, {seq, 8, 6, "part", sample_time(41)})) return ec;
  }
  NewInboxMessage joined{sample_time(42), "+14155551004",     "12345",     "SPRING",
                         "whole",         InboxKind::message, "carrier-b", *id};
  if (auto r = txn.add_inbox(joined); !r) return r.error();
  if (auto ec = txn.complete_mo_part_set(done, sample_time(42))) return ec;
  // Outbox: queued, submitted, delivered, failed (two parts).
  for (int i = 0; i < 4; ++i) {
    NewOutboxMessage m{sample_time(50 + i),
                       "+1415555100" + std::to_string(i),
                       i == 0 ? "777" : "12345",
                       "SPRING",
                       "hello",
                       OutboxKind::chat,
                       TextEncoding::gsm7,
                       static_cast<std::uint16_t>(i == 3 ? 2 : 1),
                       std::nullopt,
                       i % 2 ? "maria" : ""};  // a record named by its sender, one not
    if (auto r = txn.enqueue_outbox(m); !r) return r.error();
  }
  for (std::uint64_t o = 2; o <= 4; ++o) {
    const std::string cid = "ID" + std::to_string(o);
    if (auto r = txn.record_part_submitted(o, 0, "carrier-a", cid, "id" + std::to_string(o),
                                           sample_time(60));
        !r) {
      return r.error();
    }
  }
  if (auto r = txn.apply_receipt("carrier-a", "id3", PartStatus::delivered, "", sample_time(61));
      !r)
    return r.error();
  if (auto r =
          txn.apply_receipt("carrier-a", "id4", PartStatus::failed, "rejected", sample_time(61));
      !r) {
    return r.error();
  }
  if (auto r = txn.count_attempt(1, sample_time(62)); r) return r;
  OptOutBatch batch{std::string("FALL"),
                    {"+14155551000", "+14155551003", "+14155552000", "+14155552001"},
                    {sample_time(70), ChangeSource::csv, "req-1", "csv upload"}};
  if (auto r = txn.apply_opt_out_batch(batch); !r) return r.error();
  if (auto r = txn.next_broadcast_id(); !r) return r.error();
  return {};
}

// Every row of every table, read in chunks of `chunk`.
inline Result<std::map<ExportTable, std::vector<ExportRow>>> export_all(const Store& s,
                                                                        std::size_t chunk) {
  std::map<ExportTable, std::vector<ExportRow>> out;
  for (auto t : kExportTables) {
    auto& rows = out[t];
    std::optional<std::string> cursor;
    do {
      auto c = s.export_rows(t, cursor, chunk);
      if (!c) return tl::make_unexpected(c.error());
      for (auto& r : c->rows) rows.push_back(std::move(r));
      cursor = std::move(c->next);
    } while (cursor);
  }
  return out;
}

}  // namespace smppgw::store::test
