// MO text from user data (mo_text.hpp).
#include "daemon/mo_text.hpp"

#include <cstdio>

namespace smppgw::daemon {
namespace {

std::string hex_of(std::span<const smpp::MessagePayload> parts) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& p : parts) {
    for (auto b : p.octets) {
      out.push_back(digits[b >> 4]);
      out.push_back(digits[b & 0xF]);
    }
  }
  return out;
}

}  // namespace

smpp::Dcs0Charset dcs0_of(conf::Dcs0Charset c) {
  return c == conf::Dcs0Charset::latin1 ? smpp::Dcs0Charset::latin1
                                        : smpp::Dcs0Charset::gsm7_unpacked;
}

std::string mo_text(std::uint8_t data_coding, std::span<const smpp::MessagePayload> parts,
                    smpp::Dcs0Charset dcs0) {
  auto decoded = smpp::decode_message_parts(data_coding, parts, dcs0);
  if (decoded.is_text()) return std::move(decoded.text);
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "[data_coding 0x%02X] ", data_coding);
  return prefix + hex_of(parts);
}

std::string mo_text(const std::vector<store::MoPart>& parts, smpp::Dcs0Charset dcs0) {
  std::vector<smpp::MessagePayload> payloads;
  payloads.reserve(parts.size());
  for (const auto& p : parts) {
    payloads.push_back(smpp::MessagePayload{
        std::vector<std::uint8_t>(p.octets.begin(), p.octets.end()), p.udh_octets});
  }
  return mo_text(parts.empty() ? 0 : parts.front().data_coding, payloads, dcs0);
}

engine::MoPartText mo_part_text(std::map<std::string, smpp::Dcs0Charset, std::less<>> dcs0_by_link) {
  return [dcs0_by_link = std::move(dcs0_by_link)](std::string_view link,
                                                  const std::vector<store::MoPart>& parts) {
    auto it = dcs0_by_link.find(link);
    return mo_text(parts, it == dcs0_by_link.end() ? smpp::Dcs0Charset::gsm7_unpacked
                                                   : it->second);
  };
}

}  // namespace smppgw::daemon
