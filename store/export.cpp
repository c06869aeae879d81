// The names of the exported tables (store/export.hpp), as reports print them.
#include "store/export.hpp"

#include "store/rules.hpp"

#include <algorithm>

namespace smppgw::store {
namespace {

// A key part as every member accepts it (both backends refuse the same input).
constexpr auto valid = rules::valid_key_part;

bool optional_component(std::string_view s) {
  return s.empty() || valid(s);
}

}  // namespace

std::string_view to_string(ExportTable t) {
  switch (t) {
    case ExportTable::subscriptions:
      return "subscriptions";
    case ExportTable::company_opt_outs:
      return "company_opt_outs";
    case ExportTable::last_stops:
      return "last_stops";
    case ExportTable::recent_joins:
      return "recent_joins";
    case ExportTable::campaign_counts:
      return "campaign_counts";
    case ExportTable::pending_counts:
      return "pending_counts";
    case ExportTable::inbox:
      return "inbox";
    case ExportTable::outbox:
      return "outbox";
    case ExportTable::carrier_ids:
      return "carrier_ids";
    case ExportTable::audit:
      return "audit";
    case ExportTable::mo_part_sets:
      return "mo_part_sets";
    case ExportTable::counters:
      return "counters";
  }
  return "?";
}

bool importable(const ExportRow& row) {
  return std::visit(
      Overloaded{
          [](const Subscription& s) { return valid(s.phone) && valid(s.campaign); },
          [](const CompanyOptOut& c) { return valid(c.phone); },
          [](const LastStop& s) {
            return valid(s.phone) && valid(s.short_code) &&
                   std::all_of(s.campaigns.begin(), s.campaigns.end(),
                               [](const std::string& c) { return valid(c); });
          },
          [](const RecentJoin& j) {
            return valid(j.phone) && valid(j.short_code) && valid(j.campaign);
          },
          [](const CampaignCounts& c) { return valid(c.campaign); },
          [](const PendingCount& p) { return valid(p.short_code); },
          [](const InboxMessage& m) {
            return m.id != 0 && valid(m.from) && valid(m.to) && optional_component(m.campaign);
          },
          [](const OutboxMessage& m) {
            return m.id != 0 && valid(m.to) && valid(m.from) && optional_component(m.campaign) &&
                   !m.parts.empty() && m.parts.size() <= 255;
          },
          [](const CarrierIdRow& c) { return valid(c.link) && valid(c.receipt_key); },
          [](const AuditEvent& e) { return e.id != 0 && valid(e.phone) && valid(e.campaign); },
          [](const MoPartSet& s) {
            return valid(s.key.from) && valid(s.key.to) && s.key.total >= 2 && s.inbox_id != 0 &&
                   std::all_of(s.parts.begin(), s.parts.end(),
                               [&](const MoPart& p) { return p.seq >= 1 && p.seq <= s.key.total; });
          },
          [](const StoreCounters&) { return true; },
      },
      row);
}

bool importable(std::span<const ExportRow> rows) {
  return rows.size() <= kMaxExportRows &&
         std::all_of(rows.begin(), rows.end(), [](const ExportRow& r) { return importable(r); });
}

}  // namespace smppgw::store
