#include "tools/sim/delivery_receipt_builder.hpp"

#include <ctime>

#include "protocol/utf8.hpp"

namespace smppgw::sim {

namespace {
constexpr std::size_t kReceiptTextChars = 20;  // Appendix B: first 20 characters

// Receipt text travels as data_coding 0; keep it to printable ASCII so that every reading
// of data_coding 0 (GSM 03.38, Latin-1, IA5) gives the same characters.
std::string receipt_excerpt(std::string_view utf8) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t n = 0; n < kReceiptTextChars && pos < utf8.size(); ++n) {
    auto cp = smpp::utf8_next(utf8, pos);
    if (!cp) break;
    const bool plain = *cp >= 0x20 && *cp < 0x7F && *cp != '@' && *cp != '$' && *cp != '_';
    out.push_back(plain ? static_cast<char>(*cp) : '?');
  }
  return out;
}
}  // namespace

std::string format_message_id(std::uint64_t id, IdFormat format) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, format == IdFormat::hex ? "%llX" : "%llu",
                              static_cast<unsigned long long>(id));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string receipt_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%y%m%d%H%M", &tm);
  return buf;
}

smpp::DeliverSm build_delivery_receipt(const ReceiptInput& input) {
  const std::string text = "id:" + input.message_id +
                           " sub:001 dlvrd:" + (input.stat.message_state == 2 ? "001" : "000") +
                           " submit date:" + receipt_date(input.submitted_at) +
                           " done date:" + receipt_date(input.done_at) +
                           " stat:" + std::string(input.stat.text) + " err:" + input.err +
                           " text:" + receipt_excerpt(input.original_text);
  smpp::DeliverSm pdu;
  pdu.source = input.submit_destination;
  pdu.destination = input.submit_source;
  pdu.esm_class = smpp::esm::smsc_delivery_receipt;
  pdu.data_coding = 0;
  pdu.short_message.assign(text.begin(), text.end());
  pdu.tlvs.receipted_message_id = input.message_id;
  pdu.tlvs.message_state = input.stat.message_state;
  return pdu;
}

}  // namespace smppgw::sim
