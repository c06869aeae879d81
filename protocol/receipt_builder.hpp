// Building a delivery receipt (SMPP 3.4 Appendix B, smpp-notes §8): the deliver_sm an SMSC
// sends back to the ESME that submitted a message — esm_class 0x04, the text "id:... sub:001
// dlvrd:... submit date:... done date:... stat:... err:... text:..." and the
// receipted_message_id / message_state TLVs. The gateway sends one in its SMSC role (a carrier
// bound to the listener asked for it with registered_delivery); smppgw-sim sends them as a
// carrier would. parse_delivery_receipt (delivery_receipt.hpp) reads what this writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/pdu.hpp"

namespace smppgw::smpp {

struct ReceiptFields {
  std::string message_id;      // as the submit_sm_resp gave it
  Address submit_source;       // the submitted message's source ...
  Address submit_destination;  // ... and destination: the receipt goes the other way
  std::chrono::system_clock::time_point submitted_at;
  std::chrono::system_clock::time_point done_at;
  std::string stat;                // "DELIVRD", "UNDELIV", ... (stat_code), or any text
  std::uint8_t message_state = 0;  // the message_state TLV (MessageState value)
  std::string err = "000";         // three digits
  std::string original_text;       // UTF-8; its first 20 characters go into text:
};

DeliverSm build_delivery_receipt(const ReceiptFields& fields);

// "YYMMDDhhmm" in UTC, the date format of the receipt text.
std::string receipt_date(std::chrono::system_clock::time_point when);

}  // namespace smppgw::smpp
