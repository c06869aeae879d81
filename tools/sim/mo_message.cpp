#include "tools/sim/mo_message.hpp"

#include "protocol/segmenter.hpp"
#include "protocol/text_analysis.hpp"

namespace smppgw::sim {

namespace {
constexpr std::uint8_t kTonUnknown = 0;
constexpr std::uint8_t kTonInternational = 1;
constexpr std::uint8_t kTonNetworkSpecific = 3;
constexpr std::uint8_t kNpiUnknown = 0;
constexpr std::uint8_t kNpiE164 = 1;
constexpr std::size_t kMaxShortCodeDigits = 8;
}  // namespace

smpp::Address address_for(std::string_view addr) {
  smpp::Address out;
  out.addr = std::string(addr);
  const bool digits =
      !addr.empty() && addr.find_first_not_of("0123456789+") == std::string_view::npos;
  if (digits && addr.front() == '+') {
    // Carriers usually send international numbers without the '+', TON 1 / NPI 1.
    out.addr = std::string(addr.substr(1));
    out.ton = kTonInternational;
    out.npi = kNpiE164;
  } else if (digits && addr.size() <= kMaxShortCodeDigits) {
    out.ton = kTonNetworkSpecific;  // short codes
    out.npi = kNpiUnknown;
  } else {
    out.ton = kTonUnknown;
    out.npi = digits ? kNpiE164 : kNpiUnknown;
  }
  return out;
}

tl::expected<std::vector<smpp::DeliverSm>, std::string> build_mo(std::string_view from,
                                                                 std::string_view to,
                                                                 std::string_view utf8_text,
                                                                 std::uint8_t reference) {
  // A subscriber's phone sends what was typed: no shortcode expansion.
  auto analysis = smpp::analyze(utf8_text, smpp::AnalyzeOptions{.expand_shortcodes = false});
  if (!analysis) return tl::unexpected("MO text: " + analysis.error().message());
  auto segmented = smpp::segment(*analysis, reference);
  if (!segmented) return tl::unexpected("MO text: " + segmented.error().message());
  std::vector<smpp::DeliverSm> out;
  if (segmented->parts.empty()) segmented->parts.emplace_back();  // an empty MO is one PDU
  out.reserve(segmented->parts.size());
  for (auto& part : segmented->parts) {
    out.push_back(build_raw_mo(from, to, std::move(part), segmented->data_coding,
                               segmented->esm_class_flags));
  }
  return out;
}

smpp::DeliverSm build_raw_mo(std::string_view from, std::string_view to,
                             std::vector<std::uint8_t> short_message, std::uint8_t data_coding,
                             std::uint8_t esm_class, std::optional<SarTlvs> sar) {
  smpp::DeliverSm pdu;
  pdu.source = address_for(from);
  pdu.destination = address_for(to);
  pdu.esm_class = esm_class;
  pdu.data_coding = data_coding;
  pdu.short_message = std::move(short_message);
  if (sar) {
    pdu.tlvs.sar_msg_ref_num = sar->reference;
    pdu.tlvs.sar_total_segments = sar->total;
    pdu.tlvs.sar_segment_seqnum = sar->sequence;
  }
  return pdu;
}

}  // namespace smppgw::sim
