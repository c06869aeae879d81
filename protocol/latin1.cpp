#include "protocol/latin1.hpp"

#include "protocol/utf8.hpp"

namespace smppgw::smpp {

std::string latin1_decode(std::span<const std::uint8_t> octets) {
  std::string out;
  out.reserve(octets.size());
  for (std::uint8_t o : octets) utf8_append(out, o);
  return out;
}

tl::expected<std::vector<std::uint8_t>, TextError> latin1_encode(std::string_view utf8) {
  return utf8_to_octets(utf8, 0xFF);
}

}  // namespace smppgw::smpp
