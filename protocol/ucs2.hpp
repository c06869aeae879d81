// data_coding 8: "UCS-2" on the wire, sent in practice as UTF-16 big-endian so that characters
// outside the BMP (most emoji) travel as surrogate pairs and count 2 units (smpp-notes §10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

// UTF-16 code units for one code point: 2 above U+FFFF (a surrogate pair), else 1.
constexpr std::size_t utf16_units(char32_t code_point) {
  return code_point > 0xFFFF ? 2 : 1;
}

// UTF-16 code units of a UTF-8 text (what the 70/67 limits count).
tl::expected<std::size_t, TextError> ucs2_unit_count(std::string_view utf8);

// UTF-8 → UTF-16BE octets, with surrogate pairs above U+FFFF.
tl::expected<std::vector<std::uint8_t>, TextError> ucs2_encode(std::string_view utf8);

// UTF-16BE octets → UTF-8, leniently: an unpaired surrogate gives U+FFFD, and an odd final
// octet (a truncated unit) gives U+FFFD. Never fails: MO text must be recorded whatever came.
std::string ucs2_decode(std::span<const std::uint8_t> octets);

}  // namespace smppgw::smpp
