// Builds the deliver_sm PDUs of one MO the way a carrier SMSC would send them: GSM 03.38
// unpacked (data_coding 0) when every character has a code, else UCS-2 (data_coding 8); a
// long text as concatenated parts with the 8-bit-reference UDH (smpp-notes §9a).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/pdu.hpp"
#include "tools/sim/control_command.hpp"

namespace smppgw::sim {

// Address TON/NPI as carriers send them: "+..." international/E.164, a short code
// (up to 8 digits) national/unknown... see address_for().
smpp::Address address_for(std::string_view addr);

// The deliver_sm bodies of a text MO, one per part. `reference` is the concatenation
// reference used when the text needs several parts. Fails only on invalid UTF-8 or more
// than 255 parts; the message names the problem.
tl::expected<std::vector<smpp::DeliverSm>, std::string> build_mo(std::string_view from,
                                                                 std::string_view to,
                                                                 std::string_view utf8_text,
                                                                 std::uint8_t reference);

// One deliver_sm with the given short_message octets, data_coding and esm_class, as is, and
// the SAR TLVs when given.
smpp::DeliverSm build_raw_mo(std::string_view from, std::string_view to,
                             std::vector<std::uint8_t> short_message, std::uint8_t data_coding,
                             std::uint8_t esm_class, std::optional<SarTlvs> sar = {});

}  // namespace smppgw::sim
