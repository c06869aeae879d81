// The LMDB backend: opening the environment, the read queries of SPEC §6, and the write
// groups of the writer.
//
// Reads: each query opens one MDB read transaction (MDB_NOTLS, so any thread may read and a
// reader slot is held only for the query) and holds the remap lock shared. Readers never
// block the writer; the writer only waits for them when it must grow the map, which LMDB
// allows only with no transaction open in the process.
//
// Map growth: MDB_MAP_FULL makes the writer abort its group, call grow() (double the map,
// up to StoreOptions::max_map_size, refusing when the file system is nearly full) and re-run
// the group. Without MDB_WRITEMAP the data file only grows by pages actually written, so a
// larger map costs address space, not disk; a full disk shows up at commit as ENOSPC, or as
// EIO from a short write (LMDB's code for it), and is reported as disk_full to every
// request of that group (commit_error); the next group succeeds once space returns.
//
// Environment flags, and why:
// - MDB_NOTLS: reads happen on any event-loop thread; a reader slot is held per query only.
// - No MDB_NOSYNC/MDB_NOMETASYNC under Durability::fsync: a commit fsyncs the data pages,
//   then writes and fsyncs the meta page, and only then do completions run. NOMETASYNC would
//   save the second fsync but a power loss could then lose the last acknowledged group (the
//   meta page pointing at it was not yet on disk): that breaks "acknowledge after commit".
//   Durability::nosync (MDB_NOSYNC) is for benchmarks only: a process crash loses nothing
//   (the page cache survives it), a machine crash loses recent groups.
// - No MDB_WRITEMAP: it would skip LMDB's dirty-page copies, but measured on the MO-shaped
//   benchmark it gained nothing visible, while it turns a full disk into SIGBUS (pages of a
//   sparse file written through the map) instead of an ENOSPC the writer can report, lets a
//   stray pointer anywhere in the process write into the database, and rules out nested
//   transactions.
// - Groups instead: one transaction and one fsync pair per group of up to max_group requests;
//   the per-phone indexes are written sorted at the end of the group, and every table is
//   accessed through one cursor per transaction (see Txn::cache_cursors).
#include "store/lmdb/store.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "store/audit_chain.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"

