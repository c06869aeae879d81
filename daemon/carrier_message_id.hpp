// The carrier message id of one acknowledged submit_sm part, in the two forms the store
// keeps (SPEC §5, smpp-notes §8): the id as the carrier wrote it, which operators quote to
// the carrier's support, and the canonical form receipts are matched by.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smppgw::daemon {

struct CarrierMessageId {
  std::string as_written;   // shown by the API and the logs
  std::string receipt_key;  // the carrier_ids key: protocol::canonical_message_id(as_written)
  friend bool operator==(const CarrierMessageId&, const CarrierMessageId&) = default;
};

// The forms of `resp_id` (submit_sm_resp message_id) for part `part` of outbox record
// `outbox_id`. A carrier that answers without an id (empty or blanks) cannot send a
// receipt that matches; the part gets "none:<outbox_id>:<part>" in both forms, distinct per
// part, so the record can still complete.
CarrierMessageId carrier_message_id(std::string_view resp_id, std::uint64_t outbox_id,
                                    std::uint16_t part);

}  // namespace smppgw::daemon
