// Delivery receipts (smpp-notes §8): the "id:... sub:... dlvrd:... submit date:... done date:...
// stat:... err:... text:..." text of SMPP 3.4 Appendix B, the message_state TLV values, and the
// message-id normalisation that matches a receipt to its submit_sm_resp id across hex/decimal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

// message_state values (SMPP 3.4 §5.2.28; 0 and 9 are SMPP 5.0 and appear in the wild).
enum class MessageState : std::uint8_t {
  scheduled = 0,
  enroute = 1,
  delivered = 2,
  expired = 3,
  deleted = 4,
  undeliverable = 5,
  accepted = 6,
  unknown = 7,
  rejected = 8,
  skipped = 9,
};

// message_state TLV (0x0427) / query_sm_resp value; nullopt for values outside 0..9.
std::optional<MessageState> message_state_from_value(std::uint8_t value);

// Receipt stat text, case-insensitive: the 7-letter codes (DELIVRD, EXPIRED, DELETED, UNDELIV,
// ACCEPTD, UNKNOWN, REJECTD, ENROUTE), their long forms (DELIVERED, UNDELIVERABLE, ...),
// SCHEDULED/SKIPPED, and the non-standard FAILED (→ undeliverable). Anything else → unknown.
MessageState message_state_from_stat(std::string_view stat);

// The 7-letter stat code ("DELIVRD"); SCHEDULED and SKIPPED for the 5.0 states.
std::string_view stat_code(MessageState state);

// What the state means for an MT record (DESIGN §5): still on its way, or a final result.
// ACCEPTD is final in 3.4 ("accepted on behalf of the subscriber") and counts as delivered;
// UNKNOWN, DELETED, REJECTD, UNDELIV and SKIPPED count as failed.
enum class DeliveryOutcome { pending, delivered, failed, expired };
DeliveryOutcome delivery_outcome(MessageState state);

struct DeliveryReceipt {
  std::string id;  // as written (trimmed); see canonical_message_id() for matching
  std::optional<unsigned> submitted;  // sub
  std::optional<unsigned> delivered;  // dlvrd
  std::string submit_date;            // YYMMDDhhmm or YYMMDDhhmmss as sent; empty if missing
  std::string done_date;
  std::string stat;                            // as sent, e.g. "DELIVRD"; empty if missing
  MessageState state = MessageState::unknown;  // from stat
  std::string error;                           // err as sent, e.g. "000"; empty if missing
  std::string text;                            // the rest of the string after "text:"
};

// Key-based, tolerant scanner: keys in any case and order, extra spaces, "submit_date" for
// "submit date", missing fields. Only a non-empty "id:" is required (invalid_receipt otherwise).
tl::expected<DeliveryReceipt, TextError> parse_delivery_receipt(std::string_view text);

// Message-id matching (smpp-notes §8, §11.3). The id from submit_sm_resp and the one in the
// receipt may be renderings of the same number: "5F2A01" (hex) vs "6236673" (decimal), with
// or without zero padding, in either case. Strategy:
//  1. compare the ids as written (trimmed) first;
//  2. else compare canonical forms: a numeric id is re-printed as a decimal integer without
//     leading zeros; which base it is read in is the link's MessageIdFormat for that side.
//     `automatic` reads an id with a hex letter (a-f) as hex and an all-digit id as decimal
//     — right for the common "hex in resp, decimal in receipt" case. An all-digit hex id
//     (e.g. "123456" meaning 0x123456) is ambiguous and needs `hexadecimal` set for its side;
//  3. ids that are not numbers in that base, or exceed 64 bits, stay opaque: trimmed and
//     lower-cased, so case differences still match.
// The daemon indexes a submitted message by canonical_message_id(resp_id, resp_format) and
// looks a receipt up by canonical_message_id(receipt_id, receipt_format).
enum class MessageIdFormat { automatic, hexadecimal, decimal, opaque };

std::string canonical_message_id(std::string_view id,
                                 MessageIdFormat format = MessageIdFormat::automatic);

// Every canonical form the id could have (written form lower-cased, decimal reading, hex
// reading), most likely first, without repeats; for matching when the formats are not known.
std::vector<std::string> message_id_candidates(std::string_view id);

// True when the ids are equal as written, or share a candidate canonical form. "ff" and "255"
// match, as do "0000255" and "255": a collision the 64-bit readings cannot avoid.
bool message_ids_match(std::string_view a, std::string_view b);

}  // namespace smppgw::smpp