namespace smppgw::store {

// ---- Store's non-virtual helper (backend-neutral) ----

std::error_code Store::for_each_opted_out(
    std::optional<std::string> campaign, std::size_t chunk_size,
    const std::function<bool(std::span<const OptOutRow>)>& sink) const {
  std::optional<std::string> cursor;
  do {
    auto chunk = opted_out(campaign, cursor, chunk_size);
    if (!chunk) return chunk.error();
    if (!chunk->rows.empty() && !sink(chunk->rows)) return {};
    cursor = std::move(chunk->next);
  } while (cursor);
  return {};
}

namespace lmdb {
namespace {

// Below this much free space the map is not grown: the commit that needs it would fail
// with ENOSPC anyway, and the operator must be told before the disk is completely full.
constexpr std::uint64_t kMinFreeDiskBytes = 16ull << 20;
// A commit that failed with EIO while less than this is free failed for want of space.
constexpr std::uint64_t kFullDiskBytes = 1ull << 20;
// Chunked reads (subscribed phones, opted-out export) return at most this many rows.
constexpr std::size_t kMaxChunkRows = 100000;

}  // namespace

LmdbStore::LmdbStore(Env env, Tables tables, IdCounters ids, StoreOptions options)
    : env_(std::move(env)), t_(tables), ids_(ids), options_(std::move(options)) {}

Result<LmdbStore::ReadTxn> LmdbStore::begin_read() const {
  ReadTxn r{std::shared_lock<std::shared_mutex>(remap_), Txn{}};
  int rc = Txn::begin(env_.get(), MDB_RDONLY, r.txn);
  if (rc != 0) return fail(lmdb_error(rc));
  return r;
}

// ---- Subscriptions ----

Result<std::optional<SubscriptionState>> LmdbStore::state(std::string_view phone,
                                                          std::string_view campaign) const {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return effective_state(r->txn, t_, phone, campaign, nullptr);
}

Result<std::vector<std::optional<SubscriptionState>>> LmdbStore::states(
    std::span<const StateQuery> queries) const {
  for (const auto& q : queries) {
    if (!valid(q.phone) || !valid(q.campaign)) return fail(invalid());
  }
  std::vector<std::optional<SubscriptionState>> out;
  out.reserve(queries.size());
  if (queries.empty()) return out;
  auto r = begin_read();
  if (!r) return fail(r.error());
  for (const auto& q : queries) {
    auto st = effective_state(r->txn, t_, q.phone, q.campaign, nullptr);
    if (!st) return fail(st.error());
    out.push_back(*st);
  }
  return out;
}

Result<std::vector<Subscription>> LmdbStore::subscriptions(std::string_view phone) const {
  if (!valid(phone)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return list_subscriptions(r->txn, t_, phone);
}

Result<std::optional<CompanyOptOut>> LmdbStore::company_opt_out(std::string_view phone) const {
  if (!valid(phone)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_company(r->txn, t_, phone);
}

Result<std::optional<LastStop>> LmdbStore::last_stop(std::string_view phone,
                                                     std::string_view short_code) const {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_last_stop(r->txn, t_, phone, short_code);
}

Result<std::optional<RecentJoin>> LmdbStore::recent_join(std::string_view phone,
                                                         std::string_view short_code) const {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_recent_join(r->txn, t_, phone, short_code);
}

Result<CampaignCounts> LmdbStore::campaign_counts(std::string_view campaign) const {
  if (!valid(campaign)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_counts(r->txn, t_, campaign);
}

Result<std::vector<CampaignCounts>> LmdbStore::all_campaign_counts() const {
  auto r = begin_read();
  if (!r) return fail(r.error());
  std::vector<CampaignCounts> out;
  bool bad = false;
  auto ec = scan_forward(r->txn, t_.counts, {}, {}, [&](std::string_view k, std::string_view v) {
    CampaignCounts c;
    c.campaign = k;
    if (!records::decode_counts(v, c.subscribed, c.opted_out)) {
      bad = true;
      return false;
    }
    out.push_back(std::move(c));
    return true;
  });
  if (ec) return fail(ec);
  if (bad) return fail(corrupted());
  return out;
}

Result<std::uint64_t> LmdbStore::company_opt_out_count() const {
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_meta_u64(r->txn, t_, kMetaCompanyCount);
}

Result<Chunk<std::string>> LmdbStore::subscribed_phones(std::string_view campaign,
                                                        std::optional<std::string> cursor,
                                                        std::size_t limit) const {
  if (!valid(campaign) || limit == 0 || limit > kMaxChunkRows || (cursor && !valid(*cursor))) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  const std::string pfx = keys::prefix(campaign);
  std::string from = pfx;
  if (cursor) {
    from.append(*cursor);
    from.push_back('\0');
  }
  Chunk<std::string> out;
  bool bad = false;
  auto ec = scan_forward(r->txn, t_.subscriptions, pfx, from,
                         [&](std::string_view k, std::string_view v) {
                           auto st = records::decode_subscription_state(v);
                           if (!st) {
                             bad = true;
                             return false;
                           }
                           if (*st != SubscriptionState::subscribed) return true;
                           if (out.rows.size() == limit) {
                             out.next = out.rows.back();
                             return false;
                           }
                           out.rows.emplace_back(k.substr(pfx.size()));
                           return true;
                         });
  if (ec) return fail(ec);
  if (bad) return fail(corrupted());
  return out;
}

// Cursor of the opted-out export: 'r' + the last subscriptions key returned (records
// phase) or 'c' + the last phone returned (company-wide phase).
Result<Chunk<OptOutRow>> LmdbStore::opted_out(std::optional<std::string> campaign,
                                              std::optional<std::string> cursor,
                                              std::size_t limit) const {
  if ((campaign && !valid(*campaign)) || limit == 0 || limit > kMaxChunkRows) {
    return fail(invalid());
  }
  if (cursor && (cursor->empty() || ((*cursor)[0] != 'r' && (*cursor)[0] != 'c'))) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  Chunk<OptOutRow> out;
  bool bad = false;
  const std::string pfx = campaign ? keys::prefix(*campaign) : std::string();
  const bool records_phase = !cursor || (*cursor)[0] == 'r';
  if (records_phase) {
    std::string from = pfx;
    if (cursor) {
      from = cursor->substr(1);
      from.push_back('\0');
    }
    std::string last;
    auto ec = scan_forward(
        r->txn, t_.subscriptions, pfx, from, [&](std::string_view k, std::string_view v) {
          if (out.rows.size() == limit) {
            out.next = "r" + last;
            return false;
          }
          auto nul = k.find('\0');
          OptOutRow row;
          SubscriptionState st;
          if (nul == std::string_view::npos ||
              !records::decode_subscription_summary(v, st, row.since, row.source)) {
            bad = true;
            return false;
          }
          if (st != SubscriptionState::opted_out) return true;
          row.campaign = k.substr(0, nul);
          row.phone = k.substr(nul + 1);
          out.rows.push_back(std::move(row));
          last = k;
          return true;
        });
    if (ec) return fail(ec);
    if (bad) return fail(corrupted());
    if (out.next) return out;
  }
  // Company-wide phase.
  std::string from;
  if (!records_phase) {
    from = cursor->substr(1);
    from.push_back('\0');
  }
  std::error_code inner;
  std::string last_company;  // empty: the phase starts at its beginning ("c" cursor)
  auto ec = scan_forward(r->txn, t_.company, {}, from, [&](std::string_view k, std::string_view v) {
    if (campaign) {
      // Covered only if the phone has no record of its own for the campaign.
      std::string_view unused;
      int rc = r->txn.get(t_.subscriptions, keys::pair_buf(*campaign, k), unused);
      if (rc == 0) return true;
      if (rc != MDB_NOTFOUND) {
        inner = lmdb_error(rc);
        return false;
      }
    }
    if (out.rows.size() == limit) {
      out.next = "c" + last_company;
      return false;
    }
    auto c = records::decode_company(k, v);
    if (!c) {
      bad = true;
      return false;
    }
    out.rows.push_back(OptOutRow{std::string(k), std::string(kAllCampaigns), c->since, c->source});
    last_company = k;
    return true;
  });
  if (ec) return fail(ec);
  if (inner) return fail(inner);
  if (bad) return fail(corrupted());
  return out;
}

// ---- Inbox ----

Result<InboxPage> LmdbStore::inbox_page(const InboxQuery& q) const {
  if (q.limit == 0 || q.limit > kMaxPageLimit || (q.phone && !valid(*q.phone)) ||
      (q.campaign && !valid(*q.campaign))) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  InboxPage page;
  // A phone's entries, filtered by campaign and kind if asked; else the flagged rows (kind
  // possible_opt_out), filtered by campaign; else a campaign's entries; else the Inbox
  // itself, filtered by kind. One more than a page is read: its presence says there is a
  // next page.
  const bool flagged = q.kind == InboxKind::possible_opt_out && !q.phone;
  const bool filter_campaign = q.campaign && (q.phone || flagged);
  auto take = [&](InboxMessage&& m) {
    if (filter_campaign && m.campaign != *q.campaign) return true;
    if (q.kind && m.kind != *q.kind) return true;
    if (page.messages.size() == q.limit) {
      page.next_before = page.messages.back().id;
      return false;
    }
    page.messages.push_back(std::move(m));
    return true;
  };
  std::error_code ec;
  if (q.phone) {
    ec =
        scan_index_rows(r->txn, t_, t_.phones, keys::phone_prefix(*q.phone, keys::phone_tag::inbox),
                        q.before, get_inbox, take);
  } else if (flagged) {
    ec = scan_index_rows(r->txn, t_, t_.inbox_flagged, {}, q.before, get_inbox, take);
  } else if (q.campaign) {
    ec = scan_index_rows(r->txn, t_, t_.inbox_by_campaign, keys::prefix(*q.campaign), q.before,
                         get_inbox, take);
  } else {
    bool bad = false;
    ec = scan_back(r->txn, t_.inbox, {}, q.before, [&](std::string_view k, std::string_view v) {
      auto m = records::decode_inbox(keys::trailing_id(k), v);
      if (!m) bad = true;
      return m && take(std::move(*m));
    });
    if (!ec && bad) ec = corrupted();
  }
  if (ec) return fail(ec);
  return page;
}

Result<std::optional<InboxMessage>> LmdbStore::inbox_message(std::uint64_t id) const {
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_inbox(r->txn, t_, id);
}

// ---- Outbox ----

Result<std::optional<OutboxMessage>> LmdbStore::outbox_message(std::uint64_t id) const {
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_outbox(r->txn, t_, id);
}

Result<std::vector<OutboxMessage>> LmdbStore::pending_outbox(std::string_view short_code,
                                                             std::uint64_t after_id,
                                                             std::size_t limit) const {
  if (!valid(short_code) || limit == 0 || limit > kMaxChunkRows || after_id == UINT64_MAX) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  const std::string pfx = keys::prefix(short_code);
  std::vector<OutboxMessage> out;
  std::error_code inner;
  auto ec = scan_forward(r->txn, t_.outbox_pending, pfx, keys::with_id(short_code, after_id + 1),
                         [&](std::string_view k, std::string_view) {
                           auto m = get_outbox(r->txn, t_, keys::trailing_id(k));
                           if (!m || !*m) {
                             inner = m ? corrupted() : m.error();
                             return false;
                           }
                           out.push_back(std::move(**m));
                           return out.size() < limit;
                         });
  if (ec) return fail(ec);
  if (inner) return fail(inner);
  return out;
}

Result<std::uint64_t> LmdbStore::pending_count(std::string_view short_code) const {
  if (!valid(short_code)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  return get_meta_u64(r->txn, t_, keys::pair(kMetaPending, short_code));
}

Result<std::optional<Store::PartRef>> LmdbStore::find_by_carrier_id(
    std::string_view link, std::string_view carrier_message_id) const {
  if (!valid(link) || !valid(carrier_message_id)) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  std::string_view v;
  int rc = r->txn.get(t_.carrier_ids, keys::pair(link, carrier_message_id), v);
  if (rc == MDB_NOTFOUND) return std::optional<PartRef>{};
  if (rc != 0) return fail(lmdb_error(rc));
  PartRef ref;
  if (!records::decode_part_ref(v, ref.outbox_id, ref.part)) return fail(corrupted());
  return ref;
}

// ---- Conversation ----

Result<std::vector<ConversationEntry>> LmdbStore::conversation(std::string_view phone,
                                                               std::optional<std::string> campaign,
                                                               std::size_t limit) const {
  if (!valid(phone) || (campaign && !valid(*campaign)) || limit == 0 || limit > kMaxPageLimit) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  std::vector<ConversationEntry> all;
  // The newest `limit` of each direction are enough to find the newest `limit` overall.
  std::size_t taken = 0;
  auto ec = scan_index_rows(
      r->txn, t_, t_.phones, keys::phone_prefix(phone, keys::phone_tag::inbox), std::nullopt,
      get_inbox, [&](InboxMessage&& m) {
        if (campaign && m.campaign != *campaign) return true;
        all.push_back(ConversationEntry{Direction::in, m.id, m.received_at, std::move(m.campaign),
                                        std::move(m.text), std::nullopt});
        return ++taken < limit;
      });
  if (ec) return fail(ec);
  taken = 0;
  ec = scan_index_rows(
      r->txn, t_, t_.phones, keys::phone_prefix(phone, keys::phone_tag::outbox), std::nullopt,
      get_outbox, [&](OutboxMessage&& m) {
        if (campaign && m.campaign != *campaign) return true;
        all.push_back(ConversationEntry{Direction::out, m.id, m.created_at, std::move(m.campaign),
                                        std::move(m.text), m.status});
        return ++taken < limit;
      });
  if (ec) return fail(ec);
  // Oldest first; at the same millisecond an inbound text precedes the reply to it.
  std::sort(all.begin(), all.end(), [](const ConversationEntry& a, const ConversationEntry& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.direction != b.direction) return a.direction == Direction::in;
    return a.id < b.id;
  });
  if (all.size() > limit) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(limit));
  return all;
}

// ---- Audit ----

Result<AuditPage> LmdbStore::audit_page(const AuditQuery& q) const {
  if (q.limit == 0 || q.limit > kMaxPageLimit || (q.phone && !valid(*q.phone))) {
    return fail(invalid());
  }
  auto r = begin_read();
  if (!r) return fail(r.error());
  AuditPage page;
  // One more than a page is read: its presence says whether there is a next page.
  auto take = [&](AuditEvent&& e) {
    if (page.events.size() == q.limit) {
      page.next_before = page.events.back().id;
      return false;
    }
    page.events.push_back(std::move(e));
    return true;
  };
  if (!q.phone) {
    if (auto ec = scan_audit_back(r->txn, t_, q.before, take)) return fail(ec);
    return page;
  }
  if (auto ec = scan_index_rows(r->txn, t_, t_.phones,
                                keys::phone_prefix(*q.phone, keys::phone_tag::audit), q.before,
                                get_audit, take)) {
    return fail(ec);
  }
  return page;
}

Result<OutboxPage> LmdbStore::phone_outbox(std::string_view phone,
                                           std::optional<std::uint64_t> before,
                                           std::size_t limit) const {
  if (!valid(phone) || limit == 0 || limit > kMaxPageLimit) return fail(invalid());
  auto r = begin_read();
  if (!r) return fail(r.error());
  OutboxPage page;
  // One more than a page is read: its presence says whether there is a next page.
  auto take = [&](OutboxMessage&& m) {
    if (page.messages.size() == limit) {
      page.next_before = page.messages.back().id;
      return false;
    }
    page.messages.push_back(std::move(m));
    return true;
  };
  if (auto ec =
          scan_index_rows(r->txn, t_, t_.phones, keys::phone_prefix(phone, keys::phone_tag::outbox),
                          before, get_outbox, take)) {
    return fail(ec);
  }
  return page;
}

// ---- Health ----

Result<StoreInfo> LmdbStore::info() const {
  auto r = begin_read();
  if (!r) return fail(r.error());
  std::string_view v;
  StoreInfo i;
  if (int rc = r->txn.get(t_.meta, kMetaSchemaVersion, v)) return fail(lmdb_error(rc));
  records::Decoder d(v);
  i.schema_version = d.u32();
  i.map_size = env_.map_size();
  i.used_bytes = env_.used_bytes();
  i.map_growths = growths_.load(std::memory_order_relaxed);
  return i;
}

// ---- Writer backend ----

class LmdbStore::Group final : public detail::WriteGroup {
 public:
  Group(LmdbStore& store, Txn txn)
      : store_(store), mdb_(std::move(txn)), txn_(mdb_, store.t_, store.ids_) {}
  WriteTxn& txn() override { return txn_; }
  std::error_code poisoned() const override { return txn_.poisoned(); }
  std::error_code commit() override {
    if (auto ec = txn_.finish()) {
      mdb_.abort();
      return ec;
    }
    if (int rc = mdb_.commit()) return store_.commit_error(rc);
    store_.ids_ = txn_.counters();
    return {};
  }
  void abort() noexcept override { mdb_.abort(); }

 private:
  LmdbStore& store_;
  Txn mdb_;
  LmdbWriteTxn txn_;
};

bool LmdbStore::claim_writer() {
  return !writer_claimed_.exchange(true);
}
void LmdbStore::release_writer() {
  writer_claimed_.store(false);
}

Result<std::unique_ptr<detail::WriteGroup>> LmdbStore::begin_group() {
  Txn txn;
  if (int rc = Txn::begin(env_.get(), 0, txn)) return fail(lmdb_error(rc));
  txn.cache_cursors(true);
  return std::unique_ptr<detail::WriteGroup>(std::make_unique<Group>(*this, std::move(txn)));
}

std::error_code LmdbStore::commit_error(int rc) const {
  // LMDB reports a short write as EIO: on a file system that fills mid-write (tmpfs, and
  // ext4 past its reserve) that is how a full disk first shows. Report it as disk_full when
  // the file system has (next to) no space left, so the operator is told what to fix.
  auto ec = lmdb_error(rc);
  if (ec != StoreErrc::io_error) return ec;
  struct statvfs fs {};
  if (statvfs(env_.path().c_str(), &fs) == 0 &&
      std::uint64_t(fs.f_bavail) * fs.f_frsize < kFullDiskBytes) {
    return make_error_code(StoreErrc::disk_full);
  }
  return ec;
}

std::error_code LmdbStore::grow() {
  const std::uint64_t current = env_.map_size();
  if (current >= options_.max_map_size) return make_error_code(StoreErrc::disk_full);
  struct statvfs fs {};
  if (statvfs(env_.path().c_str(), &fs) == 0 &&
      std::uint64_t(fs.f_bavail) * fs.f_frsize < kMinFreeDiskBytes) {
    return make_error_code(StoreErrc::disk_full);
  }
  const std::uint64_t next = std::min(options_.max_map_size, current * 2);
  std::unique_lock<std::shared_mutex> lock(remap_);
  if (int rc = env_.set_map_size(next)) return lmdb_error(rc);
  growths_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

}  // namespace lmdb

// ---- Opening ----

Result<std::unique_ptr<Store>> open_store(const StoreOptions& options) {
  if (options.state_dir.empty() || options.map_size == 0 ||
      options.map_size > options.max_map_size || options.max_readers == 0) {
    return fail(StoreErrc::invalid_argument);
  }
  lmdb::Env::Options eo;
  eo.dir = options.state_dir / "store";
  eo.map_size = options.map_size;
  eo.max_readers = options.max_readers;
  eo.max_dbs = lmdb::kMaxDbs;
  eo.flags = options.durability == Durability::nosync ? MDB_NOSYNC : 0;
  auto env = lmdb::Env::open(eo);
  if (!env) return fail(env.error());

  lmdb::Txn txn;
  if (int rc = lmdb::Txn::begin(env->get(), 0, txn)) return fail(lmdb::lmdb_error(rc));
  lmdb::Tables tables;
  std::uint32_t found = 0;
  if (auto ec = lmdb::open_schema(txn, tables, found)) return fail(ec);
  lmdb::IdCounters ids;
  auto inbox = lmdb::last_id(txn, tables.inbox);
  auto outbox = lmdb::last_id(txn, tables.outbox);
  auto audit = lmdb::last_audit_id(txn, tables);
  if (!inbox) return fail(inbox.error());
  if (!outbox) return fail(outbox.error());
  if (!audit) return fail(audit.error());
  ids.inbox = *inbox;
  // Ids reserved for concatenated MO still waiting for parts are above the last row.
  std::string_view reserved;
  if (int rc = txn.get(tables.meta, lmdb::kMetaInboxReserved, reserved); rc == 0) {
    store::records::Decoder d(reserved);
    const std::uint64_t id = d.u64();
    if (!d.done()) return fail(StoreErrc::corrupted);
    ids.inbox = std::max(ids.inbox, id);
  } else if (rc != MDB_NOTFOUND) {
    return fail(lmdb::lmdb_error(rc));
  }
  ids.outbox = *outbox;
  ids.audit = *audit;
  if (ids.audit != 0) {
    // The next event chains to the last one (audit_chain.hpp).
    auto last = lmdb::get_audit(txn, tables, ids.audit);
    if (!last) return fail(last.error());
    if (!*last) return fail(StoreErrc::corrupted);
    ids.audit_head = audit_hash(**last);
  }
  if (int rc = txn.commit()) return fail(lmdb::lmdb_error(rc));
  return std::unique_ptr<Store>(
      std::make_unique<lmdb::LmdbStore>(std::move(*env), tables, ids, options));
}

}  // namespace smppgw::store
