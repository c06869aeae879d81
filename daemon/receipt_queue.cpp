#include "daemon/receipt_queue.hpp"

#include <spdlog/spdlog.h>

namespace smppgw::daemon {

bool ReceiptQueue::push(smpp::DeliverSm receipt) {
  if (queue_.size() >= kMaxQueued) return false;
  queue_.push_back(std::move(receipt));
  return true;
}

std::size_t ReceiptQueue::flush(SmppConnection& connection) {
  std::size_t sent = 0;
  auto& session = connection.session();
  while (!queue_.empty() && !connection.closed() && session.window_free() > 0) {
    auto result = session.send_request(smpp::Body{queue_.front()}, smpp::Clock::now(), kTag);
    if (!result) {
      if (result.error() == smpp::SendError::window_full) break;
      // Closed or not allowed in this state: the bind is going away; its on_closed clears.
      if (result.error() == smpp::SendError::closed ||
          result.error() == smpp::SendError::not_allowed) {
        break;
      }
      // Cannot be encoded (e.g. an over-long id): dropping it is all that can be done.
      spdlog::warn("listener: a delivery receipt cannot be encoded ({}); dropped",
                   smpp::to_string(result.error()));
    } else {
      ++sent;
      in_flight_.insert_or_assign(*result, std::move(queue_.front()));
    }
    queue_.pop_front();
  }
  if (sent) connection.pump();
  return sent;
}

void ReceiptQueue::answered(std::uint32_t sequence_number) {
  in_flight_.erase(sequence_number);
}

std::vector<smpp::DeliverSm> ReceiptQueue::take_unanswered() {
  std::vector<smpp::DeliverSm> out;
  out.reserve(in_flight_.size() + queue_.size());
  for (auto& [sequence, receipt] : in_flight_) out.push_back(std::move(receipt));
  for (auto& receipt : queue_) out.push_back(std::move(receipt));
  in_flight_.clear();
  queue_.clear();
  return out;
}

}  // namespace smppgw::daemon
