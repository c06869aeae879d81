// Delivery receipts the gateway owes a carrier bound to its listener (SMSC role): a carrier
// that submits an MO with registered_delivery asking for one (bits 1-0 = 01) gets a receipt
// deliver_sm (stat DELIVRD) once the MO is committed — the MO reached its destination, the
// gateway's Inbox. The receipts of one bind wait here for room in its window, which they
// share with the MT deliver_sm of the bind's Dispatcher. Runs on the bind's strand.
//
// Receipts are not kept in the store: one not yet sent when its bind closes is lost (logged,
// counted), as a receipt an SMSC could not deliver before its validity ran out; the MO it
// reports on is committed either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "daemon/smpp_connection.hpp"
#include "protocol/pdu.hpp"

namespace smppgw::daemon {

class ReceiptQueue {
 public:
  // Receipts waiting at most per bind; beyond it new ones are dropped (logged by the caller):
  // a carrier that stops answering must not make the gateway buffer without bound.
  static constexpr std::size_t kMaxQueued = 10000;
  // user_tag of a receipt deliver_sm. A Dispatcher's tags are outbox_id << 8 | part, so no
  // outbox id below 2^56 can produce it.
  static constexpr std::uint64_t kTag = ~std::uint64_t{0};

  // Queues a receipt; false (not queued) when kMaxQueued are waiting.
  bool push(smpp::DeliverSm receipt);
  // Sends what the session's window allows now, oldest first, and pumps the connection.
  // Returns how many were sent.
  std::size_t flush(SmppConnection& connection);
  // Forgets what waits (the bind closed); returns how many were dropped.
  std::size_t clear();
  [[nodiscard]] std::size_t size() const { return queue_.size(); }

 private:
  std::deque<smpp::DeliverSm> queue_;
};

}  // namespace smppgw::daemon
