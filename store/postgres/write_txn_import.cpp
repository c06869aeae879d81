// PgWriteTxn::import_rows (store/write_txn.hpp "Import"): rows of another store put into the
// attempt's overlay as final images, so that the flush writes them with the same multi-row
// statements as every other change. Nothing is loaded for them (the destination holds none of
// these rows, and a row absent from the cache is written whole), except the counters row,
// which the flush writes only while locked: a chunk with it asks for the counters first.
// Counts go in as increments of the empty destination's zero, so they land as given.
#include <algorithm>

#include "store/postgres/write_txn.hpp"

namespace smppgw::store::postgres {
std::error_code PgWriteTxn::import_rows(std::span<const ExportRow> rows) {
  if (!importable(rows)) return make_error_code(StoreErrc::invalid_argument);
  if (poison_) return poison_;
  const bool has_counters = std::any_of(rows.begin(), rows.end(), [](const ExportRow& r) {
    return std::holds_alternative<StoreCounters>(r);
  });
  // Before any write: a request returning data_needed leaves nothing in the overlay.
  if (has_counters && !ids()) return need_data();
  // A phone's rows start from what the attempt already has of it (the overlay's image, else
  // the loaded rows), so that no row of it the flush compares against is lost.
  auto phone = [this](const std::string& p) -> PhoneState& {
    if (auto it = ov_.phones.find(p); it != ov_.phones.end()) return it->second;
    auto loaded = phones_.find(p);
    return ov_.phones.emplace(p, loaded == phones_.end() ? PhoneState{} : loaded->second)
        .first->second;
  };
  for (const auto& row : rows) {
    std::visit(
        Overloaded{
            [&](const Subscription& s) { phone(s.phone).subs[s.campaign] = s; },
            [&](const CompanyOptOut& c) { phone(c.phone).company = c; },
            [&](const LastStop& s) { phone(s.phone).stops[s.short_code] = s; },
            [&](const RecentJoin& j) { phone(j.phone).joins[j.short_code] = j; },
            [&](const CampaignCounts& c) {
              auto& d = ov_.counts[c.campaign];
              d.first += static_cast<std::int64_t>(c.subscribed);
              d.second += static_cast<std::int64_t>(c.opted_out);
            },
            [&](const PendingCount& p) {
              ov_.pending[p.short_code] += static_cast<std::int64_t>(p.queued);
            },
            [&](const InboxMessage& m) { ov_.inbox.push_back(m); },
            [&](const OutboxMessage& m) { ov_.outbox[m.id] = m; },
            [&](const CarrierIdRow& c) {
              ov_.receipts[ReceiptKey{c.link, c.receipt_key}] = ReceiptRef{c.outbox_id, c.part};
            },
            [&](const AuditEvent& e) { ov_.audit.push_back(e); },
            [&](const MoPartSet& s) {
              ov_.mo_sets[MoKey{s.key.from, s.key.to, s.key.reference, s.key.total}] = s;
            },
            [&](const StoreCounters& c) {
              Counters& ids = *ov_.ids;  // ids() above
              ids.inbox = c.inbox;
              ids.outbox = c.outbox;
              ids.audit = c.audit;
              ids.broadcast = c.broadcast;
              ov_.company_delta =
                  static_cast<std::int64_t>(c.company_opt_outs) - counters_->company_opt_outs;
            },
        },
        row);
  }
  return {};
}

}  // namespace smppgw::store::postgres
