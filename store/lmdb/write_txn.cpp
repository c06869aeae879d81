// The domain writes of the LMDB backend.
//
// Invariants every member keeps (the unit tests check them against the tables):
// - counts[campaign] equals the number of subscriptions records of each state, and is absent
//   for a campaign without records (after finish());
// - meta company_count equals the number of company records;
// - every inbox/outbox/audit row has exactly its index entries, and outbox_pending holds
//   exactly the records in status queued; meta's pending counter of each short code is the
//   number of its outbox_pending entries (absent when zero);
// - carrier_ids points at parts that carry that carrier message id;
// - every change of a subscription or company-wide opt-out appends one audit event.
// Effective state of (phone, campaign): the record's state if there is one, else opted_out if
// the phone has a company-wide opt-out, else none. The company-wide opt-out therefore covers
// campaigns added later, and a later keyword join (a record) lifts it for one campaign.
#include "store/lmdb/write_txn.hpp"
#include "store/rules.hpp"

#include <algorithm>
#include <cstring>

#include "store/audit_chain.hpp"
#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"

namespace smppgw::store::lmdb {
namespace {

using rules::aggregate;
using rules::valid_text;

}  // namespace

std::error_code LmdbWriteTxn::put(MDB_dbi dbi, std::string_view k, std::string_view v,
                                  unsigned flags) {
  if (poison_) return poison_;
  int rc = check(txn_.put(dbi, k, v, flags));
  if (rc == MDB_KEYEXIST) return corrupted();  // MDB_APPEND out of order: ids went backwards
  return rc ? lmdb_error(rc) : std::error_code{};
}

std::error_code LmdbWriteTxn::del(MDB_dbi dbi, std::string_view k) {
  if (poison_) return poison_;
  int rc = check(txn_.del(dbi, k));
  return (rc == 0 || rc == MDB_NOTFOUND) ? std::error_code{} : lmdb_error(rc);
}

void LmdbWriteTxn::count(std::string_view campaign, SubscriptionState s, std::int64_t delta) {
  auto it = count_delta_.find(campaign);
  if (it == count_delta_.end()) {
    it = count_delta_.emplace(std::string(campaign), std::pair<std::int64_t, std::int64_t>{0, 0})
             .first;
    campaigns_.reset();  // the campaign may have no committed records yet
  }
  (s == SubscriptionState::subscribed ? it->second.first : it->second.second) += delta;
}

void LmdbWriteTxn::count_pending(std::string_view short_code, std::int64_t delta) {
  auto it = pending_delta_.find(short_code);
  if (it == pending_delta_.end()) it = pending_delta_.emplace(std::string(short_code), 0).first;
  it->second += delta;
}

std::error_code LmdbWriteTxn::remove_pending(std::string_view short_code, std::uint64_t id) {
  if (poison_) return poison_;
  int rc = check(txn_.del(t_.outbox_pending, keys::with_id_buf(short_code, id)));
  if (rc == MDB_NOTFOUND) return {};
  if (rc != 0) return lmdb_error(rc);
  count_pending(short_code, -1);
  return {};
}

void LmdbWriteTxn::PendingKeys::add(std::string_view phone, char tag, std::uint64_t id) {
  const auto at = static_cast<std::uint32_t>(arena.size());
  arena.append(phone);
  arena.push_back('\0');
  arena.push_back(tag);
  keys::append_be64(arena, id);
  const auto len = static_cast<std::uint32_t>(arena.size() - at);
  unsigned char head[16] = {};
  std::memcpy(head, arena.data() + at, std::min<std::size_t>(len, 16));
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | head[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | head[i];
  entries.push_back(PendingKey{hi, lo, at, len});
}

std::error_code LmdbWriteTxn::flush_sorted(MDB_dbi dbi, PendingKeys& keys) {
  if (keys.entries.empty()) return {};
  const char* base = keys.arena.data();
  // Byte order of the keys: the zero-padded heads first; equal heads mean the shorter key
  // (if at most 16 bytes) is a prefix of the other, so the tails and then lengths decide.
  auto before = [base](const PendingKey& x, const PendingKey& y) {
    if (x.hi != y.hi) return x.hi < y.hi;
    if (x.lo != y.lo) return x.lo < y.lo;
    const std::uint32_t xt = x.len > 16 ? x.len - 16 : 0;
    const std::uint32_t yt = y.len > 16 ? y.len - 16 : 0;
    if (int c = std::memcmp(base + x.off + 16 * (xt > 0), base + y.off + 16 * (yt > 0),
                            std::min(xt, yt))) {
      return c < 0;
    }
    return x.len < y.len;
  };
  // A sorted Manual Opt-Out appends its audit entries in key order already.
  if (!std::is_sorted(keys.entries.begin(), keys.entries.end(), before)) {
    std::sort(keys.entries.begin(), keys.entries.end(), before);
  }
  Cursor c;
  if (int rc = check(Cursor::open(txn_, dbi, c))) return lmdb_error(rc);
  // Keys past the end of the table (a new phone's first rows) append without a search.
  bool append = true;
  for (const auto& e : keys.entries) {
    const std::string_view k(base + e.off, e.len);
    int rc = MDB_KEYEXIST;
    if (append) {
      rc = check(c.put(k, {}, MDB_APPEND));
      if (rc == MDB_KEYEXIST) append = false;
    }
    if (rc == MDB_KEYEXIST) rc = check(c.put(k, {}));
    if (rc) return lmdb_error(rc);
  }
  keys.arena.clear();
  keys.entries.clear();
  return {};
}

std::error_code LmdbWriteTxn::put_appending(MDB_dbi dbi, std::string_view k, std::string_view v,
                                            bool& try_append) {
  if (try_append) {
    if (poison_) return poison_;
    int rc = check(txn_.put(dbi, k, v, MDB_APPEND));
    if (rc == 0) return {};
    if (rc != MDB_KEYEXIST) return lmdb_error(rc);
    try_append = false;
  }
  return put(dbi, k, v);
}

Result<std::optional<SubscriptionState>> LmdbWriteTxn::lookup_state(
    std::string_view phone, std::string_view campaign, std::optional<Subscription>* record) {
  // A bulk chunk reads each phone once: remembering it would only cost string copies.
  if (bulk_) return bulk_state(phone, campaign, record);
  if (!memo_.valid || memo_.phone != phone || memo_.campaign != campaign) {
    memo_.valid = false;
    auto st = effective_state(txn_, t_, phone, campaign, &memo_.record);
    if (!st) return st;
    memo_.state = *st;
    memo_.phone.assign(phone);
    memo_.campaign.assign(campaign);
    memo_.valid = true;
  }
  if (record) *record = memo_.record;
  return memo_.state;
}

Result<std::optional<SubscriptionState>> LmdbWriteTxn::bulk_state(
    std::string_view phone, std::string_view campaign, std::optional<Subscription>* record) {
  if (keys::pair_buf(campaign, phone).view() > bulk_ends_.subscriptions &&
      phone > bulk_ends_.company) {
    if (record) record->reset();
    return std::optional<SubscriptionState>{};  // past both tables' last keys: no entry
  }
  return effective_state(txn_, t_, phone, campaign, record);
}

std::error_code LmdbWriteTxn::finish() {
  if (poison_) return poison_;
  if (auto ec = flush_sorted(t_.phones, phone_entries_)) return ec;
  for (const auto& [campaign, d] : count_delta_) {
    if (d.first == 0 && d.second == 0) continue;
    auto c = get_counts(txn_, t_, campaign);
    if (!c) return c.error();
    auto sub = static_cast<std::int64_t>(c->subscribed) + d.first;
    auto out = static_cast<std::int64_t>(c->opted_out) + d.second;
    if (sub < 0 || out < 0) return corrupted();
    if (sub == 0 && out == 0) {
      if (auto ec = del(t_.counts, campaign)) return ec;
    } else {
      records::encode_counts(buf_, std::uint64_t(sub), std::uint64_t(out));
      if (auto ec = put(t_.counts, campaign, buf_)) return ec;
    }
  }
  count_delta_.clear();
  for (const auto& [short_code, d] : pending_delta_) {
    if (d == 0) continue;
    const auto key = keys::pair_buf(kMetaPending, short_code);
    auto n = get_meta_u64(txn_, t_, key);
    if (!n) return n.error();
    const auto v = static_cast<std::int64_t>(*n) + d;
    if (v < 0) return corrupted();
    if (v == 0) {
      if (auto ec = del(t_.meta, key)) return ec;
    } else {
      records::Encoder e(buf_);
      e.u64(std::uint64_t(v));
      if (auto ec = put(t_.meta, key, buf_)) return ec;
    }
  }
  pending_delta_.clear();
  if (company_delta_ != 0) {
    auto n = get_meta_u64(txn_, t_, kMetaCompanyCount);
    if (!n) return n.error();
    auto v = static_cast<std::int64_t>(*n) + company_delta_;
    if (v < 0) return corrupted();
    records::Encoder e(buf_);
    e.u64(std::uint64_t(v));
    if (auto ec = put(t_.meta, kMetaCompanyCount, buf_)) return ec;
    company_delta_ = 0;
  }
  return {};
}

// ---- Subscriptions ----

Result<std::optional<SubscriptionState>> LmdbWriteTxn::state(std::string_view phone,
                                                             std::string_view campaign) {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  if (poison_) return fail(poison_);
  return lookup_state(phone, campaign, nullptr);
}

Result<std::optional<Subscription>> LmdbWriteTxn::subscription(std::string_view phone,
                                                               std::string_view campaign) {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  if (poison_) return fail(poison_);
  return get_subscription(txn_, t_, phone, campaign);
}

Result<std::vector<Subscription>> LmdbWriteTxn::subscriptions(std::string_view phone) {
  if (!valid(phone)) return fail(invalid());
  if (poison_) return fail(poison_);
  return subscriptions_of(phone);
}

Result<std::vector<Subscription>> LmdbWriteTxn::subscriptions_of(std::string_view phone) {
  if (!campaigns_) {
    // The committed campaigns with records, and those this group counted (its first records
    // of a campaign are in `subscriptions` already, its counts only at finish()).
    auto committed = record_campaigns(txn_, t_);
    if (!committed) return fail(committed.error());
    for (const auto& [campaign, delta] : count_delta_) committed->push_back(campaign);
    std::sort(committed->begin(), committed->end());
    committed->erase(std::unique(committed->begin(), committed->end()), committed->end());
    campaigns_ = std::move(*committed);
  }
  return subscriptions_among(
      txn_, t_, phone, *campaigns_,
      bulk_ ? std::optional<std::string_view>(bulk_ends_.subscriptions) : std::nullopt);
}

Result<std::optional<CompanyOptOut>> LmdbWriteTxn::company_opt_out(std::string_view phone) {
  if (!valid(phone)) return fail(invalid());
  if (poison_) return fail(poison_);
  return get_company(txn_, t_, phone);
}

std::error_code LmdbWriteTxn::append_audit(std::string_view phone, std::string_view campaign,
                                           std::optional<SubscriptionState> from,
                                           SubscriptionState to, const ChangeContext& ctx) {
  const std::uint64_t id = ids_.audit + 1;
  // The chain (audit_chain.hpp): this event carries the hash of the one before it.
  const AuditHash prev = ids_.audit_head;
  ids_.audit_head = audit_hash(
      prev, AuditFields{id, ctx.at, phone, campaign, from, to, ctx.source, ctx.ref, ctx.reason});
  if (bulk_) {
    // The chunk's one audit_bulk row, written at its end, holds the event (audit_bulk.hpp).
    // Sorted phones, one event each: the chunk's `phones` keys arrive in key order and
    // append to full pages.
    bulk_audit_.add(phone, campaign, from, to, prev);
    if (auto ec = put_appending(t_.phones, keys::phone_id_buf(phone, keys::phone_tag::audit, id),
                                {}, append_phones_))
      return ec;
  } else {
    records::encode_audit(buf_, ctx.at, phone, campaign, from, to, ctx.source, ctx.ref, ctx.reason,
                          &prev);
    if (auto ec = put(t_.audit, keys::id_buf(id), buf_, MDB_APPEND)) return ec;
    phone_entries_.add(phone, keys::phone_tag::audit, id);
  }
  ids_.audit = id;
  return {};
}

std::error_code LmdbWriteTxn::write_record(const std::optional<Subscription>& prev,
                                           std::string_view phone, std::string_view campaign,
                                           SubscriptionState state,
                                           std::optional<SubscriptionState> before,
                                           const ChangeContext& ctx) {
  if (prev) count(campaign, prev->state, -1);
  memo_.valid = false;
  if (auto ec = append_audit(phone, campaign, before, state, ctx)) return ec;
  // A bulk chunk writes the same value for every phone (one state, one context): encoded
  // once per chunk.
  const bool same = bulk_ && state == SubscriptionState::opted_out;
  if (!same) records::encode_subscription(buf_, state, ctx.at, ctx.source, ctx.ref);
  const auto key = keys::pair_buf(campaign, phone);
  if (auto ec =
          put_appending(t_.subscriptions, key, same ? bulk_subscription_ : buf_, append_subs_))
    return ec;
  if (bulk_ && key.view() > bulk_ends_.subscriptions) bulk_ends_.subscriptions.assign(key.view());
  count(campaign, state, +1);
  return {};
}

Result<SubscriptionChange> LmdbWriteTxn::subscribe(std::string_view phone,
                                                   std::string_view campaign,
                                                   std::string_view short_code,
                                                   const ChangeContext& ctx) {
  if (!valid(phone) || !valid(campaign) || !valid(short_code) || !valid_text(ctx.ref) ||
      !valid_text(ctx.reason)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  std::optional<Subscription> rec;
  auto before = lookup_state(phone, campaign, &rec);
  if (!before) return fail(before.error());
  SubscriptionChange change{*before, SubscriptionState::subscribed, false};
  if (!rec || rec->state != SubscriptionState::subscribed) {
    if (auto ec = write_record(rec, phone, campaign, SubscriptionState::subscribed, *before, ctx)) {
      return fail(ec);
    }
    change.changed = true;
  }
  RecentJoin j;
  j.campaign = campaign;
  j.at = ctx.at;
  records::encode(buf_, j);
  if (auto ec =
          put(t_.phones, keys::phone_buf(phone, keys::phone_tag::recent_join, short_code), buf_))
    return fail(ec);
  return change;
}

Result<SubscriptionChange> LmdbWriteTxn::opt_out(std::string_view phone, std::string_view campaign,
                                                 const ChangeContext& ctx) {
  if (!valid(phone) || !valid(campaign) || !valid_text(ctx.ref) || !valid_text(ctx.reason)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  return opt_out_checked(phone, campaign, ctx);
}

Result<SubscriptionChange> LmdbWriteTxn::opt_out_checked(std::string_view phone,
                                                         std::string_view campaign,
                                                         const ChangeContext& ctx) {
  std::optional<Subscription> rec;
  auto before = lookup_state(phone, campaign, &rec);
  if (!before) return fail(before.error());
  SubscriptionChange change{*before, SubscriptionState::opted_out, false};
  if (*before == SubscriptionState::opted_out) return change;
  if (auto ec = write_record(rec, phone, campaign, SubscriptionState::opted_out, *before, ctx)) {
    return fail(ec);
  }
  change.changed = true;
  return change;
}

Result<WriteTxn::CompanyOptOutChange> LmdbWriteTxn::opt_out_company(std::string_view phone,
                                                                    const ChangeContext& ctx) {
  if (!valid(phone) || !valid_text(ctx.ref) || !valid_text(ctx.reason)) return fail(invalid());
  if (poison_) return fail(poison_);
  CompanyOptOutChange change;
  auto existing = bulk_ && phone > bulk_ends_.company
                      ? Result<std::optional<CompanyOptOut>>(std::nullopt)
                      : get_company(txn_, t_, phone);
  if (!existing) return fail(existing.error());
  auto subs = subscriptions_of(phone);
  if (!subs) return fail(subs.error());
  for (auto& s : *subs) {
    if (s.state != SubscriptionState::subscribed) continue;
    std::optional<Subscription> prev(std::move(s));
    if (auto ec = write_record(prev, phone, prev->campaign, SubscriptionState::opted_out,
                               SubscriptionState::subscribed, ctx)) {
      return fail(ec);
    }
    change.ended.push_back(prev->campaign);
  }
  if (!*existing) {
    CompanyOptOut c;
    c.since = ctx.at;
    c.source = ctx.source;
    c.changed_by = ctx.ref;
    records::encode(buf_, c);
    memo_.valid = false;
    if (auto ec = put_appending(t_.company, phone, buf_, append_company_)) return fail(ec);
    if (bulk_ && phone > bulk_ends_.company) bulk_ends_.company.assign(phone);
    ++company_delta_;
    if (auto ec =
            append_audit(phone, kAllCampaigns, std::nullopt, SubscriptionState::opted_out, ctx)) {
      return fail(ec);
    }
  }
  change.changed = !*existing || !change.ended.empty();
  return change;
}

// ---- STOP / OOPS bookkeeping ----

std::error_code LmdbWriteTxn::set_last_stop(const LastStop& stop) {
  if (!valid(stop.phone) || !valid(stop.short_code) || !valid_text(stop.changed_by)) {
    return invalid();
  }
  for (const auto& c : stop.campaigns) {
    if (!valid(c)) return invalid();
  }
  records::encode(buf_, stop);
  return put(t_.phones, keys::phone_buf(stop.phone, keys::phone_tag::last_stop, stop.short_code),
             buf_);
}

Result<std::optional<LastStop>> LmdbWriteTxn::last_stop(std::string_view phone,
                                                        std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  return get_last_stop(txn_, t_, phone, short_code);
}

Result<bool> LmdbWriteTxn::clear_last_stop(std::string_view phone, std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  int rc =
      check(txn_.del(t_.phones, keys::phone_buf(phone, keys::phone_tag::last_stop, short_code)));
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return fail(lmdb_error(rc));
  return true;
}

Result<std::optional<RecentJoin>> LmdbWriteTxn::recent_join(std::string_view phone,
                                                            std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  return get_recent_join(txn_, t_, phone, short_code);
}

// ---- Inbox ----

Result<std::uint64_t> LmdbWriteTxn::add_inbox(const NewInboxMessage& msg) {
  if (!valid(msg.from) || !valid(msg.to) || (!msg.campaign.empty() && !valid(msg.campaign)) ||
      !valid_text(msg.text) || !valid_text(msg.link)) {
    return fail(invalid());
  }
  if (msg.reserved_id > ids_.inbox) return fail(invalid());  // never handed out
  const std::uint64_t id = msg.reserved_id != 0 ? msg.reserved_id : ids_.inbox + 1;
  records::encode_new(buf_, msg);
  if (msg.reserved_id != 0) {
    // Below the last id: a plain insert, and a row already there means the id was used.
    if (poison_) return fail(poison_);
    const int rc = check(txn_.put(t_.inbox, keys::id_buf(id), buf_, MDB_NOOVERWRITE));
    if (rc == MDB_KEYEXIST) return fail(invalid());
    if (rc != 0) return fail(lmdb_error(rc));
  } else if (auto ec = put(t_.inbox, keys::id_buf(id), buf_, MDB_APPEND)) {
    return fail(ec);
  }
  phone_entries_.add(msg.from, keys::phone_tag::inbox, id);
  if (!msg.campaign.empty()) {
    if (auto ec = put(t_.inbox_by_campaign, keys::with_id_buf(msg.campaign, id), {}))
      return fail(ec);
  }
  if (msg.kind == InboxKind::possible_opt_out) {
    if (auto ec = put(t_.inbox_flagged, keys::id_buf(id), {})) return fail(ec);
  }
  if (msg.reserved_id == 0) ids_.inbox = id;
  return id;
}

// ---- Outbox ----

std::error_code LmdbWriteTxn::put_outbox(const OutboxMessage& m) {
  records::encode(buf_, m);
  return put(t_.outbox, keys::id_buf(m.id), buf_);
}

Result<std::uint64_t> LmdbWriteTxn::enqueue_outbox(const NewOutboxMessage& msg) {
  if (!valid(msg.to) || !valid(msg.from) || (!msg.campaign.empty() && !valid(msg.campaign)) ||
      !valid_text(msg.text) || !valid_text(msg.sent_by) || msg.segments == 0 ||
      msg.segments > 255) {
    return fail(invalid());
  }
  const std::uint64_t id = ids_.outbox + 1;
  records::encode_new(buf_, msg);
  if (auto ec = put(t_.outbox, keys::id_buf(id), buf_, MDB_APPEND)) return fail(ec);
  if (auto ec = put(t_.outbox_pending, keys::with_id_buf(msg.from, id), {})) return fail(ec);
  count_pending(msg.from, +1);
  phone_entries_.add(msg.to, keys::phone_tag::outbox, id);
  ids_.outbox = id;
  return id;
}

Result<std::optional<OutboxMessage>> LmdbWriteTxn::outbox(std::uint64_t id) {
  if (poison_) return fail(poison_);
  return get_outbox(txn_, t_, id);
}

Result<OutboxStatus> LmdbWriteTxn::record_part_submitted(std::uint64_t id, std::uint16_t part,
                                                         std::string_view link,
                                                         std::string_view carrier_message_id,
                                                         std::string_view key, Timestamp at) {
  if (!valid(link) || !valid(carrier_message_id) || !valid(key)) return fail(invalid());
  if (poison_) return fail(poison_);
  auto rec = get_outbox(txn_, t_, id);
  if (!rec) return fail(rec.error());
  if (!*rec || part >= (*rec)->parts.size()) return fail(make_error_code(StoreErrc::not_found));
  OutboxMessage& m = **rec;
  if (m.status != OutboxStatus::queued) return fail(invalid());
  auto& p = m.parts[part];
  if (!p.carrier_message_id.empty() && (p.link != link || receipt_key(p) != key)) {
    if (auto ec = del(t_.carrier_ids, keys::pair_buf(p.link, receipt_key(p)))) return fail(ec);
  }
  if (p.status == PartStatus::pending) p.status = PartStatus::submitted;
  p.link = link;
  p.carrier_message_id = carrier_message_id;
  // Kept only when it differs, so that ids already canonical keep the older record bytes.
  p.receipt_key = key == carrier_message_id ? std::string() : std::string(key);
  records::encode_part_ref(buf_, id, part);
  if (auto ec = put(t_.carrier_ids, keys::pair_buf(link, key), buf_)) return fail(ec);
  m.status = aggregate(m);
  m.updated_at = at;
  if (m.status != OutboxStatus::queued) {
    if (auto ec = remove_pending(m.from, id)) return fail(ec);
  }
  if (auto ec = put_outbox(m)) return fail(ec);
  return m.status;
}

Result<bool> LmdbWriteTxn::finish_outbox(std::uint64_t id, OutboxStatus status,
                                         std::string_view error, Timestamp at) {
  if ((status != OutboxStatus::failed && status != OutboxStatus::expired &&
       status != OutboxStatus::suppressed) ||
      !valid_text(error)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  auto rec = get_outbox(txn_, t_, id);
  if (!rec) return fail(rec.error());
  if (!*rec) return fail(make_error_code(StoreErrc::not_found));
  OutboxMessage& m = **rec;
  if (m.status != OutboxStatus::queued) return false;
  m.status = status;
  m.error = error;
  m.updated_at = at;
  if (auto ec = remove_pending(m.from, id)) return fail(ec);
  if (auto ec = put_outbox(m)) return fail(ec);
  return true;
}

std::error_code LmdbWriteTxn::count_attempt(std::uint64_t id, Timestamp at) {
  if (poison_) return poison_;
  auto rec = get_outbox(txn_, t_, id);
  if (!rec) return rec.error();
  if (!*rec) return make_error_code(StoreErrc::not_found);
  (*rec)->attempts++;
  (*rec)->updated_at = at;
  return put_outbox(**rec);
}

Result<std::optional<ReceiptOutcome>> LmdbWriteTxn::apply_receipt(std::string_view link,
                                                                  std::string_view key,
                                                                  PartStatus part_status,
                                                                  std::string_view error,
                                                                  Timestamp at) {
  if (!valid(link) || !valid(key) || !valid_text(error) ||
      (part_status != PartStatus::delivered && part_status != PartStatus::failed &&
       part_status != PartStatus::expired)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  std::string_view v;
  int rc = check(txn_.get(t_.carrier_ids, keys::pair_buf(link, key), v));
  if (rc == MDB_NOTFOUND) return std::optional<ReceiptOutcome>{};
  if (rc != 0) return fail(lmdb_error(rc));
  std::uint64_t id = 0;
  std::uint16_t part = 0;
  if (!records::decode_part_ref(v, id, part)) return fail(corrupted());
  auto rec = get_outbox(txn_, t_, id);
  if (!rec) return fail(rec.error());
  if (!*rec || part >= (*rec)->parts.size()) return fail(corrupted());
  OutboxMessage& m = **rec;
  m.parts[part].status = part_status;
  m.parts[part].error = error;
  m.updated_at = at;
  const OutboxStatus old = m.status;
  // failed and suppressed are final; every other status follows the parts.
  if (old != OutboxStatus::failed && old != OutboxStatus::suppressed) m.status = aggregate(m);
  if (m.status == OutboxStatus::failed && m.error.empty()) m.error = error;
  if (old == OutboxStatus::queued && m.status != OutboxStatus::queued) {
    if (auto ec = remove_pending(m.from, id)) return fail(ec);
  }
  if (auto ec = put_outbox(m)) return fail(ec);
  return ReceiptOutcome{id, part, m.status, m.status != old};
}

Result<std::uint64_t> LmdbWriteTxn::requeue_unacknowledged(Timestamp at) {
  if (poison_) return fail(poison_);
  std::vector<std::uint64_t> ids;
  auto ec =
      scan_forward(txn_, t_.outbox_pending, {}, {}, [&](std::string_view k, std::string_view) {
        ids.push_back(keys::trailing_id(k));
        return true;
      });
  if (ec) return fail(ec);
  std::uint64_t reset = 0;
  for (auto id : ids) {
    auto rec = get_outbox(txn_, t_, id);
    if (!rec) return fail(rec.error());
    if (!*rec) return fail(corrupted());
    OutboxMessage& m = **rec;
    bool partial = false;
    for (auto& p : m.parts) {
      if (p.status == PartStatus::pending) continue;
      partial = true;
      if (!p.carrier_message_id.empty()) {
        if (auto e2 = del(t_.carrier_ids, keys::pair_buf(p.link, receipt_key(p)))) return fail(e2);
      }
      p = OutboxPart{};
    }
    if (!partial) continue;
    m.updated_at = at;
    if (auto e2 = put_outbox(m)) return fail(e2);
    ++reset;
  }
  return reset;
}

// ---- Bulk ----

Result<OptOutBatchResult> LmdbWriteTxn::apply_opt_out_batch(const OptOutBatch& batch) {
  if ((batch.campaign && !valid(*batch.campaign)) || !valid_text(batch.context.ref) ||
      !valid_text(batch.context.reason)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  std::vector<std::string_view> phones;
  phones.reserve(batch.phones.size());
  for (const auto& p : batch.phones) {
    if (!valid(p)) return fail(invalid());
    phones.emplace_back(p);
  }
  // Sorted phones touch neighbouring B-tree pages one after the other: far fewer pages
  // dirtied per chunk than in upload order, and the cached cursors rarely leave their page.
  if (!std::is_sorted(phones.begin(), phones.end())) std::sort(phones.begin(), phones.end());
  OptOutBatchResult r;
  struct BulkMode {
    LmdbWriteTxn& t;
    explicit BulkMode(LmdbWriteTxn& txn) : t(txn) { set(true); }
    ~BulkMode() { set(false); }
    void set(bool on) { t.append_subs_ = t.append_phones_ = t.append_company_ = t.bulk_ = on; }
  } bulk_mode(*this);
  for (auto [dbi, end] : {std::pair{t_.subscriptions, &bulk_ends_.subscriptions},
                          std::pair{t_.company, &bulk_ends_.company}}) {
    auto last = last_key(txn_, dbi);
    if (!last) return fail(last.error());
    *end = std::move(*last);
  }
  const std::uint64_t first_audit_id = ids_.audit + 1;
  bulk_audit_.start(batch.context);
  records::encode_subscription(bulk_subscription_, SubscriptionState::opted_out, batch.context.at,
                               batch.context.source, batch.context.ref);
  for (auto phone : phones) {
    bool changed;
    if (batch.campaign) {
      // The chunk's arguments were checked once above: a million phones make the per-call
      // checks a measurable share.
      auto c = opt_out_checked(phone, *batch.campaign, batch.context);
      if (!c) return fail(c.error());
      changed = c->changed;
    } else {
      auto c = opt_out_company(phone, batch.context);
      if (!c) return fail(c.error());
      changed = c->changed;
    }
    ++(changed ? r.opted_out : r.already_opted_out);
  }
  if (!bulk_audit_.empty()) {
    bulk_audit_.encode(buf_);
    if (auto ec = put(t_.audit_bulk, keys::id_buf(first_audit_id), buf_, MDB_APPEND))
      return fail(ec);
  }
  return r;
}

Result<std::uint64_t> LmdbWriteTxn::next_broadcast_id() {
  if (poison_) return fail(poison_);
  auto n = get_meta_u64(txn_, t_, kMetaLastBroadcast);
  if (!n) return fail(n.error());
  records::Encoder e(buf_);
  e.u64(*n + 1);
  if (auto ec = put(t_.meta, kMetaLastBroadcast, buf_)) return fail(ec);
  return *n + 1;
}

Result<BroadcastChunkResult> LmdbWriteTxn::enqueue_broadcast_chunk(const BroadcastChunk& chunk) {
  if (!valid(chunk.campaign) || !valid(chunk.short_code) || !valid_text(chunk.text) ||
      chunk.limit == 0 || chunk.segments == 0 || chunk.segments > 255 ||
      (!chunk.after.empty() && !valid(chunk.after))) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  BroadcastChunkResult r;
  if (chunk.after.empty()) {
    auto c = get_counts(txn_, t_, chunk.campaign);
    if (!c) return fail(c.error());
    std::int64_t out = static_cast<std::int64_t>(c->opted_out);
    if (auto it = count_delta_.find(chunk.campaign); it != count_delta_.end())
      out += it->second.second;
    r.suppressed = static_cast<std::uint64_t>(std::max<std::int64_t>(out, 0));
  }
  const std::string pfx = keys::prefix(chunk.campaign);
  std::string from = pfx;
  if (!chunk.after.empty()) {
    from.append(chunk.after);
    from.push_back('\0');  // the smallest key after `after` itself
  }
  std::vector<std::string> phones;
  bool more = false, bad = false;
  auto ec =
      scan_forward(txn_, t_.subscriptions, pfx, from, [&](std::string_view k, std::string_view v) {
        auto st = records::decode_subscription_state(v);
        if (!st) {
          bad = true;
          return false;
        }
        if (*st != SubscriptionState::subscribed) return true;
        if (phones.size() == chunk.limit) {
          more = true;
          return false;
        }
        phones.emplace_back(k.substr(pfx.size()));
        return true;
      });
  if (ec) return fail(ec);
  if (bad) return fail(corrupted());
  NewOutboxMessage m = rules::broadcast_record(chunk);
  for (auto& phone : phones) {
    m.to = std::move(phone);
    auto id = enqueue_outbox(m);
    if (!id) return fail(id.error());
    ++r.recipients;
    phone = std::move(m.to);
  }
  if (more && !phones.empty()) r.next_after = phones.back();
  return r;
}

}  // namespace smppgw::store::lmdb
