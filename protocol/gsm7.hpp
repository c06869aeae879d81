// GSM 03.38 (3GPP TS 23.038) default alphabet: the basic table and its extension table
// (reached through ESC 0x1B), conversion between UTF-8 and unpacked septets (one per octet,
// the usual SMPP form for data_coding 0) and septet packing for links that expect packed 7-bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

inline constexpr std::uint8_t kGsm7Escape = 0x1B;

// The septet(s) for one character: `escaped` characters are ESC + `septet` and cost 2.
struct Gsm7Code {
  std::uint8_t septet;
  bool escaped;
  constexpr std::size_t cost() const { return escaped ? 2 : 1; }
};

// Code for a character, or nullopt when GSM 03.38 cannot represent it. The mapping is exact
// (what is decoded is what was encoded): e.g. small ç is not folded onto 0x09 Ç.
std::optional<Gsm7Code> gsm7_code(char32_t code_point);

// Septets needed for a character: 1 (basic), 2 (extension) or 0 (not representable).
std::size_t gsm7_cost(char32_t code_point);

// Septets needed for a UTF-8 text; the error names the first character that has no code
// (or invalid UTF-8).
tl::expected<std::size_t, TextError> gsm7_septet_count(std::string_view utf8);

// UTF-8 → unpacked septets (each 0..0x7F), extension characters as ESC + septet.
tl::expected<std::vector<std::uint8_t>, TextError> gsm7_encode(std::string_view utf8);

// Unpacked septets → UTF-8, leniently: ESC + an unknown septet x gives x's basic character
// (TS 23.038's advice), a trailing lone ESC is dropped, an octet above 0x7F gives U+FFFD.
std::string gsm7_decode(std::span<const std::uint8_t> septets);

// Fill bits that follow a UDH of `udh_octets` octets so that the septets after it start on a
// septet boundary: 1 for the 6-octet concatenation UDH, 0 for the 7-octet one.
constexpr unsigned gsm7_fill_bits(std::size_t udh_octets) {
  return static_cast<unsigned>((7 - (udh_octets * 8) % 7) % 7);
}

// Packs septets LSB-first after `fill_bits` zero bits ("hello" → E8 32 9B FD 06).
// Octets = ceil((fill_bits + 7 × septets) / 8).
std::vector<std::uint8_t> gsm7_pack(std::span<const std::uint8_t> septets, unsigned fill_bits = 0);

// Unpacks `packed` (the octets after the UDH, if any) skipping `fill_bits` leading bits.
// With `septet_count` unknown it is inferred from the length; when the last septet then sits
// in 7 spare bits and is CR or @ (0), it is taken as padding and dropped (TS 23.038 pads with
// CR; some senders pad with zero bits).
std::vector<std::uint8_t> gsm7_unpack(std::span<const std::uint8_t> packed, unsigned fill_bits = 0,
                                      std::optional<std::size_t> septet_count = std::nullopt);

}  // namespace smppgw::smpp
