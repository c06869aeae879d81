#include "tools/sim/submitted_message.hpp"

#include <span>

#include "protocol/message_text.hpp"

namespace smppgw::sim {

namespace {

std::string hex_of(std::span<const std::uint8_t> octets) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(octets.size() * 2);
  for (auto b : octets) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

SubmittedMessage describe(const smpp::Address& source, const smpp::Address& destination,
                          std::uint8_t esm_class, std::uint8_t data_coding,
                          std::span<const std::uint8_t> user_data, const smpp::Tlvs& tlvs) {
  SubmittedMessage out;
  out.from = address_text(source);
  out.to = address_text(destination);
  std::size_t udh_octets = 0;
  if ((esm_class & smpp::esm::udhi) != 0) {
    auto udh = smpp::parse_user_data_header(user_data);
    if (udh) {
      udh_octets = udh->length;
      out.concat = udh->concat;
    } else {
      out.udh_malformed = true;
    }
  }
  if (!out.concat && tlvs.sar_msg_ref_num && tlvs.sar_total_segments && tlvs.sar_segment_seqnum) {
    out.concat =
        smpp::ConcatInfo{*tlvs.sar_msg_ref_num, *tlvs.sar_total_segments, *tlvs.sar_segment_seqnum};
  }
  const auto payload = user_data.subspan(udh_octets);
  const auto decoded =
      smpp::decode_message_text(data_coding, payload, smpp::Dcs0Charset::gsm7_unpacked, udh_octets);
  out.text = decoded.is_text() ? decoded.text : hex_of(payload);
  return out;
}

}  // namespace

std::string address_text(const smpp::Address& address) {
  constexpr std::uint8_t kTonInternational = 1;
  if (address.ton == kTonInternational && !address.addr.empty() && address.addr.front() != '+') {
    return "+" + address.addr;
  }
  return address.addr;
}

SubmittedMessage describe_submit(const smpp::ShortMessageBody& body) {
  // message_payload carries the user data when sm_length is 0 (smpp-notes §9c).
  const bool use_payload = body.short_message.empty() && body.tlvs.message_payload.has_value();
  const std::span<const std::uint8_t> user_data =
      use_payload ? std::span<const std::uint8_t>(*body.tlvs.message_payload)
                  : std::span<const std::uint8_t>(body.short_message);
  return describe(body.source, body.destination, body.esm_class, body.data_coding, user_data,
                  body.tlvs);
}

SubmittedMessage describe_data_sm(const smpp::DataSm& body) {
  static const std::vector<std::uint8_t> kEmpty;
  const auto& user_data = body.tlvs.message_payload ? *body.tlvs.message_payload : kEmpty;
  return describe(body.source, body.destination, body.esm_class, body.data_coding, user_data,
                  body.tlvs);
}

}  // namespace smppgw::sim
