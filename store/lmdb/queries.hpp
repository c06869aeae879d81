// Read queries over the LMDB tables, shared by the read side (LmdbStore, in read
// transactions) and the write side (LmdbWriteTxn, inside the writer's transaction), so both
// answer "what is the state of (phone, campaign)" with the same code.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/error.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/schema.hpp"
#include "store/types.hpp"

namespace smppgw::store::lmdb {

// The errors the backend's checks report, and its check of a key component.
inline std::error_code invalid() {
  return make_error_code(StoreErrc::invalid_argument);
}
inline std::error_code corrupted() {
  return make_error_code(StoreErrc::corrupted);
}
inline bool valid(std::string_view s) {
  return keys::valid_component(s);
}

Result<std::optional<Subscription>> get_subscription(const Txn& txn, const Tables& t,
                                                     std::string_view phone,
                                                     std::string_view campaign);
Result<std::optional<CompanyOptOut>> get_company(const Txn& txn, const Tables& t,
                                                 std::string_view phone);
// The effective state (see WriteTxn::state); `record` receives the record if there is one.
Result<std::optional<SubscriptionState>> effective_state(const Txn& txn, const Tables& t,
                                                         std::string_view phone,
                                                         std::string_view campaign,
                                                         std::optional<Subscription>* record);
// The campaigns that have subscription records, in order: the keys of `counts`, which holds
// an entry exactly while its campaign has a record (a write transaction adds the campaigns
// its own uncommitted counts name, see LmdbWriteTxn).
Result<std::vector<std::string>> record_campaigns(const Txn& txn, const Tables& t);
// The records of `phone` among `campaigns` (sorted), in campaign order: one point read each,
// skipped for keys past `last_key` if given (the table's last key, known to the caller).
Result<std::vector<Subscription>> subscriptions_among(
    const Txn& txn, const Tables& t, std::string_view phone,
    const std::vector<std::string>& campaigns,
    std::optional<std::string_view> last_key = std::nullopt);
// Every record of `phone` (the committed campaigns of record_campaigns).
Result<std::vector<Subscription>> list_subscriptions(const Txn& txn, const Tables& t,
                                                     std::string_view phone);
Result<std::optional<LastStop>> get_last_stop(const Txn& txn, const Tables& t,
                                              std::string_view phone, std::string_view short_code);
Result<std::optional<RecentJoin>> get_recent_join(const Txn& txn, const Tables& t,
                                                  std::string_view phone,
                                                  std::string_view short_code);
Result<std::optional<InboxMessage>> get_inbox(const Txn& txn, const Tables& t, std::uint64_t id);
Result<std::optional<OutboxMessage>> get_outbox(const Txn& txn, const Tables& t, std::uint64_t id);
Result<CampaignCounts> get_counts(const Txn& txn, const Tables& t, std::string_view campaign);
Result<std::uint64_t> get_meta_u64(const Txn& txn, const Tables& t, std::string_view key);

// The last key of a table (empty if the table is empty).
Result<std::string> last_key(const Txn& txn, MDB_dbi dbi);
// The id of the last entry of an id-keyed table (0 if empty).
Result<std::uint64_t> last_id(const Txn& txn, MDB_dbi dbi);

// Audit events live in two tables (audit: one row each; audit_bulk: a Manual Opt-Out
// chunk's events in one row, see audit_bulk.hpp) that share one id sequence.
// The last audit id handed out (0 if none).
Result<std::uint64_t> last_audit_id(const Txn& txn, const Tables& t);
// Event `id` from whichever table holds it; nullopt if neither does.
Result<std::optional<AuditEvent>> get_audit(const Txn& txn, const Tables& t, std::uint64_t id);
// Up to `limit` audit events with ids >= first_id, in id order, from both audit tables;
// next_id is the id to continue from when more remain.
std::error_code scan_audit_forward(const Txn& txn, const Tables& t, std::uint64_t first_id,
                                   std::size_t limit, std::vector<AuditEvent>& out,
                                   std::optional<std::uint64_t>& next_id);
// Every event with id < before (all if empty), newest first, from both tables; `visit`
// returns false to stop. Returns the first backend error, or corrupted for a bad row.
std::error_code scan_audit_back(const Txn& txn, const Tables& t,
                                std::optional<std::uint64_t> before,
                                const std::function<bool(AuditEvent&&)>& visit);

// Walks the keys of `dbi` that start with `prefix` backwards, from the last key below
// prefix + be64(before) (or the last key of the prefix if before is empty). `visit` gets the
// key and returns false to stop. Returns the first backend error.
template <class Visit>
std::error_code scan_back(const Txn& txn, MDB_dbi dbi, std::string_view prefix,
                          std::optional<std::uint64_t> before, Visit&& visit);

// Walks the rows an index points at, newest first: the entries of `dbi` under `prefix`
// (prefix + be64(id): a phone's entries in `phones`, a campaign's in inbox_by_campaign) from
// below `before`, each row read with `get(txn, t, id)` (get_inbox, get_outbox, get_audit);
// `visit(row&&)` returns false to stop. An entry without its row is corrupted.
template <class Get, class Visit>
std::error_code scan_index_rows(const Txn& txn, const Tables& t, MDB_dbi dbi,
                                std::string_view prefix, std::optional<std::uint64_t> before,
                                Get&& get, Visit&& visit);

// Walks the keys >= `from` that start with `prefix` forwards. `visit(key, value)` returns
// false to stop.
template <class Visit>
std::error_code scan_forward(const Txn& txn, MDB_dbi dbi, std::string_view prefix,
                             std::string_view from, Visit&& visit);

// ---- template definitions ----

template <class Visit>
std::error_code scan_back(const Txn& txn, MDB_dbi dbi, std::string_view prefix,
                          std::optional<std::uint64_t> before, Visit&& visit) {
  Cursor c;
  if (int rc = Cursor::open(txn, dbi, c)) return lmdb_error(rc);
  std::string start(prefix);
  std::string_view k, v;
  int rc;
  if (before) {
    for (int i = 7; i >= 0; --i) start.push_back(static_cast<char>((*before >> (8 * i)) & 0xff));
    rc = c.seek(start, k, v);
  } else {
    // One past every key of the prefix: the prefix followed by 0xFF bytes (keys of the prefix
    // are prefix + 8 id bytes, or prefix + text that never starts with 0xFF in UTF-8).
    start.append(9, '\xff');
    rc = c.seek(start, k, v);
  }
  if (rc == MDB_NOTFOUND) {
    rc = c.get(MDB_LAST, k, v);
  } else if (rc == 0) {
    rc = c.get(MDB_PREV, k, v);
  }
  while (rc == 0) {
    if (k.size() < prefix.size() || k.compare(0, prefix.size(), prefix) != 0) return {};
    if (!visit(k, v)) return {};
    rc = c.get(MDB_PREV, k, v);
  }
  return rc == MDB_NOTFOUND ? std::error_code{} : lmdb_error(rc);
}

template <class Get, class Visit>
std::error_code scan_index_rows(const Txn& txn, const Tables& t, MDB_dbi dbi,
                                std::string_view prefix, std::optional<std::uint64_t> before,
                                Get&& get, Visit&& visit) {
  std::error_code inner;
  auto ec = scan_back(txn, dbi, prefix, before, [&](std::string_view k, std::string_view) {
    auto row = get(txn, t, keys::trailing_id(k));
    if (!row || !*row) {
      inner = row ? corrupted() : row.error();
      return false;
    }
    return visit(std::move(**row));
  });
  return ec ? ec : inner;
}

template <class Visit>
std::error_code scan_forward(const Txn& txn, MDB_dbi dbi, std::string_view prefix,
                             std::string_view from, Visit&& visit) {
  Cursor c;
  if (int rc = Cursor::open(txn, dbi, c)) return lmdb_error(rc);
  std::string_view k, v;
  // LMDB refuses an empty key; "from the beginning" is MDB_FIRST.
  int rc = from.empty() ? c.get(MDB_FIRST, k, v) : c.seek(from, k, v);
  while (rc == 0) {
    if (k.size() < prefix.size() || k.compare(0, prefix.size(), prefix) != 0) return {};
    if (!visit(k, v)) return {};
    rc = c.get(MDB_NEXT, k, v);
  }
  return rc == MDB_NOTFOUND ? std::error_code{} : lmdb_error(rc);
}

}  // namespace smppgw::store::lmdb
