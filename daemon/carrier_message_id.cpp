// The carrier id of an acknowledged part as written and as its receipt key (see
// carrier_message_id.hpp).
#include "daemon/carrier_message_id.hpp"

#include "protocol/delivery_receipt.hpp"

namespace smppgw::daemon {

CarrierMessageId carrier_message_id(std::string_view resp_id, std::uint64_t outbox_id,
                                    std::uint16_t part) {
  CarrierMessageId id;
  // Receipts may write the id in the other base, without the padding or in another case:
  // only the key is canonical, the id itself stays exactly as the carrier sent it.
  id.receipt_key = smpp::canonical_message_id(resp_id);
  if (!id.receipt_key.empty()) {
    id.as_written = std::string(resp_id);
    return id;
  }
  id.as_written = "none:" + std::to_string(outbox_id) + ":" + std::to_string(part);
  id.receipt_key = id.as_written;
  return id;
}

}  // namespace smppgw::daemon
