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
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::size_t at = pos;
    auto cp = utf8_next(utf8, pos);
    if (!cp) return tl::unexpected(cp.error());
    if (*cp > 0xFF) return tl::unexpected(TextError{TextErrc::not_representable, at, *cp});
    out.push_back(static_cast<std::uint8_t>(*cp));
  }
  return out;
}

}  // namespace smppgw::smpp
