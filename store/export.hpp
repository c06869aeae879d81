// The store's contents as plain rows, table by table, for copying a whole store from one
// backend to another (smppgwd --migrate-store): Store::export_rows reads them in chunks,
// WriteTxn::import_rows writes them back exactly as given — ids, counts and counters included,
// nothing re-derived. No backend type appears here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/types.hpp"

namespace smppgw::store {

// One entry of the receipt map: receipts for (link, receipt key) find this part.
struct CarrierIdRow {
  std::string link;
  std::string receipt_key;
  std::uint64_t outbox_id = 0;
  std::uint16_t part = 0;
  friend bool operator==(const CarrierIdRow&, const CarrierIdRow&) = default;
};

// The queued records of a short code (Store::pending_count); only non-zero counts are rows.
struct PendingCount {
  std::string short_code;
  std::uint64_t queued = 0;
  friend bool operator==(const PendingCount&, const PendingCount&) = default;
};

// The store's counters: the last ids handed out (inbox counts ids reserved for concatenated
// MO too: the next Inbox row gets inbox + 1), and the number of company-wide opt-outs.
struct StoreCounters {
  std::uint64_t inbox = 0;
  std::uint64_t outbox = 0;
  std::uint64_t audit = 0;
  std::uint64_t broadcast = 0;
  std::uint64_t company_opt_outs = 0;
  friend bool operator==(const StoreCounters&, const StoreCounters&) = default;
};

// The tables, in the order a copy writes them; ExportRow holds the row type of table i as
// its alternative i.
enum class ExportTable : std::uint8_t {
  subscriptions,
  company_opt_outs,
  last_stops,
  recent_joins,
  campaign_counts,
  pending_counts,
  inbox,
  outbox,
  carrier_ids,
  audit,
  mo_part_sets,  // each set with its parts
  counters,      // one row
};
inline constexpr std::size_t kExportTableCount = 12;
inline constexpr std::array<ExportTable, kExportTableCount> kExportTables = {
    ExportTable::subscriptions, ExportTable::company_opt_outs, ExportTable::last_stops,
    ExportTable::recent_joins,  ExportTable::campaign_counts,  ExportTable::pending_counts,
    ExportTable::inbox,         ExportTable::outbox,           ExportTable::carrier_ids,
    ExportTable::audit,         ExportTable::mo_part_sets,     ExportTable::counters};

using ExportRow =
    std::variant<Subscription, CompanyOptOut, LastStop, RecentJoin, CampaignCounts, PendingCount,
                 InboxMessage, OutboxMessage, CarrierIdRow, AuditEvent, MoPartSet, StoreCounters>;
static_assert(std::variant_size_v<ExportRow> == kExportTableCount);

// "subscriptions", "company_opt_outs", ...: for reports.
std::string_view to_string(ExportTable t);

inline ExportTable table_of(const ExportRow& row) {
  return static_cast<ExportTable>(row.index());
}

// Whether a member could have written the row: its key parts are non-empty, NUL-free and
// bounded as the members require, its ids non-zero, its parts within their set. import_rows
// checks a whole chunk with it before writing anything.
bool importable(const ExportRow& row);

// The most rows one export_rows call returns, and one import_rows call takes.
inline constexpr std::size_t kMaxExportRows = 100000;

// A chunk import_rows takes: at most kMaxExportRows rows, each importable. Both backends
// check the whole chunk with it before writing anything.
bool importable(std::span<const ExportRow> rows);

// std::visit over an ExportRow with one lambda per row type.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace smppgw::store
