// One part of an MO message as it came off the wire (SPEC §3, smpp-notes §9): its user data
// split from the UDH, and the concatenation info a UDH (8- or 16-bit reference) or the SAR TLVs
// announce. Collecting the parts of a set is the store's job (engine/mo_part_request.hpp): each
// part is committed on its own so that it can be answered at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <tl/expected.hpp>

#include "protocol/message_text.hpp"
#include "protocol/text_error.hpp"
#include "protocol/user_data_header.hpp"

namespace smppgw::smpp {

// One deliver_sm's (or MO submit_sm's / data_sm's) user data.
struct IncomingPart {
  std::string source;
  std::string destination;
  std::uint8_t data_coding = 0;
  std::optional<ConcatInfo> concat;  // nullopt: not part of a concatenated message
  MessagePayload payload;            // user data after the UDH
};

// Builds a part from deliver_sm fields. With UDHI in esm_class the UDH is parsed (its
// concatenation IE wins over SAR); else `sar` holds sar_msg_ref_num, sar_total_segments and
// sar_segment_seqnum when all three TLVs were present. A total of 1, or a sequence of 0 or
// above the total, makes it a single message (TS 23.040: ignore such an IE). Fails only on a
// UDH that runs past the data (invalid_udh); the caller may then treat the bytes as text.
tl::expected<IncomingPart, TextError> make_incoming_part(
    std::string source, std::string destination, std::uint8_t esm_class, std::uint8_t data_coding,
    std::span<const std::uint8_t> user_data, std::optional<ConcatInfo> sar = {});

}  // namespace smppgw::smpp
