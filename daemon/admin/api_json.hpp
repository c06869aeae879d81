// The JSON shapes of the admin API (SPEC §6), one function per shape, so the routes and
// their tests agree on one spelling of every field. Times are RFC 3339 UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/admin/optout_upload.hpp"
#include "store/types.hpp"

namespace smppgw::admin {

using Json = nlohmann::json;

// {"error": code, "message": sentence}
Json error_body(std::string_view code, std::string_view message);

// Serialises for the wire; invalid UTF-8 in stored text is replaced, never thrown on.
std::string dump(const Json& j);

std::string rfc3339(store::Timestamp t);

// POST /v1/messages 202: {"campaign","encoding","id","segments","status":"queued"}
std::string queued_message_json(std::uint64_t id, std::string_view campaign,
                                std::string_view encoding, std::size_t segments);

// GET /v1/inbox row: {"id","received_at","from","to","campaign","text","kind"}
Json inbox_message_json(const store::InboxMessage& m);
// GET /v1/inbox: {"messages":[...],"next_before":ID|null}
Json inbox_page_json(const store::InboxPage& page);
// GET /v1/messages/{id}
Json outbox_message_json(const store::OutboxMessage& m);
// {"campaign","state","since","source"}
Json subscription_json(const store::Subscription& s);
// GET /v1/conversations/{phone}
Json conversation_json(std::string_view phone, const std::vector<store::Subscription>& subs,
                       const std::vector<store::ConversationEntry>& entries);
// GET /v1/subscribers/{phone}
Json subscriber_json(std::string_view phone, const std::vector<store::Subscription>& subs,
                     const std::optional<store::CompanyOptOut>& company);
// GET /v1/audit row and page
Json audit_event_json(const store::AuditEvent& e);
Json audit_page_json(const store::AuditPage& page);
// GET /v1/audit/verify.
Json audit_chain_json(const store::AuditChainReport& report);
// POST /v1/opt-outs result: {"scope","rows","opted_out","already_opted_out","duplicates",
// "invalid","errors":[{"row","value","reason"}]}
Json optout_report_json(std::string_view scope, const OptOutReport& report);

// One CSV field, quoted as RFC 4180 says when it holds a comma, quote or line break.
void append_csv_field(std::string& out, std::string_view v);

// One line of GET /v1/opt-outs.csv (phone,campaign,since,source), CRLF-terminated, with
// RFC 4180 quoting where a field needs it.
void append_optout_csv_row(std::string& out, const store::OptOutRow& row);
inline constexpr std::string_view kOptOutCsvHeader = "phone,campaign,since,source\r\n";

}  // namespace smppgw::admin
