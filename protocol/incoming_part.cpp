#include "protocol/incoming_part.hpp"

#include <utility>

namespace smppgw::smpp {

tl::expected<IncomingPart, TextError> make_incoming_part(
    std::string source, std::string destination, std::uint8_t esm_class, std::uint8_t data_coding,
    std::span<const std::uint8_t> user_data, std::optional<ConcatInfo> sar) {
  IncomingPart part;
  part.source = std::move(source);
  part.destination = std::move(destination);
  part.data_coding = data_coding;
  std::size_t udh_octets = 0;
  if ((esm_class & kEsmClassUdhi) != 0) {
    auto udh = parse_user_data_header(user_data);
    if (!udh) return tl::unexpected(udh.error());
    udh_octets = udh->length;
    part.concat = udh->concat;
  }
  if (!part.concat && sar && sar->total >= 1 && sar->sequence >= 1 && sar->sequence <= sar->total) {
    part.concat = sar;
  }
  if (part.concat && part.concat->total == 1) part.concat.reset();
  part.payload.octets.assign(user_data.begin() + static_cast<std::ptrdiff_t>(udh_octets),
                             user_data.end());
  part.payload.udh_octets = udh_octets;
  return part;
}

}  // namespace smppgw::smpp
