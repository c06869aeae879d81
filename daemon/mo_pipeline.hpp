// The MO path of one carrier link or listener connection (SPEC §3, §5): deliver_sm or data_sm
// from a carrier SMSC (ESME role), submit_sm or data_sm from a carrier bound to our listener
// (SMSC role) → receipt or MO? → decode by data_coding (data_coding 0 per the dcs0 charset) →
// reassemble concatenated parts (UDH or SAR) → normalise the sender to E.164 → the engine's
// write request through the one writer → the response ESME_ROK only after the commit
// (ESME_RX_T_APPN when the store cannot take it); submit_sm_resp and data_sm_resp carry the
// Inbox id as message id. The parts of a long MO are all answered after the whole message
// committed. When the writer's queue is full the connection stops reading (back-pressure)
// instead of buffering without bound. Runs on the strand of the link or connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "conf/config.hpp"
#include "daemon/asio.hpp"
#include "daemon/engine/mo_request.hpp"
#include "daemon/receipt_matcher.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"
#include "protocol/reassembler.hpp"

namespace smppgw::daemon {

class MoPipeline : public std::enable_shared_from_this<MoPipeline> {
 public:
  MoPipeline(Services& services, conf::LinkConfig link, Strand strand,
             std::shared_ptr<ReceiptMatcher> receipts);

  // Starts the reassembly timer.
  void start();
  // Shutdown: MO arriving from now on are answered ESME_RX_T_APPN (the carrier retries).
  void stop();

  // A deliver_sm, submit_sm or data_sm from the carrier. Answers it now (receipts, errors)
  // or after the commit of the message it belongs to. Receipts are looked for in deliver_sm
  // and data_sm only: an ESME never sends an SMSC delivery receipt as submit_sm.
  void on_request(const std::shared_ptr<SmppConnection>& connection,
                  const smpp::RequestReceived& request);

  // SMSC role (the listener sets it before start()): called after the commit of an MO whose
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
  using PartKey = std::tuple<std::string, std::string, std::uint16_t, std::uint8_t>;

  void commit(const smpp::AssembledMessage& message, std::vector<Ack> acks,
              const std::shared_ptr<SmppConnection>& connection);
  void submit(store::WriteRequest request, const std::shared_ptr<SmppConnection>& connection);
  void drain_blocked();
  void take_evicted(std::vector<smpp::AssembledMessage> sets,
                    const std::shared_ptr<SmppConnection>& connection);
  asio::awaitable<void> expiry_loop();
  // Responds to every ack; with ESME_ROK after a commit, `inbox_id` gives the message id of
  // submit_sm_resp / data_sm_resp (0: none, e.g. a duplicate or a receipt).
  static void answer(const std::vector<Ack>& acks, std::uint32_t status,
                     std::uint64_t inbox_id = 0);
  // After a commit answered ESME_ROK: the receipts the acks asked for (see send_receipt).
  void send_receipts(const std::vector<Ack>& acks, std::uint64_t inbox_id,
                     const std::string& text_excerpt);
  void count(store::InboxKind kind);

  Services& services_;
  conf::LinkConfig link_;
  Strand strand_;
  std::shared_ptr<ReceiptMatcher> receipts_;
  smpp::Reassembler reassembler_;
  std::map<PartKey, std::vector<Ack>> held_parts_;  // acks of incomplete long MO
  std::deque<store::WriteRequest> blocked_;         // waiting for room in the writer
  std::vector<std::weak_ptr<SmppConnection>> paused_;
  bool waiting_for_space_ = false;
  bool stopped_ = false;
  asio::steady_timer expiry_timer_;
  std::map<store::InboxKind, admin::Counter*> counters_;
};

}  // namespace smppgw::daemon
