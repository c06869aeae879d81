// ISO-8859-1 (data_coding 3, and data_coding 0 on links whose SMSC means Latin-1 by it):
// every octet is the code point of the same value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

// Octets → UTF-8; never fails (all 256 values are characters).
std::string latin1_decode(std::span<const std::uint8_t> octets);

// UTF-8 → octets; a character above U+00FF is reported, not replaced.
tl::expected<std::vector<std::uint8_t>, TextError> latin1_encode(std::string_view utf8);

}  // namespace smppgw::smpp
