// PgStore::export_rows (store/store.hpp "Export"): each table in its primary key's order, one
// statement per chunk reading one row more than the chunk to know whether another follows.
// The cursor is the key of the chunk's last row, its parts joined by NUL (no key part holds
// one), or the id of id-keyed tables; rows after it are read with a row comparison on the key.
#include <limits>

#include "store/postgres/pg_store.hpp"
#include "store/postgres/rows.hpp"
#include "store/postgres/sql_text.hpp"

namespace smppgw::store::postgres {
namespace {

std::error_code invalid() {
  return make_error_code(StoreErrc::invalid_argument);
}
std::error_code corrupted() {
  return make_error_code(StoreErrc::corrupted);
}

// How one table is read: its columns, its key (the ORDER BY and the cursor's parts) and the
// decoder of a row.
struct TableRead {
  const char* columns;
  const char* table;
  std::vector<const char*> key;
  std::optional<ExportRow> (*decode)(const rows::Row&);
};

template <class T, std::optional<T> (*F)(const rows::Row&, std::size_t)>
std::optional<ExportRow> as_row(const rows::Row& r) {
  auto v = F(r, 0);
  if (!v) return std::nullopt;
  return ExportRow(std::move(*v));
}

std::optional<ExportRow> counts_row(const rows::Row& r) {
  if (r.size() != 3 || !r[0]) return std::nullopt;
  auto sub = sql::to_uint64(r[1]);
  auto out = sql::to_uint64(r[2]);
  if (!sub || !out) return std::nullopt;
  return ExportRow(CampaignCounts{*r[0], *sub, *out});
}

std::optional<ExportRow> pending_row(const rows::Row& r) {
  if (r.size() != 2 || !r[0]) return std::nullopt;
  auto queued = sql::to_uint64(r[1]);
  if (!queued) return std::nullopt;
  return ExportRow(PendingCount{*r[0], *queued});
}

std::optional<ExportRow> carrier_row(const rows::Row& r) {
  if (r.size() != 4 || !r[0] || !r[1]) return std::nullopt;
  auto id = sql::to_uint64(r[2]);
  auto part = sql::to_uint64(r[3]);
  if (!id || !part || *part > 0xffff) return std::nullopt;
  return ExportRow(CarrierIdRow{*r[0], *r[1], *id, static_cast<std::uint16_t>(*part)});
}

TableRead table_read(ExportTable t) {
  switch (t) {
    case ExportTable::subscriptions:
      return {rows::kSubscriptionColumns,
              "subscriptions",
              {"phone", "campaign"},
              as_row<Subscription, rows::subscription>};
    case ExportTable::company_opt_outs:
      return {rows::kCompanyOptOutColumns,
              "company_opt_outs",
              {"phone"},
              as_row<CompanyOptOut, rows::company_opt_out>};
    case ExportTable::last_stops:
      return {rows::kLastStopColumns,
              "last_stops",
              {"phone", "short_code"},
              as_row<LastStop, rows::last_stop>};
    case ExportTable::recent_joins:
      return {rows::kRecentJoinColumns,
              "recent_joins",
              {"phone", "short_code"},
              as_row<RecentJoin, rows::recent_join>};
    case ExportTable::campaign_counts:
      return {"campaign, subscribed, opted_out", "campaign_counts", {"campaign"}, counts_row};
    case ExportTable::pending_counts:
      return {"short_code, queued", "pending_counts", {"short_code"}, pending_row};
    case ExportTable::inbox:
      return {rows::kInboxColumns, "inbox", {"id"}, as_row<InboxMessage, rows::inbox_message>};
    case ExportTable::outbox:
      return {rows::kOutboxColumns, "outbox", {"id"}, as_row<OutboxMessage, rows::outbox_message>};
    case ExportTable::carrier_ids:
      return {"link, receipt_key, outbox_id, part",
              "carrier_ids",
              {"link", "receipt_key"},
              carrier_row};
    case ExportTable::audit:
      return {rows::kAuditColumns, "audit", {"id"}, as_row<AuditEvent, rows::audit_event>};
    case ExportTable::mo_part_sets:
      return {rows::kMoPartSetColumns,
              "mo_part_sets",
              {"phone", "short_code", "reference", "total"},
              as_row<MoPartSet, rows::mo_part_set>};
    case ExportTable::counters:
      break;
  }
  return {nullptr, nullptr, {}, nullptr};
}

// The key of a row as a cursor (the key columns are the first of each column list, except
// the receipt map's, whose list starts with its key too).
std::string cursor_of(const ExportRow& row) {
  auto join = [](std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) {
      if (!out.empty()) out.push_back('\0');
      out.append(p);
    }
    return out;
  };
  struct Visit {
    decltype(join)& j;
    std::string operator()(const Subscription& s) { return j({s.phone, s.campaign}); }
    std::string operator()(const CompanyOptOut& c) { return c.phone; }
    std::string operator()(const LastStop& s) { return j({s.phone, s.short_code}); }
    std::string operator()(const RecentJoin& r) { return j({r.phone, r.short_code}); }
    std::string operator()(const CampaignCounts& c) { return c.campaign; }
    std::string operator()(const PendingCount& p) { return p.short_code; }
    std::string operator()(const InboxMessage& m) { return std::to_string(m.id); }
    std::string operator()(const OutboxMessage& m) { return std::to_string(m.id); }
    std::string operator()(const CarrierIdRow& c) { return j({c.link, c.receipt_key}); }
    std::string operator()(const AuditEvent& e) { return std::to_string(e.id); }
    std::string operator()(const MoPartSet& s) {
      return j(
          {s.key.from, s.key.to, std::to_string(s.key.reference), std::to_string(s.key.total)});
    }
    std::string operator()(const StoreCounters&) { return {}; }
  };
  return std::visit(Visit{join}, row);
}

std::vector<std::string> split(const std::string& cursor) {
  std::vector<std::string> parts(1);
  for (char c : cursor) {
    if (c == '\0') {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  return parts;
}

}  // namespace

Result<Chunk<ExportRow>> PgStore::export_rows(ExportTable table, std::optional<std::string> cursor,
                                              std::size_t limit) const {
  if (limit == 0 || limit > kMaxExportRows) return fail(invalid());
  Chunk<ExportRow> out;
  if (table == ExportTable::counters) {
    if (cursor) return fail(invalid());
    auto r = query({"SELECT name, value FROM counters", {}});
    if (!r) return fail(r.error());
    StoreCounters c;
    for (const auto& row : r->rows) {
      auto v = row.size() == 2 && row[0] ? sql::to_uint64(row[1]) : std::nullopt;
      if (!v) return fail(corrupted());
      if (*row[0] == "inbox_id")
        c.inbox = *v;
      else if (*row[0] == "outbox_id")
        c.outbox = *v;
      else if (*row[0] == "audit_id")
        c.audit = *v;
      else if (*row[0] == "broadcast_id")
        c.broadcast = *v;
      else if (*row[0] == "company_opt_outs")
        c.company_opt_outs = *v;
    }
    out.rows.emplace_back(c);
    return out;
  }
  const TableRead t = table_read(table);
  if (!t.decode) return fail(invalid());
  std::string key;
  for (const char* k : t.key) key += std::string(key.empty() ? "" : ", ") + k;
  std::string sql = std::string("SELECT ") + t.columns + " FROM " + t.table;
  std::vector<std::optional<std::string>> params;
  if (cursor) {
    auto parts = split(*cursor);
    if (parts.size() != t.key.size()) return fail(invalid());
    std::string placeholders;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string_view column = t.key[i];
      const bool number = column == "id" || column == "reference" || column == "total";
      if (number && (parts[i].empty() || parts[i].size() > 19 ||
                     parts[i].find_first_not_of("0123456789") != std::string::npos)) {
        return fail(invalid());
      }
      params.emplace_back(std::move(parts[i]));
      placeholders += std::string(i ? ", " : "") + "$" + std::to_string(i + 1) +
                      (number ? "::bigint" : "::text");
    }
    sql += " WHERE (" + key + ") > (" + placeholders + ")";
  }
  sql += " ORDER BY " + key + " LIMIT " + std::to_string(limit + 1);
  auto r = query({std::move(sql), std::move(params)});
  if (!r) return fail(r.error());
  for (const auto& row : r->rows) {
    if (out.rows.size() == limit) {
      out.next = cursor_of(out.rows.back());
      break;
    }
    auto v = t.decode(row);
    if (!v) return fail(corrupted());
    out.rows.push_back(std::move(*v));
  }
  if (table == ExportTable::mo_part_sets && !out.rows.empty()) {
    // The chunk's parts, in key and seq order, each added to its set.
    sql::ArrayLiteral from, to, reference, total;
    for (const auto& row : out.rows) {
      const auto& k = std::get<MoPartSet>(row).key;
      from.add(k.from);
      to.add(k.to);
      reference.add(static_cast<std::int64_t>(k.reference));
      total.add(static_cast<std::int64_t>(k.total));
    }
    auto parts =
        query({std::string("SELECT phone, short_code, reference, total, ") + rows::kMoPartColumns +
                   " FROM mo_parts WHERE (phone, short_code, reference, total) IN (SELECT * FROM "
                   "unnest($1::text[], $2::text[], $3::int[], $4::smallint[])) "
                   "ORDER BY phone, short_code, reference, total, seq",
               {from.take(), to.take(), reference.take(), total.take()}});
    if (!parts) return fail(parts.error());
    std::size_t at = 0;
    for (const auto& row : parts->rows) {
      auto part = rows::mo_part(row, 4);
      auto ref = row.size() > 4 ? sql::to_uint64(row[2]) : std::nullopt;
      auto tot = row.size() > 4 ? sql::to_uint64(row[3]) : std::nullopt;
      if (!part || !ref || !tot || !row[0] || !row[1]) return fail(corrupted());
      const MoPartSetKey key{*row[0], *row[1], static_cast<std::uint16_t>(*ref),
                             static_cast<std::uint8_t>(*tot)};
      while (at < out.rows.size() && std::get<MoPartSet>(out.rows[at]).key != key) ++at;
      if (at == out.rows.size()) return fail(corrupted());
      std::get<MoPartSet>(out.rows[at]).parts.push_back(std::move(*part));
    }
  }
  return out;
}

}  // namespace smppgw::store::postgres
