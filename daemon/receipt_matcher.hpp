// Delivery receipts of one carrier link (SPEC §5): a deliver_sm (or data_sm) with the
// receipt bits in esm_class or a receipted_message_id TLV updates the outbox record whose
// part carries that carrier message id (hex or decimal renderings match), never the Inbox.
// The deliver_sm is answered after the update committed. A receipt that arrives before its
// submit_sm_resp was recorded is answered at once and held in memory for kHoldTime, matched
// again each time the dispatcher records a carrier id. Runs on the link's strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "daemon/asio.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"
#include "protocol/pdu.hpp"
#include "store/types.hpp"

namespace smppgw::daemon {

// What a receipt says, whichever way it was written (TLVs first, then the text).
struct ReceiptInfo {
  std::string carrier_message_id;  // as written
  store::PartStatus part_status = store::PartStatus::delivered;
  bool final = true;  // false: ENROUTE/SCHEDULED, nothing to record
  std::string error;  // "UNDELIV err:001" for a failure, empty on delivery
};

// Is this deliver_sm / data_sm a receipt rather than an MO? (esm_class message type 0x04 or
// 0x20, or a receipted_message_id TLV.)
bool is_receipt(std::uint8_t esm_class, const smpp::Tlvs& tlvs);

// Reads a receipt from its TLVs and user data; nullopt when no message id can be found.
std::optional<ReceiptInfo> read_receipt(const smpp::Tlvs& tlvs,
                                        std::span<const std::uint8_t> user_data);

class ReceiptMatcher : public std::enable_shared_from_this<ReceiptMatcher> {
 public:
  // How long an unmatched receipt waits for its submit_sm_resp to be recorded.
  static constexpr std::chrono::seconds kHoldTime{30};
  // At most this many receipts are held; the oldest is dropped (and logged) beyond it.
  static constexpr std::size_t kMaxHeld = 100'000;

  ReceiptMatcher(Services& services, std::string link, Strand strand);

  // Handles the receipt and answers the request on `connection` (command `command`,
  // sequence `sequence`).
  void on_receipt(const std::shared_ptr<SmppConnection>& connection, std::uint32_t sequence,
                  smpp::CommandId command, ReceiptInfo receipt);

  // A carrier id was recorded: try the held receipts again.
  void retry_held();

  [[nodiscard]] std::size_t held() const { return held_.size(); }

 private:
  struct Held {
    ReceiptInfo receipt;
    std::chrono::steady_clock::time_point until;
  };
  using Answer = std::function<void(std::error_code, bool matched)>;
  void apply(ReceiptInfo receipt, Answer answer);
  void hold(ReceiptInfo receipt);

  Services& services_;
  std::string link_;
  Strand strand_;
  std::deque<Held> held_;
  bool retry_running_ = false;
  bool retry_again_ = false;
};

}  // namespace smppgw::daemon
