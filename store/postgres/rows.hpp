// The rows of the PostgreSQL tables as the store's domain values (private to store/postgres/):
// for each table the column list every SELECT of it uses (so reads and the writer's loads
// decode the same shape) and the decoder of one result row. A row that does not decode
// (wrong shape, unknown enumeration value, bad bytea) gives nullopt: StoreErrc::corrupted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/types.hpp"

namespace smppgw::store::postgres::rows {

using Row = std::vector<std::optional<std::string>>;

inline constexpr const char* kSubscriptionColumns =
    "phone, campaign, state, since, source, changed_by";
inline constexpr const char* kCompanyOptOutColumns = "phone, since, source, changed_by";
inline constexpr const char* kLastStopColumns = "phone, short_code, at, changed_by, campaigns";
inline constexpr const char* kRecentJoinColumns = "phone, short_code, campaign, at";
inline constexpr const char* kInboxColumns =
    "id, received_at, phone, short_code, campaign, text, kind, link";
inline constexpr const char* kOutboxColumns =
    "id, created_at, updated_at, phone, short_code, campaign, text, kind, status, encoding, "
    "segments, error, broadcast_id, attempts, part_status, part_link, part_carrier_id, "
    "part_error, part_receipt_key, sent_by";
inline constexpr const char* kAuditColumns =
    "id, at, phone, campaign, from_state, to_state, source, ref, reason, prev_hash";
inline constexpr const char* kMoPartSetColumns =
    "phone, short_code, reference, total, phase, since, inbox_id, link";
inline constexpr const char* kMoPartColumns = "seq, data_coding, udh_octets, octets, arrived_at";

// Each decodes `row` from column `first` on, in its column list's order.
std::optional<Subscription> subscription(const Row& row, std::size_t first = 0);
std::optional<CompanyOptOut> company_opt_out(const Row& row, std::size_t first = 0);
std::optional<LastStop> last_stop(const Row& row, std::size_t first = 0);
std::optional<RecentJoin> recent_join(const Row& row, std::size_t first = 0);
std::optional<InboxMessage> inbox_message(const Row& row, std::size_t first = 0);
std::optional<OutboxMessage> outbox_message(const Row& row, std::size_t first = 0);
std::optional<AuditEvent> audit_event(const Row& row, std::size_t first = 0);
// The set without its parts (MoPartSet::parts empty).
std::optional<MoPartSet> mo_part_set(const Row& row, std::size_t first = 0);
std::optional<MoPart> mo_part(const Row& row, std::size_t first = 0);

}  // namespace smppgw::store::postgres::rows
