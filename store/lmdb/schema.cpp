// Schema of the LMDB environment: table names, the version key and forward migrations.
//
// Migrations run inside the same write transaction that opens the tables, so an upgrade is
// all-or-nothing: a crash halfway leaves the old version on disk and the next start runs it
// again. Step i of kMigrations turns version i+1 into version i+2.
#include "store/lmdb/schema.hpp"

#include <array>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"

namespace smppgw::store::lmdb {
namespace {

using Migration = std::function<int(Txn&, const Tables&)>;

// 1 → 2: the six per-phone tables of version 1 move into `phones`, each entry keyed
// phone\0<tag><rest of its old key after phone\0>; the old tables are then dropped. Values
// keep their encodings. The queued-record counters (kMetaPending) are counted once.
int migrate_per_phone_tables(Txn& txn, const Tables& t) {
  const std::pair<const char*, char> moved[] = {
      {"subs", keys::phone_tag::subscription},       {"last_stop", keys::phone_tag::last_stop},
      {"recent_join", keys::phone_tag::recent_join}, {"inbox_by_phone", keys::phone_tag::inbox},
      {"outbox_by_phone", keys::phone_tag::outbox},  {"audit_by_phone", keys::phone_tag::audit},
  };
  for (const auto& [name, tag] : moved) {
    MDB_dbi old = 0;
    int rc = mdb_dbi_open(txn.get(), name, 0, &old);
    if (rc == MDB_NOTFOUND) continue;  // never created (an empty version-1 store)
    if (rc != 0) return rc;
    {
      Cursor c;  // closed before the drop below
      if ((rc = Cursor::open(txn, old, c)) != 0) return rc;
      std::string_view k, v;
      std::string key;
      for (rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
        const auto nul = k.find('\0');
        if (nul == std::string_view::npos || nul == 0) return MDB_CORRUPTED;
        key.assign(k.substr(0, nul + 1));
        key.push_back(tag);
        key.append(k.substr(nul + 1));
        if (int prc = txn.put(t.phones, key, v)) return prc;
      }
      if (rc != MDB_NOTFOUND) return rc;
    }
    if ((rc = mdb_drop(txn.get(), old, 1)) != 0) return rc;
  }
  // Version 2 also keeps the number of queued records per short code in meta.
  std::map<std::string, std::uint64_t, std::less<>> pending;
  {
    Cursor c;
    if (int rc = Cursor::open(txn, t.outbox_pending, c)) return rc;
    std::string_view k, v;
    int rc;
    for (rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) {
      const auto nul = k.find('\0');
      if (nul == std::string_view::npos) return MDB_CORRUPTED;
      auto it = pending.find(k.substr(0, nul));
      if (it == pending.end()) it = pending.emplace(std::string(k.substr(0, nul)), 0).first;
      ++it->second;
    }
    if (rc != MDB_NOTFOUND) return rc;
  }
  std::string value;
  for (const auto& [short_code, n] : pending) {
    value.clear();
    records::Encoder(value).u64(n);
    if (int rc = txn.put(t.meta, keys::pair(kMetaPending, short_code), value)) return rc;
  }
  return 0;
}

// 2 → 3: audit_bulk is new and starts empty (opening created it); nothing to move. The
// version still changes so that an older binary refuses a store that may hold bulk rows.
int add_audit_bulk(Txn&, const Tables&) {
  return 0;
}

// 3 → 4: each subscription record leaves `phones` (phone\0c<campaign>) for `subscriptions`
// (campaign\0phone), value unchanged; subs_by_campaign, the copy of its state, is dropped.
// From version 4 on, the keys of `counts` say which campaigns a phone's records are looked
// up in, so the migration recounts them from the records it moves rather than trust them.
int move_subscriptions(Txn& txn, const Tables& t) {
  // In batches, so that a store of millions of subscriptions does not hold every moved key
  // in memory: each pass copies up to kBatch records from `from` on, then deletes them once
  // its cursor is closed, and the next pass seeks past the last key it saw.
  constexpr std::size_t kBatch = 4096;
  std::string from;  // empty: from the first key
  std::vector<std::string> moved;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> counted;
  for (bool more = true; more;) {
    moved.clear();
    std::string last;
    {
      Cursor c;
      if (int rc = Cursor::open(txn, t.phones, c)) return rc;
      std::string_view k, v;
      int rc = from.empty() ? c.get(MDB_FIRST, k, v) : c.seek(from, k, v);
      for (; rc == 0 && moved.size() < kBatch; rc = c.get(MDB_NEXT, k, v)) {
        last.assign(k);
        const auto nul = k.find('\0');
        if (nul == std::string_view::npos || nul == 0 || nul + 1 >= k.size()) {
          return MDB_CORRUPTED;
        }
        if (k[nul + 1] != keys::phone_tag::subscription) continue;
        const std::string_view campaign = k.substr(nul + 2);
        const auto state = records::decode_subscription_state(v);
        if (campaign.empty() || !state) return MDB_CORRUPTED;
        auto it = counted.find(campaign);
        if (it == counted.end())
          it = counted.emplace(std::string(campaign), std::pair<std::uint64_t, std::uint64_t>{0, 0})
                   .first;
        ++(*state == SubscriptionState::subscribed ? it->second.first : it->second.second);
        if (int prc = txn.put(t.subscriptions, keys::pair(campaign, k.substr(0, nul)), v)) {
          return prc;
        }
        moved.emplace_back(k);
      }
      if (rc != 0 && rc != MDB_NOTFOUND) return rc;
      more = rc == 0;
    }
    for (const auto& k : moved) {
      if (int rc = txn.del(t.phones, k)) return rc;
    }
    from = last;
    from.push_back('\0');  // the smallest key after `last`
  }
  if (int rc = mdb_drop(txn.get(), t.counts, 0)) return rc;  // emptied, then refilled
  std::string value;
  for (const auto& [campaign, n] : counted) {
    records::encode_counts(value, n.first, n.second);
    if (int rc = txn.put(t.counts, campaign, value)) return rc;
  }
  MDB_dbi old = 0;
  int rc = mdb_dbi_open(txn.get(), "subs_by_campaign", 0, &old);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc != 0) return rc;
  return mdb_drop(txn.get(), old, 1);
}

// 4 → 5: mo_parts and mo_parts_due are new and start empty (opening created them). Parts of
// long MO that an older binary held in memory were never answered, so the carrier resends
// them; nothing to move. The version changes so that an older binary, which would not see
// the stored parts (acknowledged to the carrier), refuses the store.
int add_mo_parts(Txn&, const Tables&) {
  return 0;
}

// 5 → 6: inbox_flagged is new and starts empty (opening created it): no stored row can have
// kind possible_opt_out, which older binaries did not know. The version changes so that an
// older binary, which would not keep the index, refuses the store.
int add_inbox_flagged(Txn&, const Tables&) {
  return 0;
}

// 6 → 7: the audit hash chain (audit_chain.hpp). Every stored event gets its prev_hash, in
// id order across both audit tables: single rows are rewritten as they come; a Manual
// Opt-Out chunk's row once all its events are hashed (its events are consecutive, so one row
// is held at a time). Read in chunks so that memory stays bounded on a large store; the rows
// rewritten are all below the next chunk's first id, so no read sees a rewritten row twice.
int chain_audit_events(Txn& txn, const Tables& t) {
  constexpr std::size_t kChunk = 10000;
  AuditHash head{};
  std::uint64_t from = 1;
  std::string buf;
  // The Manual Opt-Out row being rebuilt: its first id, size and the events hashed so far.
  std::uint64_t row_first = 0;
  std::uint32_t row_size = 0;
  std::vector<AuditEvent> row_events;
  records::AuditBulkBuilder builder;
  for (;;) {
    std::vector<AuditEvent> events;
    std::optional<std::uint64_t> next;
    if (auto ec = scan_audit_forward(txn, t, from, kChunk, events, next)) return MDB_CORRUPTED;
    for (auto& e : events) {
      e.prev_hash = head;
      head = audit_hash(e);
      std::string_view v;
      const int rc = txn.get(t.audit, keys::id(e.id), v);
      if (rc == 0) {
        records::encode(buf, e);
        if (int prc = txn.put(t.audit, keys::id(e.id), buf)) return prc;
        continue;
      }
      if (rc != MDB_NOTFOUND) return rc;
      if (row_events.empty()) {
        // The row holding e.id starts at it (events are read in order, and the row's
        // earlier events were hashed before).
        if (int grc = txn.get(t.audit_bulk, keys::id(e.id), v)) return grc;
        auto n = records::audit_bulk_size(v);
        if (!n || *n == 0) return MDB_CORRUPTED;
        row_first = e.id;
        row_size = *n;
      }
      row_events.push_back(std::move(e));
      if (row_events.size() == row_size) {
        const auto& f = row_events.front();
        builder.start(ChangeContext{f.at, f.source, f.ref, f.reason});
        for (const auto& b : row_events) {
          builder.add(b.phone, b.campaign, b.from_state, b.to_state, *b.prev_hash);
        }
        builder.encode(buf);
        if (int prc = txn.put(t.audit_bulk, keys::id(row_first), buf)) return prc;
        row_events.clear();
      }
    }
    if (!next) return row_events.empty() ? 0 : MDB_CORRUPTED;
    from = *next;
  }
}

// 7 → 8: an outbox record may end with the kOutboxSentBy trailer (records.hpp). Stored
// records stay as they are (they were not posted by a named user, or do not say so); the
// version changes so that an older binary, which would read a record with the trailer as
// corrupted, refuses the store instead.
int add_outbox_sender(Txn&, const Tables&) {
  return 0;
}

const std::array<Migration, kSchemaVersion - 1> kMigrations{
    migrate_per_phone_tables, add_audit_bulk,     move_subscriptions, add_mo_parts,
    add_inbox_flagged,        chain_audit_events, add_outbox_sender};

int write_version(Txn& txn, const Tables& t, std::uint32_t v) {
  std::string out;
  records::Encoder e(out);
  e.u32(v);
  return txn.put(t.meta, kMetaSchemaVersion, out);
}

}  // namespace

