#include "protocol/ia5.hpp"

#include "protocol/utf8.hpp"

namespace smppgw::smpp {

std::string ia5_decode(std::span<const std::uint8_t> octets) {
  std::string out;
  out.reserve(octets.size());
  for (std::uint8_t o : octets) utf8_append(out, o < 0x80 ? char32_t{o} : kReplacementCharacter);
  return out;
}

tl::expected<std::vector<std::uint8_t>, TextError> ia5_encode(std::string_view utf8) {
  return utf8_to_octets(utf8, 0x7F);
}

}  // namespace smppgw::smpp
