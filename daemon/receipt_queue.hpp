// Delivery receipts the gateway owes a carrier bound to its listener (SMSC role): a carrier
// that submits an MO with registered_delivery asking for one (bits 1-0 = 01) gets a receipt
// deliver_sm (stat DELIVRD) once the MO is committed — the MO reached its destination, the
// gateway's Inbox. The receipts of one bind wait here for room in its window, which they
// share with the MT deliver_sm of the bind's Dispatcher. Runs on the bind's strand.
//
// Receipts sent but not yet answered are kept too (by sequence number): when the bind
// closes, take_unanswered() hands back those and the ones still waiting, so that the listener
// can send them on another receiver bind of the account — at least once: a receipt whose
// answer was lost with the connection is sent again, and carriers match receipts by
// receipted_message_id. With no other bind of the account up, the listener holds them in
// memory for the account's next receiver or transceiver bind (bounded, for an hour at most:
// the validity an SMSC gives a receipt it cannot deliver). They are not kept in the store, so
// a shutdown loses what is held (logged); the MO they report on is committed either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

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
  // Returns how many were sent. Each sent receipt is kept until answered().
  std::size_t flush(SmppConnection& connection);
  // The carrier answered the receipt sent with `sequence_number` (whatever the status: a
  // refused receipt is not sent again).
  void answered(std::uint32_t sequence_number);
  // Everything not answered, sent ones first (in send order), then the waiting ones; the
  // queue is empty afterwards. For the bind's close.
  std::vector<smpp::DeliverSm> take_unanswered();
  // Receipts waiting for a window slot.
  [[nodiscard]] std::size_t size() const { return queue_.size(); }
  // Receipts sent and not answered yet.
  [[nodiscard]] std::size_t in_flight() const { return in_flight_.size(); }

 private:
  std::deque<smpp::DeliverSm> queue_;
  std::map<std::uint32_t, smpp::DeliverSm> in_flight_;  // by sequence number
};

}  // namespace smppgw::daemon
