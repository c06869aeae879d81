// The Inbox text of an MO's user data (SPEC §3): decoded by data_coding (data_coding 0 per
// the link's dcs0 charset), the parts of a concatenated MO joined in sequence order. Binary
// user data (8-bit data codings) is kept visibly, "[data_coding 0xNN] HEX", rather than
// dropped: every MO is an Inbox row.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "daemon/engine/mo_part_request.hpp"
#include "protocol/message_text.hpp"
#include "store/types.hpp"

namespace smppgw::daemon {

smpp::Dcs0Charset dcs0_of(conf::Dcs0Charset c);

// The parts in order (data_coding of the first).
std::string mo_text(std::uint8_t data_coding, std::span<const smpp::MessagePayload> parts,
                    smpp::Dcs0Charset dcs0);

// The same for stored parts.
std::string mo_text(const std::vector<store::MoPart>& parts, smpp::Dcs0Charset dcs0);

// The text function of the part and expiry requests: the dcs0 charset of each link by name
// (copied now: the writer thread must not read the settings), GSM 03.38 for any other (a
// listener account's, or a link removed since its parts arrived).
engine::MoPartText mo_part_text(std::map<std::string, smpp::Dcs0Charset, std::less<>> dcs0_by_link);

}  // namespace smppgw::daemon
