// IA5 / ASCII (data_coding 1, CCITT T.50 international reference version = US-ASCII):
// 7-bit characters, one per octet.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

// Octets → UTF-8; an octet above 0x7F is not IA5 and gives U+FFFD (never fails).
std::string ia5_decode(std::span<const std::uint8_t> octets);

// UTF-8 → octets; a character above U+007F is reported.
tl::expected<std::vector<std::uint8_t>, TextError> ia5_encode(std::string_view utf8);

}  // namespace smppgw::smpp
