// LmdbStore::export_rows (store/store.hpp "Export"): each table's rows in key order, one read
// transaction per chunk. The cursor is the key of the next row to give. Audit events live in
// two tables (single rows and Manual Opt-Out chunks in audit_bulk, audit_bulk.hpp): they are
// merged back into one stream of events in id order, so the copy holds every event, one each.
#include <algorithm>

#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/store.hpp"

namespace smppgw::store::lmdb {
namespace {

// LMDB's largest key: a longer cursor was not given by this backend.
constexpr std::size_t kMaxKey = 511;

// What a table's decoder made of one entry.
enum class Entry { row, skip, bad };

// Walks `dbi` from `from` (empty: the start) and decodes entries into rows until `limit` of
// them; the key of the next entry that is a row becomes the chunk's cursor.
template <class Decode>
std::error_code collect(const Txn& txn, MDB_dbi dbi, std::string_view prefix, std::string_view from,
                        std::size_t limit, Chunk<ExportRow>& out, Decode&& decode) {
  bool bad = false;
  std::optional<ExportRow> row;
  auto ec = scan_forward(txn, dbi, prefix, from, [&](std::string_view k, std::string_view v) {
    row.reset();
    switch (decode(k, v, row)) {
      case Entry::skip:
        return true;
      case Entry::bad:
        bad = true;
        return false;
      case Entry::row:
        break;
    }
    if (out.rows.size() == limit) {
      out.next = std::string(k);
      return false;
    }
    out.rows.push_back(std::move(*row));
    return true;
  });
  if (ec) return ec;
  return bad ? corrupted() : std::error_code{};
}

// The `phones` entries of one tag: phone\0<tag><short code> (last stops, recent joins).
bool phone_entry(std::string_view k, char tag, std::string_view& phone,
                 std::string_view& short_code) {
  const auto nul = k.find('\0');
  if (nul == std::string_view::npos || nul + 1 >= k.size() || k[nul + 1] != tag) return false;
  phone = k.substr(0, nul);
  short_code = k.substr(nul + 2);
  return true;
}

// The audit events with ids >= first_id, in id order, from both audit tables.
std::error_code export_audit(const Txn& txn, const Tables& t, std::uint64_t first_id,
                             std::size_t limit, Chunk<ExportRow>& out) {
  std::vector<AuditEvent> events;
  std::optional<std::uint64_t> next;
  if (auto ec = scan_audit_forward(txn, t, first_id, limit, events, next)) return ec;
  for (auto& e : events) out.rows.emplace_back(std::move(e));
  if (next) out.next = keys::id(*next);
  return {};
}

// The MO part sets with their parts: a set's entry (seq 0) comes first and its parts after
// it, so a chunk ends before an entry.
std::error_code export_mo_part_sets(const Txn& txn, const Tables& t, std::string_view from,
                                    std::size_t limit, Chunk<ExportRow>& out) {
  bool bad = false;
  MoPartSet* set = nullptr;
  std::string set_key;  // of `set`
  auto ec = scan_forward(txn, t.mo_parts, {}, from, [&](std::string_view k, std::string_view v) {
    if (k.empty()) {
      bad = true;
      return false;
    }
    const auto seq = static_cast<std::uint8_t>(k.back());
    const std::string_view sk = k.substr(0, k.size() - 1);
    if (seq == 0) {
      if (out.rows.size() == limit) {
        out.next = std::string(k);
        return false;
      }
      MoPartSet s;
      if (!keys::mo_part::parse_set(sk, s.key.from, s.key.to, s.key.reference, s.key.total) ||
          !records::decode_mo_part_set(v, s)) {
        bad = true;
        return false;
      }
      set = &std::get<MoPartSet>(out.rows.emplace_back(std::move(s)));
      set_key.assign(sk);
      return true;
    }
    auto part = records::decode_mo_part(seq, v);
    if (!set || sk != set_key || !part) {  // a part without its set's entry, or damaged
      bad = true;
      return false;
    }
    set->parts.push_back(std::move(*part));
    return true;
  });
  if (ec) return ec;
  return bad ? corrupted() : std::error_code{};
}

// The counters as the store opens them (store.cpp open_store): the last rows' ids, the
// inbox id reserved for a concatenated MO if above them, and meta's values.
Result<StoreCounters> read_counters(const Txn& txn, const Tables& t) {
  StoreCounters c;
  auto inbox = last_id(txn, t.inbox);
  auto outbox = last_id(txn, t.outbox);
  auto audit = last_audit_id(txn, t);
  auto reserved = get_meta_u64(txn, t, kMetaInboxReserved);
  auto broadcast = get_meta_u64(txn, t, kMetaLastBroadcast);
  auto company = get_meta_u64(txn, t, kMetaCompanyCount);
  for (const auto* r : {&inbox, &outbox, &audit, &reserved, &broadcast, &company}) {
    if (!*r) return fail(r->error());
  }
  c.inbox = std::max(*inbox, *reserved);
  c.outbox = *outbox;
  c.audit = *audit;
  c.broadcast = *broadcast;
  c.company_opt_outs = *company;
  return c;
}

}  // namespace

Result<Chunk<ExportRow>> LmdbStore::export_rows(ExportTable table,
                                                std::optional<std::string> cursor,
                                                std::size_t limit) const {
  if (limit == 0 || limit > kMaxExportRows) return fail(invalid());
  if (cursor && (cursor->empty() || cursor->size() > kMaxKey)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  const Txn& txn = r->txn;
  const std::string from = cursor.value_or(std::string());
  Chunk<ExportRow> out;
  std::error_code ec;
  using Row = std::optional<ExportRow>;
  switch (table) {
    case ExportTable::subscriptions:
      ec = collect(txn, t_.subscriptions, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     const auto nul = k.find('\0');
                     if (nul == std::string_view::npos) return Entry::bad;
                     auto s = records::decode_subscription(k.substr(nul + 1), k.substr(0, nul), v);
                     if (!s) return Entry::bad;
                     row = std::move(*s);
                     return Entry::row;
                   });
      break;
    case ExportTable::company_opt_outs:
      ec = collect(txn, t_.company, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     auto c = records::decode_company(k, v);
                     if (!c) return Entry::bad;
                     row = std::move(*c);
                     return Entry::row;
                   });
      break;
    case ExportTable::last_stops:
      ec = collect(txn, t_.phones, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     std::string_view phone, short_code;
                     if (!phone_entry(k, keys::phone_tag::last_stop, phone, short_code))
                       return Entry::skip;
                     auto s = records::decode_last_stop(phone, short_code, v);
                     if (!s) return Entry::bad;
                     row = std::move(*s);
                     return Entry::row;
                   });
      break;
    case ExportTable::recent_joins:
      ec = collect(txn, t_.phones, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     std::string_view phone, short_code;
                     if (!phone_entry(k, keys::phone_tag::recent_join, phone, short_code))
                       return Entry::skip;
                     auto j = records::decode_recent_join(phone, short_code, v);
                     if (!j) return Entry::bad;
                     row = std::move(*j);
                     return Entry::row;
                   });
      break;
    case ExportTable::campaign_counts:
      ec = collect(txn, t_.counts, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     CampaignCounts c;
                     c.campaign = k;
                     if (!records::decode_counts(v, c.subscribed, c.opted_out)) return Entry::bad;
                     row = std::move(c);
                     return Entry::row;
                   });
      break;
    case ExportTable::pending_counts: {
      const std::string pfx = keys::prefix(kMetaPending);
      ec = collect(txn, t_.meta, pfx, from.empty() ? pfx : from, limit, out,
                   [&pfx](std::string_view k, std::string_view v, Row& row) {
                     records::Decoder d(v);
                     PendingCount p{std::string(k.substr(pfx.size())), d.u64()};
                     if (!d.done() || p.short_code.empty()) return Entry::bad;
                     row = std::move(p);
                     return Entry::row;
                   });
      break;
    }
    case ExportTable::inbox:
      ec = collect(txn, t_.inbox, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     if (k.size() != 8) return Entry::bad;
                     auto m = records::decode_inbox(keys::read_be64(k), v);
                     if (!m) return Entry::bad;
                     row = std::move(*m);
                     return Entry::row;
                   });
      break;
    case ExportTable::outbox:
      ec = collect(txn, t_.outbox, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     if (k.size() != 8) return Entry::bad;
                     auto m = records::decode_outbox(keys::read_be64(k), v);
                     if (!m) return Entry::bad;
                     row = std::move(*m);
                     return Entry::row;
                   });
      break;
    case ExportTable::carrier_ids:
      ec = collect(txn, t_.carrier_ids, {}, from, limit, out,
                   [](std::string_view k, std::string_view v, Row& row) {
                     const auto nul = k.find('\0');
                     CarrierIdRow c;
                     if (nul == std::string_view::npos ||
                         !records::decode_part_ref(v, c.outbox_id, c.part)) {
                       return Entry::bad;
                     }
                     c.link = k.substr(0, nul);
                     c.receipt_key = k.substr(nul + 1);
                     row = std::move(c);
                     return Entry::row;
                   });
      break;
    case ExportTable::audit:
      if (cursor && cursor->size() != 8) return fail(invalid());
      ec = export_audit(txn, t_, cursor ? keys::read_be64(*cursor) : 0, limit, out);
      break;
    case ExportTable::mo_part_sets:
      ec = export_mo_part_sets(txn, t_, from, limit, out);
      break;
    case ExportTable::counters: {
      if (cursor) return fail(invalid());
      auto c = read_counters(txn, t_);
      if (!c) return fail(c.error());
      out.rows.emplace_back(*c);
      break;
    }
  }
  if (ec) return fail(ec);
  return out;
}

}  // namespace smppgw::store::lmdb
