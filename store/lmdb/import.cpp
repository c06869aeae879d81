// LmdbWriteTxn::import_rows (store/write_txn.hpp "Import"): rows of another store written as
// they are, each with the index entries LMDB keeps beside it (phones' per-phone entries,
// inbox_by_campaign, outbox_pending, mo_parts_due). Counts and counters are rows of their
// own and written as given, so nothing here is counted or re-derived; audit events go in as
// single rows (the audit_bulk compaction is a write-time optimisation of Manual Opt-Out).
#include <algorithm>

#include "store/audit_chain.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/write_txn.hpp"

namespace smppgw::store::lmdb {
std::error_code LmdbWriteTxn::import_rows(std::span<const ExportRow> rows) {
  if (!importable(rows)) return invalid();
  if (poison_) return poison_;
  for (const auto& row : rows) {
    if (auto ec = import_row(row)) return ec;
  }
  // The effective-state memo and the campaigns a phone's records are looked up in may have
  // changed under them.
  memo_.valid = false;
  campaigns_.reset();
  return {};
}

std::error_code LmdbWriteTxn::import_row(const ExportRow& row) {
  auto u64 = [this](std::uint64_t v) -> std::string_view {
    buf_.clear();
    records::Encoder(buf_).u64(v);
    return buf_;
  };
  return std::visit(
      Overloaded{
          [&](const Subscription& s) {
            records::encode(buf_, s);
            return put(t_.subscriptions, keys::pair_buf(s.campaign, s.phone), buf_);
          },
          [&](const CompanyOptOut& c) {
            records::encode(buf_, c);
            return put(t_.company, c.phone, buf_);
          },
          [&](const LastStop& s) {
            records::encode(buf_, s);
            return put(t_.phones,
                       keys::phone_buf(s.phone, keys::phone_tag::last_stop, s.short_code), buf_);
          },
          [&](const RecentJoin& j) {
            records::encode(buf_, j);
            return put(t_.phones,
                       keys::phone_buf(j.phone, keys::phone_tag::recent_join, j.short_code), buf_);
          },
          [&](const CampaignCounts& c) -> std::error_code {
            if (c.subscribed == 0 && c.opted_out == 0) return {};  // absent means zero
            records::encode_counts(buf_, c.subscribed, c.opted_out);
            return put(t_.counts, c.campaign, buf_);
          },
          [&](const PendingCount& p) -> std::error_code {
            if (p.queued == 0) return {};
            return put(t_.meta, keys::pair_buf(kMetaPending, p.short_code), u64(p.queued));
          },
          [&](const InboxMessage& m) -> std::error_code {
            records::encode(buf_, m);
            if (auto ec = put(t_.inbox, keys::id_buf(m.id), buf_)) return ec;
            phone_entries_.add(m.from, keys::phone_tag::inbox, m.id);
            if (!m.campaign.empty()) {
              if (auto ec = put(t_.inbox_by_campaign, keys::with_id_buf(m.campaign, m.id), {}))
                return ec;
            }
            ids_.inbox = std::max(ids_.inbox, m.id);
            return {};
          },
          [&](const OutboxMessage& m) -> std::error_code {
            if (auto ec = put_outbox(m)) return ec;
            phone_entries_.add(m.to, keys::phone_tag::outbox, m.id);
            if (m.status == OutboxStatus::queued) {
              if (auto ec = put(t_.outbox_pending, keys::with_id_buf(m.from, m.id), {})) return ec;
            }
            ids_.outbox = std::max(ids_.outbox, m.id);
            return {};
          },
          [&](const CarrierIdRow& c) {
            records::encode_part_ref(buf_, c.outbox_id, c.part);
            return put(t_.carrier_ids, keys::pair_buf(c.link, c.receipt_key), buf_);
          },
          [&](const AuditEvent& e) -> std::error_code {
            records::encode(buf_, e);
            if (auto ec = put(t_.audit, keys::id_buf(e.id), buf_)) return ec;
            phone_entries_.add(e.phone, keys::phone_tag::audit, e.id);
            // Events come in id order: the last one given is the chain's head.
            if (e.id >= ids_.audit) ids_.audit_head = audit_hash(e);
            ids_.audit = std::max(ids_.audit, e.id);
            return {};
          },
          [&](const MoPartSet& s) -> std::error_code {
            const auto sk = keys::mo_part::set(s.key.from, s.key.to, s.key.reference, s.key.total);
            records::encode_mo_part_set(buf_, s.phase, s.since, s.inbox_id, s.link);
            if (auto ec = put(t_.mo_parts, keys::mo_part::entry(sk, 0), buf_)) return ec;
            if (auto ec = put(
                    t_.mo_parts_due,
                    keys::mo_part::due(static_cast<std::uint8_t>(s.phase), unix_ms(s.since), sk),
                    {})) {
              return ec;
            }
            for (const auto& p : s.parts) {
              records::encode(buf_, p);
              if (auto ec = put(t_.mo_parts, keys::mo_part::entry(sk, p.seq), buf_)) return ec;
            }
            return {};
          },
          [&](const StoreCounters& c) -> std::error_code {
            ids_.inbox = std::max(ids_.inbox, c.inbox);
            ids_.outbox = std::max(ids_.outbox, c.outbox);
            ids_.audit = std::max(ids_.audit, c.audit);
            // Reopening derives the last ids from the last rows; the inbox id may be above its
            // last row (reserved for a concatenated MO), which meta keeps.
            if (ids_.inbox != 0) {
              if (auto ec = put(t_.meta, kMetaInboxReserved, u64(ids_.inbox))) return ec;
            }
            if (c.broadcast != 0) {
              if (auto ec = put(t_.meta, kMetaLastBroadcast, u64(c.broadcast))) return ec;
            }
            if (c.company_opt_outs != 0) {
              if (auto ec = put(t_.meta, kMetaCompanyCount, u64(c.company_opt_outs))) return ec;
            }
            return {};
          },
      },
      row);
}

}  // namespace smppgw::store::lmdb