std::error_code open_schema(Txn& txn, Tables& t, std::uint32_t& version_found) {
  struct Named {
    const char* name;
    MDB_dbi* dbi;
  };
  const Named named[] = {
      {"meta", &t.meta},
      {"phones", &t.phones},
      {"subscriptions", &t.subscriptions},
      {"company", &t.company},
      {"counts", &t.counts},
      {"inbox", &t.inbox},
      {"inbox_by_campaign", &t.inbox_by_campaign},
      {"inbox_flagged", &t.inbox_flagged},
      {"outbox", &t.outbox},
      {"outbox_pending", &t.outbox_pending},
      {"carrier_ids", &t.carrier_ids},
      {"audit", &t.audit},
      {"audit_bulk", &t.audit_bulk},
      {"mo_parts", &t.mo_parts},
      {"mo_parts_due", &t.mo_parts_due},
  };
  static_assert(sizeof(named) / sizeof(named[0]) == kTableCount);
  for (const auto& n : named) {
    if (int rc = open_dbi(txn, n.name, *n.dbi)) return lmdb_error(rc);
  }

  std::string_view v;
  int rc = txn.get(t.meta, kMetaSchemaVersion, v);
  if (rc == MDB_NOTFOUND) {
    version_found = 0;
    return lmdb_error(write_version(txn, t, kSchemaVersion));
  }
  if (rc != 0) return lmdb_error(rc);
  records::Decoder d(v);
  std::uint32_t version = d.u32();
  if (!d.done() || version == 0) return make_error_code(StoreErrc::corrupted);
  version_found = version;
  if (version > kSchemaVersion) return make_error_code(StoreErrc::schema_too_new);
  for (std::uint32_t from = version; from < kSchemaVersion; ++from) {
    const auto& step = kMigrations[from - 1];
    if (!step) return make_error_code(StoreErrc::corrupted);
    if (int mrc = step(txn, t)) return lmdb_error(mrc);
  }
  if (version != kSchemaVersion) return lmdb_error(write_version(txn, t, kSchemaVersion));
  return {};
}

}  // namespace smppgw::store::lmdb
