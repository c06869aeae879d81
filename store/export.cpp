// The names of the exported tables (store/export.hpp), as reports print them.
#include "store/export.hpp"

namespace smppgw::store {

std::string_view to_string(ExportTable t) {
  switch (t) {
    case ExportTable::subscriptions: return "subscriptions";
    case ExportTable::company_opt_outs: return "company_opt_outs";
    case ExportTable::last_stops: return "last_stops";
    case ExportTable::recent_joins: return "recent_joins";
    case ExportTable::campaign_counts: return "campaign_counts";
    case ExportTable::pending_counts: return "pending_counts";
    case ExportTable::inbox: return "inbox";
    case ExportTable::outbox: return "outbox";
    case ExportTable::carrier_ids: return "carrier_ids";
    case ExportTable::audit: return "audit";
    case ExportTable::mo_part_sets: return "mo_part_sets";
    case ExportTable::counters: return "counters";
  }
  return "?";
}

}  // namespace smppgw::store
