#include "tools/sim/delivery_receipt_builder.hpp"

#include <cstdio>

#include "protocol/receipt_builder.hpp"

namespace smppgw::sim {

std::string format_message_id(std::uint64_t id, IdFormat format) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, format == IdFormat::hex ? "%llX" : "%llu",
                              static_cast<unsigned long long>(id));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string receipt_date(std::chrono::system_clock::time_point when) {
  return smpp::receipt_date(when);
}

smpp::DeliverSm build_delivery_receipt(const ReceiptInput& input) {
  smpp::ReceiptFields f;
  f.message_id = input.message_id;
  f.submit_source = input.submit_source;
  f.submit_destination = input.submit_destination;
  f.submitted_at = input.submitted_at;
  f.done_at = input.done_at;
  f.stat = std::string(input.stat.text);
  f.message_state = input.stat.message_state;
  f.err = input.err;
  f.original_text = input.original_text;
  return smpp::build_delivery_receipt(f);
}

}  // namespace smppgw::sim
