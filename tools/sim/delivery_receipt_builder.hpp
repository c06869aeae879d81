// The delivery receipt a carrier SMSC sends for a submitted message (smpp-notes §8): a
// deliver_sm with esm_class 0x04, the Appendix B text "id:... sub:001 dlvrd:... submit date:...
// done date:... stat:... err:... text:..." and the receipted_message_id / message_state TLVs.
// Built by protocol/receipt_builder (what the gateway sends in its SMSC role too). Also how
// the sim writes message ids (hex or decimal renderings of one number).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/pdu.hpp"
#include "tools/sim/receipt_stat.hpp"
#include "tools/sim/sim_options.hpp"

namespace smppgw::sim {

// 0xA0000000 → "A0000000" (hex, upper case) or "2684354560" (dec).
std::string format_message_id(std::uint64_t id, IdFormat format);

struct ReceiptInput {
  std::string message_id;  // as the receipt writes it
  smpp::Address submit_source;
  smpp::Address submit_destination;
  std::chrono::system_clock::time_point submitted_at;
  std::chrono::system_clock::time_point done_at;
  ReceiptStat stat;
  std::string err;            // three digits
  std::string original_text;  // UTF-8; the first 20 characters go into text:
};

// The receipt goes from the submit's destination back to its source.
smpp::DeliverSm build_delivery_receipt(const ReceiptInput& input);

// "YYMMDDhhmm" in UTC.
std::string receipt_date(std::chrono::system_clock::time_point when);

}  // namespace smppgw::sim
