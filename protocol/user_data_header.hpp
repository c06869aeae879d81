// The GSM User Data Header at the start of short_message when esm_class has UDHI (0x40):
// parsing the concatenation IEs (0x00 8-bit reference, 0x08 16-bit reference) for reassembly
// and building the 8-bit one for segmentation (smpp-notes §9a). Other IEs are skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

inline constexpr std::uint8_t kEsmClassUdhi = 0x40;
inline constexpr std::uint8_t kIeiConcat8 = 0x00;
inline constexpr std::uint8_t kIeiConcat16 = 0x08;
inline constexpr std::size_t kConcatUdh8Octets = 6;  // 05 00 03 RR TT SS

// Which part of which long message this is. Reference width 8 or 16 bits; SAR TLVs use 16.
struct ConcatInfo {
  std::uint16_t reference = 0;
  std::uint8_t total = 0;     // 1..255
  std::uint8_t sequence = 0;  // 1-based
};

struct UserDataHeader {
  std::size_t length = 0;  // octets of the whole UDH including UDHL: the payload starts here
  // The concatenation IE, if present and usable (sequence 0 or > total is ignored, as TS 23.040
  // tells receivers to). With several, the last one wins.
  std::optional<ConcatInfo> concat;
};

// Parses the UDH at the start of `user_data`. Fails when UDHL or an IE length runs past the data.
tl::expected<UserDataHeader, TextError> parse_user_data_header(
    std::span<const std::uint8_t> user_data);

// 05 00 03 ref total sequence.
std::vector<std::uint8_t> concat_udh_8bit(std::uint8_t reference, std::uint8_t total,
                                          std::uint8_t sequence);

}  // namespace smppgw::smpp
