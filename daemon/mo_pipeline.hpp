// The MO path of one carrier link or listener connection (SPEC §3, §5): deliver_sm or data_sm
// from a carrier SMSC (ESME role), submit_sm or data_sm from a carrier bound to our listener
// (SMSC role) → receipt or MO? → normalise the sender to E.164 → a single MO: decode by
// data_coding (data_coding 0 per the dcs0 charset) and the engine's write request; a part of
// a concatenated MO (UDH or SAR): the part's write request (engine/mo_part_request.hpp),
// which runs the engine on the whole text when the part completes its set → through the one
// writer → the response ESME_ROK only after the commit (ESME_RX_T_APPN when the store cannot
// take it). Every part is answered after its own commit, so a carrier that waits for each
// response (window 1) sends the next. submit_sm_resp and data_sm_resp carry the Inbox id as
// message id ("<id>-<seq>" for a part). When the writer's queue is full the connection stops
// reading (back-pressure) instead of buffering without bound. Runs on the strand of the link
// or connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "daemon/asio.hpp"
#include "daemon/engine/mo_part_request.hpp"
#include "daemon/engine/mo_request.hpp"
#include "daemon/receipt_matcher.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"
#include "protocol/incoming_part.hpp"

namespace smppgw::daemon {

class MoPipeline : public std::enable_shared_from_this<MoPipeline> {
 public:
  MoPipeline(Services& services, conf::LinkConfig link, Strand strand,
             std::shared_ptr<ReceiptMatcher> receipts);

  // Shutdown: MO arriving from now on are answered ESME_RX_T_APPN (the carrier retries).
  void stop();

  // A deliver_sm, submit_sm or data_sm from the carrier. Answers it now (receipts, errors)
  // or after the commit of the MO or part it carries. Receipts are looked for in deliver_sm
  // and data_sm only: an ESME never sends an SMSC delivery receipt as submit_sm.
  void on_request(const std::shared_ptr<SmppConnection>& connection,
                  const smpp::RequestReceived& request);

  // SMSC role (the listener sets it first): called after the commit of an MO or part whose
  // submit_sm or data_sm asked for a delivery receipt (registered_delivery bits 1-0 = 01),
  // once per PDU, with the receipt (stat DELIVRD, id = the message id of its response) and
  // the connection the PDU came on (which may be gone). Unset: no receipts are made.
  std::function<void(const std::shared_ptr<SmppConnection>&, smpp::DeliverSm)> send_receipt;

 private:
  // Where a deliver_sm must be answered.
  struct Ack {
    std::weak_ptr<SmppConnection> connection;
    std::uint32_t sequence = 0;
    smpp::CommandId command = smpp::CommandId::deliver_sm;
    std::uint8_t source_ton = 0;
    // The PDU asked for a delivery receipt: where it came from and went, and when.
    struct ReceiptOrder {
      smpp::Address source, destination;
      std::chrono::system_clock::time_point submitted_at;
    };
    std::optional<ReceiptOrder> receipt;
  };

  void commit(const smpp::IncomingPart& message, Ack ack,
              const std::shared_ptr<SmppConnection>& connection);
  void commit_part(const smpp::IncomingPart& part, Ack ack,
                   const std::shared_ptr<SmppConnection>& connection);
  // After a part's request completed, on the strand.
  void on_part_committed(std::error_code ec, const engine::MoPartResult& result, const Ack& ack,
                         std::uint8_t seq, const std::string& excerpt);
  // The sender as E.164, or the answer ESME_RINVSRCADR already given.
  std::optional<std::string> sender_of(const smpp::IncomingPart& part, const Ack& ack);
  void submit(store::WriteRequest request, const std::shared_ptr<SmppConnection>& connection);
  void drain_blocked();
  // Responds to the PDU; with ESME_ROK after a commit, `message_id` is the message id of
  // submit_sm_resp / data_sm_resp (empty: none, e.g. a receipt).
  static void answer(const Ack& ack, std::uint32_t status, const std::string& message_id = {});
  // After a commit answered ESME_ROK: the receipt the PDU asked for (see send_receipt).
  void send_receipt_for(const Ack& ack, const std::string& message_id,
                        const std::string& text_excerpt);
  void count(store::InboxKind kind);

  Services& services_;
  conf::LinkConfig link_;
  Strand strand_;
  std::shared_ptr<ReceiptMatcher> receipts_;
  std::deque<store::WriteRequest> blocked_;  // waiting for room in the writer
  std::vector<std::weak_ptr<SmppConnection>> paused_;
  bool waiting_for_space_ = false;
  bool stopped_ = false;
  std::map<store::InboxKind, admin::Counter*> counters_;
};

}  // namespace smppgw::daemon
