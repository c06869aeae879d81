// GET /v1/subscribers/{phone}/evidence: one subscriber's consent record, as an operator
// shows it to a regulator or in a dispute — every change of consent in order, the text that
// made it (the MO, or the Inbox row an agent acted on) as received, and what the gateway
// answered with that answer's delivery status. Nothing in it is summarised or pruned: the
// store keeps the audit trail, the Inbox and the outbox for good (some states require a STOP
// to be honoured for years), and this reads them as they are.
//
// Read in two steps so the rendering is a pure function of what was read: collect (store
// reads only: the phone's audit events and outbox records paged through, one Inbox lookup
// per referenced row), then evidence_json / evidence_csv.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/api_json.hpp"
#include "store/error.hpp"
#include "store/store.hpp"
#include "store/types.hpp"

namespace smppgw::admin {

struct EvidenceChange {
  store::AuditEvent event;
  // The Inbox row the change came from: the MO itself ("mo:<id>") or the message an agent
  // opted the subscriber out from ("... inbox:<id>"); empty for a Manual Opt-Out.
  std::optional<store::InboxMessage> message;
  // What the gateway sent in answer to that MO (its confirmation or keyword reply): the
  // records written in the MO's own transaction, so at its instant and from its short code.
  std::vector<store::OutboxMessage> replies;
};

struct SubscriberEvidence {
  std::string phone;
  store::Timestamp generated_at{};
  std::vector<store::Subscription> subscriptions;
  std::optional<store::CompanyOptOut> company;
  std::vector<EvidenceChange> changes;  // oldest first
};

// The Inbox id a change's ref names, if any ("mo:42" or "admin:alice inbox:42").
std::optional<std::uint64_t> evidence_inbox_id(std::string_view ref);

store::Result<SubscriberEvidence> collect_subscriber_evidence(const store::Store& store,
                                                              std::string_view phone,
                                                              store::Timestamp now);

// {"phone","generated_at","subscriptions","opted_out_all","opted_out_all_since",
//  "changes":[{"event","message","replies"}]}
Json evidence_json(const SubscriberEvidence& e);

// One row a change (header kEvidenceCsvHeader), CRLF lines, RFC 4180 quoting. A column of
// the replies holds one value a reply, the values separated by LF inside the quoted field.
std::string evidence_csv(const SubscriberEvidence& e);
inline constexpr std::string_view kEvidenceCsvHeader =
    "change_id,at,phone,campaign,from,to,source,ref,reason,prev_hash,message_id,"
    "message_received_at,message_text,reply_ids,reply_kinds,reply_texts,reply_statuses,"
    "reply_carrier_message_ids,reply_updated_at\r\n";

}  // namespace smppgw::admin
