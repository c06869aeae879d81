#include "protocol/user_data_header.hpp"

namespace smppgw::smpp {

tl::expected<UserDataHeader, TextError> parse_user_data_header(
    std::span<const std::uint8_t> user_data) {
  if (user_data.empty()) return tl::unexpected(TextError{TextErrc::invalid_udh, 0});
  const std::size_t udhl = user_data[0];
  if (1 + udhl > user_data.size()) return tl::unexpected(TextError{TextErrc::invalid_udh, 0});
  UserDataHeader udh;
  udh.length = 1 + udhl;
  std::size_t pos = 1;
  while (pos < udh.length) {
    if (pos + 2 > udh.length) return tl::unexpected(TextError{TextErrc::invalid_udh, pos});
    const std::uint8_t iei = user_data[pos];
    const std::size_t iedl = user_data[pos + 1];
    const std::size_t data = pos + 2;
    if (data + iedl > udh.length) return tl::unexpected(TextError{TextErrc::invalid_udh, pos});
    std::optional<ConcatInfo> info;
    if (iei == kIeiConcat8 && iedl == 3) {
      info = ConcatInfo{user_data[data], user_data[data + 1], user_data[data + 2]};
    } else if (iei == kIeiConcat16 && iedl == 4) {
      info = ConcatInfo{static_cast<std::uint16_t>((user_data[data] << 8) | user_data[data + 1]),
                        user_data[data + 2], user_data[data + 3]};
    }
    if (info && info->total >= 1 && info->sequence >= 1 && info->sequence <= info->total) {
      udh.concat = info;
    }
    pos = data + iedl;
  }
  return udh;
}

std::vector<std::uint8_t> concat_udh_8bit(std::uint8_t reference, std::uint8_t total,
                                          std::uint8_t sequence) {
  return {0x05, kIeiConcat8, 0x03, reference, total, sequence};
}

}  // namespace smppgw::smpp
