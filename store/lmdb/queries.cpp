// Point reads shared by the read and the write side; see queries.hpp.
#include "store/lmdb/queries.hpp"

#include <algorithm>

#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/records.hpp"

namespace smppgw::store::lmdb {

Result<std::optional<Subscription>> get_subscription(const Txn& txn, const Tables& t,
                                                     std::string_view phone,
                                                     std::string_view campaign) {
  std::string_view v;
  int rc = txn.get(t.subscriptions, keys::pair_buf(campaign, phone), v);
  if (rc == MDB_NOTFOUND) return std::optional<Subscription>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto s = records::decode_subscription(phone, campaign, v);
  if (!s) return fail(corrupted());
  return s;
}

Result<std::optional<CompanyOptOut>> get_company(const Txn& txn, const Tables& t,
                                                 std::string_view phone) {
  std::string_view v;
  int rc = txn.get(t.company, phone, v);
  if (rc == MDB_NOTFOUND) return std::optional<CompanyOptOut>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto c = records::decode_company(phone, v);
  if (!c) return fail(corrupted());
  return c;
}

Result<std::optional<SubscriptionState>> effective_state(const Txn& txn, const Tables& t,
                                                         std::string_view phone,
                                                         std::string_view campaign,
                                                         std::optional<Subscription>* record) {
  if (!record) {
    // The state alone: no Subscription (and its strings) built.
    std::string_view v;
    int rc = txn.get(t.subscriptions, keys::pair_buf(campaign, phone), v);
    if (rc == 0) {
      auto st = records::decode_subscription_state(v);
      if (!st) return fail(corrupted());
      return std::optional<SubscriptionState>(*st);
    }
    if (rc != MDB_NOTFOUND) return fail(lmdb_error(rc));
    rc = txn.get(t.company, phone, v);
    if (rc == 0) return std::optional<SubscriptionState>(SubscriptionState::opted_out);
    if (rc != MDB_NOTFOUND) return fail(lmdb_error(rc));
    return std::optional<SubscriptionState>{};
  }
  auto rec = get_subscription(txn, t, phone, campaign);
  if (!rec) return fail(rec.error());
  std::optional<SubscriptionState> state;
  if (*rec) {
    state = (*rec)->state;
  } else {
    std::string_view v;
    int rc = txn.get(t.company, phone, v);
    if (rc == 0) {
      state = SubscriptionState::opted_out;
    } else if (rc != MDB_NOTFOUND) {
      return fail(lmdb_error(rc));
    }
  }
  if (record) *record = std::move(*rec);
  return state;
}

Result<std::vector<std::string>> record_campaigns(const Txn& txn, const Tables& t) {
  std::vector<std::string> out;
  auto ec = scan_forward(txn, t.counts, {}, {}, [&](std::string_view k, std::string_view) {
    out.emplace_back(k);
    return true;
  });
  if (ec) return fail(ec);
  return out;
}

Result<std::vector<Subscription>> subscriptions_among(const Txn& txn, const Tables& t,
                                                      std::string_view phone,
                                                      const std::vector<std::string>& campaigns,
                                                      std::optional<std::string_view> last_key) {
  std::vector<Subscription> out;
  for (const auto& campaign : campaigns) {
    if (last_key && keys::pair_buf(campaign, phone).view() > *last_key) continue;
    auto s = get_subscription(txn, t, phone, campaign);
    if (!s) return fail(s.error());
    if (*s) out.push_back(std::move(**s));
  }
  return out;
}

Result<std::vector<Subscription>> list_subscriptions(const Txn& txn, const Tables& t,
                                                     std::string_view phone) {
  auto campaigns = record_campaigns(txn, t);
  if (!campaigns) return fail(campaigns.error());
  return subscriptions_among(txn, t, phone, *campaigns);
}

Result<std::optional<LastStop>> get_last_stop(const Txn& txn, const Tables& t,
                                              std::string_view phone, std::string_view short_code) {
  std::string_view v;
  int rc = txn.get(t.phones, keys::phone_buf(phone, keys::phone_tag::last_stop, short_code), v);
  if (rc == MDB_NOTFOUND) return std::optional<LastStop>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto s = records::decode_last_stop(phone, short_code, v);
  if (!s) return fail(corrupted());
  return s;
}

Result<std::optional<RecentJoin>> get_recent_join(const Txn& txn, const Tables& t,
                                                  std::string_view phone,
                                                  std::string_view short_code) {
  std::string_view v;
  int rc = txn.get(t.phones, keys::phone_buf(phone, keys::phone_tag::recent_join, short_code), v);
  if (rc == MDB_NOTFOUND) return std::optional<RecentJoin>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto r = records::decode_recent_join(phone, short_code, v);
  if (!r) return fail(corrupted());
  return r;
}

Result<std::optional<InboxMessage>> get_inbox(const Txn& txn, const Tables& t, std::uint64_t id) {
  std::string_view v;
  int rc = txn.get(t.inbox, keys::id(id), v);
  if (rc == MDB_NOTFOUND) return std::optional<InboxMessage>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto m = records::decode_inbox(id, v);
  if (!m) return fail(corrupted());
  return m;
}

Result<std::optional<OutboxMessage>> get_outbox(const Txn& txn, const Tables& t, std::uint64_t id) {
  std::string_view v;
  int rc = txn.get(t.outbox, keys::id(id), v);
  if (rc == MDB_NOTFOUND) return std::optional<OutboxMessage>{};
  if (rc != 0) return fail(lmdb_error(rc));
  auto m = records::decode_outbox(id, v);
  if (!m) return fail(corrupted());
  return m;
}

Result<CampaignCounts> get_counts(const Txn& txn, const Tables& t, std::string_view campaign) {
  CampaignCounts c;
  c.campaign = campaign;
  std::string_view v;
  int rc = txn.get(t.counts, campaign, v);
  if (rc == MDB_NOTFOUND) return c;
  if (rc != 0) return fail(lmdb_error(rc));
  if (!records::decode_counts(v, c.subscribed, c.opted_out)) return fail(corrupted());
  return c;
}

Result<std::uint64_t> get_meta_u64(const Txn& txn, const Tables& t, std::string_view key) {
  std::string_view v;
  int rc = txn.get(t.meta, key, v);
  if (rc == MDB_NOTFOUND) return std::uint64_t{0};
  if (rc != 0) return fail(lmdb_error(rc));
  records::Decoder d(v);
  auto n = d.u64();
  if (!d.done()) return fail(corrupted());
  return n;
}

Result<std::string> last_key(const Txn& txn, MDB_dbi dbi) {
  Cursor c;
  if (int rc = Cursor::open(txn, dbi, c)) return fail(lmdb_error(rc));
  std::string_view k, v;
  int rc = c.get(MDB_LAST, k, v);
  if (rc == MDB_NOTFOUND) return std::string();
  if (rc != 0) return fail(lmdb_error(rc));
  return std::string(k);
}

Result<std::uint64_t> last_id(const Txn& txn, MDB_dbi dbi) {
  Cursor c;
  if (int rc = Cursor::open(txn, dbi, c)) return fail(lmdb_error(rc));
  std::string_view k, v;
  int rc = c.get(MDB_LAST, k, v);
  if (rc == MDB_NOTFOUND) return std::uint64_t{0};
  if (rc != 0) return fail(lmdb_error(rc));
  if (k.size() != 8) return fail(corrupted());
  return keys::read_be64(k);
}

Result<std::uint64_t> last_audit_id(const Txn& txn, const Tables& t) {
  auto single = last_id(txn, t.audit);
  if (!single) return single;
  Cursor c;
  if (int rc = Cursor::open(txn, t.audit_bulk, c)) return fail(lmdb_error(rc));
  std::string_view k, v;
  int rc = c.get(MDB_LAST, k, v);
  if (rc == MDB_NOTFOUND) return single;
  if (rc != 0) return fail(lmdb_error(rc));
  auto n = records::audit_bulk_size(v);
  if (k.size() != 8 || !n || *n == 0) return fail(corrupted());
  return std::max(*single, keys::read_be64(k) + *n - 1);
}

namespace {

// Positions `c` (over an id-keyed table) on the last row whose key is below `before`
// (the last row if before is empty).
int seek_last_below(Cursor& c, std::optional<std::uint64_t> before, std::string_view& k,
                    std::string_view& v) {
  int rc;
  if (before) {
    rc = c.seek(keys::id(*before), k, v);
    if (rc == 0) return c.get(MDB_PREV, k, v);
    if (rc != MDB_NOTFOUND) return rc;
  }
  return c.get(MDB_LAST, k, v);
}

}  // namespace

Result<std::optional<AuditEvent>> get_audit(const Txn& txn, const Tables& t, std::uint64_t id) {
  std::string_view v;
  int rc = txn.get(t.audit, keys::id(id), v);
  if (rc == 0) {
    auto e = records::decode_audit(id, v);
    if (!e) return fail(corrupted());
    return std::optional<AuditEvent>(std::move(*e));
  }
  if (rc != MDB_NOTFOUND) return fail(lmdb_error(rc));
  Cursor c;
  if ((rc = Cursor::open(txn, t.audit_bulk, c))) return fail(lmdb_error(rc));
  std::string_view k;
  // The bulk row that starts at or below id: the last row below id + 1 (the last row at all
  // for the largest id).
  rc = id == ~std::uint64_t{0} ? c.get(MDB_LAST, k, v) : seek_last_below(c, id + 1, k, v);
  if (rc == MDB_NOTFOUND) return std::optional<AuditEvent>{};
  if (rc != 0) return fail(lmdb_error(rc));
  if (k.size() != 8) return fail(corrupted());
  const std::uint64_t first = keys::read_be64(k);
  auto row = records::AuditBulkView::parse(v);
  if (!row) return fail(corrupted());
  if (id - first >= row->size()) return std::optional<AuditEvent>{};
  auto e = row->event(first, static_cast<std::uint32_t>(id - first));
  if (!e) return fail(corrupted());
  return std::optional<AuditEvent>(std::move(*e));
}

namespace {

// The audit_bulk row a cursor stands on (brc its last answer): none at the end, else the
// row and its first id; a malformed key or row is corrupted.
std::error_code read_bulk_row(int brc, std::string_view bk, std::string_view bv,
                              std::optional<records::AuditBulkView>& row, std::uint64_t& first) {
  row.reset();
  if (brc == MDB_NOTFOUND) return {};
  if (brc != 0) return lmdb_error(brc);
  if (bk.size() != 8) return corrupted();
  row = records::AuditBulkView::parse(bv);
  if (!row) return corrupted();
  first = keys::read_be64(bk);
  return {};
}

}  // namespace

std::error_code scan_audit_forward(const Txn& txn, const Tables& t, std::uint64_t first_id,
                                   std::size_t limit, std::vector<AuditEvent>& out,
                                   std::optional<std::uint64_t>& next_id) {
  next_id.reset();
  Cursor single, bulk;
  if (int rc = Cursor::open(txn, t.audit, single)) return lmdb_error(rc);
  if (int rc = Cursor::open(txn, t.audit_bulk, bulk)) return lmdb_error(rc);
  std::string_view sk, sv, bk, bv;
  int src = single.seek(keys::id(first_id), sk, sv);
  // The bulk row holding first_id starts at or below it: the row at first_id, else the one
  // before the first row above it (the last row if none is above).
  int brc = bulk.seek(keys::id(first_id), bk, bv);
  if (brc == 0 && keys::read_be64(bk) > first_id) {
    brc = bulk.get(MDB_PREV, bk, bv);
    if (brc == MDB_NOTFOUND) brc = bulk.seek(keys::id(first_id), bk, bv);
  } else if (brc == MDB_NOTFOUND) {
    brc = bulk.get(MDB_LAST, bk, bv);
  }
  std::optional<records::AuditBulkView> row;
  std::uint64_t first = 0;
  std::uint32_t next = 0;  // the row's next entry to give
  auto load_row = [&]() -> std::error_code {
    for (;;) {
      if (auto ec = read_bulk_row(brc, bk, bv, row, first)) return ec;
      if (!row) return {};
      next =
          first >= first_id
              ? 0
              : static_cast<std::uint32_t>(std::min<std::uint64_t>(first_id - first, row->size()));
      if (next < row->size()) return {};
      brc = bulk.get(MDB_NEXT, bk, bv);  // every event of this row is before first_id
    }
  };
  if (auto ec = load_row()) return ec;
  for (;;) {
    if (src != 0 && src != MDB_NOTFOUND) return lmdb_error(src);
    const bool have_single = src == 0;
    if (!have_single && !row) return {};
    if (have_single && sk.size() != 8) return corrupted();
    const std::uint64_t single_id = have_single ? keys::read_be64(sk) : 0;
    const bool from_bulk = row && (!have_single || first + next < single_id);
    const std::uint64_t id = from_bulk ? first + next : single_id;
    if (out.size() == limit) {
      next_id = id;
      return {};
    }
    std::optional<AuditEvent> e;
    if (from_bulk) {
      e = row->event(first, next);
      if (++next == row->size()) {
        brc = bulk.get(MDB_NEXT, bk, bv);
        if (auto ec = load_row()) return ec;
      }
    } else {
      e = records::decode_audit(single_id, sv);
      src = single.get(MDB_NEXT, sk, sv);
    }
    if (!e) return corrupted();
    out.push_back(std::move(*e));
  }
}

std::error_code scan_audit_back(const Txn& txn, const Tables& t,
                                std::optional<std::uint64_t> before,
                                const std::function<bool(AuditEvent&&)>& visit) {
  Cursor single, bulk;
  if (int rc = Cursor::open(txn, t.audit, single)) return lmdb_error(rc);
  if (int rc = Cursor::open(txn, t.audit_bulk, bulk)) return lmdb_error(rc);
  std::string_view sk, sv, bk, bv;
  int src = seek_last_below(single, before, sk, sv);
  int brc = seek_last_below(bulk, before, bk, bv);
  // The bulk row being walked: its first id and the next entry to give (counting down).
  std::optional<records::AuditBulkView> row;
  std::uint64_t first = 0;
  std::uint32_t next = 0;  // entries [0, next) are still to give
  auto load_row = [&]() -> std::error_code {
    if (auto ec = read_bulk_row(brc, bk, bv, row, first)) return ec;
    if (!row) return {};
    next = row->size();
    if (before && *before <= first + next) next = static_cast<std::uint32_t>(*before - first);
    return {};
  };
  if (auto ec = load_row()) return ec;
  for (;;) {
    if (src != 0 && src != MDB_NOTFOUND) return lmdb_error(src);
    if (row && next == 0) {
      brc = bulk.get(MDB_PREV, bk, bv);
      if (auto ec = load_row()) return ec;
      continue;
    }
    const bool have_single = src == 0;
    if (!have_single && !row) return {};
    if (have_single && sk.size() != 8) return corrupted();
    const std::uint64_t single_id = have_single ? keys::read_be64(sk) : 0;
    std::optional<AuditEvent> e;
    if (row && (!have_single || first + next - 1 > single_id)) {
      --next;
      e = row->event(first, next);
    } else {
      e = records::decode_audit(single_id, sv);
      src = single.get(MDB_PREV, sk, sv);
    }
    if (!e) return corrupted();
    if (!visit(std::move(*e))) return {};
  }
}

}  // namespace smppgw::store::lmdb
