#include "protocol/receipt_builder.hpp"

#include <ctime>

#include "protocol/delivery_receipt.hpp"
#include "protocol/utf8.hpp"

namespace smppgw::smpp {

namespace {

constexpr std::size_t kReceiptTextChars = 20;  // Appendix B: the first 20 characters

// The receipt text travels as data_coding 0; it is kept to printable ASCII without the
// characters GSM 03.38 places elsewhere, so that every reading of data_coding 0 (GSM 03.38,
// Latin-1, IA5) gives the same characters. Anything else becomes '?'.
std::string receipt_excerpt(std::string_view utf8) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t n = 0; n < kReceiptTextChars && pos < utf8.size(); ++n) {
    auto cp = utf8_next(utf8, pos);
    if (!cp) break;
    const bool plain = *cp >= 0x20 && *cp < 0x7F && *cp != '@' && *cp != '$' && *cp != '_';
    out.push_back(plain ? static_cast<char>(*cp) : '?');
  }
  return out;
}

}  // namespace

std::string receipt_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%y%m%d%H%M", &tm);
  return buf;
}

DeliverSm build_delivery_receipt(const ReceiptFields& fields) {
  const bool delivered = fields.message_state == static_cast<std::uint8_t>(MessageState::delivered);
  const std::string text = "id:" + fields.message_id +
                           " sub:001 dlvrd:" + (delivered ? "001" : "000") +
                           " submit date:" + receipt_date(fields.submitted_at) +
                           " done date:" + receipt_date(fields.done_at) + " stat:" + fields.stat +
                           " err:" + fields.err + " text:" + receipt_excerpt(fields.original_text);
  DeliverSm pdu;
  pdu.source = fields.submit_destination;
  pdu.destination = fields.submit_source;
  pdu.esm_class = esm::smsc_delivery_receipt;
  pdu.data_coding = 0;
  pdu.short_message.assign(text.begin(), text.end());
  pdu.tlvs.receipted_message_id = fields.message_id;
  pdu.tlvs.message_state = fields.message_state;
  return pdu;
}

}  // namespace smppgw::smpp
