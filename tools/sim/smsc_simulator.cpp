// smppgw-sim smsc: a carrier SMSC for tests, the demo and benchmarks (tools/sim/README.md).
// One thread runs everything (the io_context); a second one only reads control lines from
// stdin and posts them. Each accepted connection is a SessionSocket around a session in
// the SMSC role; this file decides what the carrier does: accept or refuse binds, answer
// submit_sm, schedule receipts, and feed MO (queued or at a rate) into bound receivers.
#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <queue>
#include <thread>
#include <unordered_map>

#include "tools/sim/control_command.hpp"
#include "tools/sim/delivery_receipt_builder.hpp"
#include "tools/sim/event_sink.hpp"
#include "tools/sim/mo_message.hpp"
#include "tools/sim/phone_sequence.hpp"
#include "tools/sim/rate_pacer.hpp"
#include "tools/sim/receipt_stat.hpp"
#include "tools/sim/run_report.hpp"
#include "tools/sim/session_socket.hpp"
#include "tools/sim/sim_modes.hpp"
#include "tools/sim/submitted_message.hpp"

namespace smppgw::sim {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using json = nlohmann::ordered_json;

constexpr const char* kSmscSystemId = "smppgw-sim";
// Submits remembered for `receipt MESSAGE_ID` in control mode; the oldest are forgotten.
constexpr std::size_t kMaxRememberedSubmits = 1'000'000;
// `quit` waits this long for the unbind_resp of every bound session.
constexpr std::chrono::seconds kQuitUnbindWait{1};
// deliver_sm per pump round on one connection, so that one connection cannot starve others.
constexpr std::uint64_t kMaxBatch = 4096;
// The sim's window toward the ESME for control-mode traffic when no rate mode is set.
constexpr std::uint32_t kControlWindow = 100;

const char* bind_name(smpp::BindType type) {
  switch (type) {
    case smpp::BindType::transmitter:
      return "transmitter";
    case smpp::BindType::receiver:
      return "receiver";
    case smpp::BindType::transceiver:
      return "transceiver";
  }
  return "?";
}

// A deliver_sm waiting to be sent: one part of a control-mode MO, or a receipt.
struct DeliveryItem {
  smpp::DeliverSm body;
  std::uint64_t mo_id = 0;  // 0 for a receipt
  std::uint32_t part = 1;
  std::uint32_t parts = 1;
  std::string receipt_for;               // receipts: the id as submit_sm_resp wrote it
  std::string stat;                      // receipts
  std::optional<std::string> system_id;  // receipts go back to the submitter's system_id
  bool resent = false;
};

// A deliver_sm awaiting its deliver_sm_resp; the session's user_tag is its slot index.
struct InFlight {
  Clock::time_point sent_at;
  std::uint64_t mo_id = 0;
  bool rate_mo = false;
  std::uint64_t rate_index = 0;      // rate mode: which phone sent it
  std::optional<DeliveryItem> item;  // re-queued if the connection closes unanswered
};

struct SubmitRecord {
  std::string system_id;
  smpp::Address source;
  smpp::Address destination;
  std::chrono::system_clock::time_point submitted_at;
  std::string text;
};

struct ScheduledReceipt {
  Clock::time_point due;
  std::string message_id;  // as the receipt writes it
  std::string resp_id;     // as submit_sm_resp wrote it
  SubmitRecord submit;
  ReceiptStat stat;
  std::string err;
  friend bool operator>(const ScheduledReceipt& a, const ScheduledReceipt& b) {
    return a.due > b.due;
  }
};

// The sim's state for one connection, beside its socket.
struct Connection {
  std::shared_ptr<SessionSocket> socket;
  std::string system_id;
  std::optional<smpp::BindType> bind;
  std::uint64_t submits = 0;
  std::vector<InFlight> slots;
  std::vector<std::uint32_t> free_slots;
  bool disconnected_reported = false;

  [[nodiscard]] bool can_receive() const {
    return bind && *bind != smpp::BindType::transmitter && socket->session().is_bound() &&
           !socket->closing();
  }
  std::uint32_t alloc(InFlight f) {
    if (free_slots.empty()) {
      slots.push_back(std::move(f));
      return static_cast<std::uint32_t>(slots.size() - 1);
    }
    const auto slot = free_slots.back();
    free_slots.pop_back();
    slots[slot] = std::move(f);
    return slot;
  }
  InFlight release(std::uint64_t slot) {
    InFlight f = std::move(slots.at(slot));
    slots[slot].item.reset();
    free_slots.push_back(static_cast<std::uint32_t>(slot));
    return f;
  }
};

class SmscSimulator {
 public:
  SmscSimulator(asio::io_context& io, SmscOptions options)
      : io_(io),
        o_(std::move(options)),
        events_(stdout, o_.events),
        acceptor_(io),
        signals_(io, SIGINT, SIGTERM),
        receipt_timer_(io),
        pace_timer_(io),
        quit_timer_(io) {
    submit_status_ = o_.submit_status;
    submit_every_ = o_.submit_status_every;
    receipts_on_ = o_.receipts;
    receipt_delay_ = o_.receipt_delay;
    receipt_stat_ = *find_receipt_stat(o_.receipt_stat);
    receipt_every_ = o_.receipt_stat_every;
    next_id_ = o_.id_start;
  }

  // Sets up listening and the MO of the command line; false (message printed) on failure.
  bool start() {
    if (o_.mo_rate) {
      auto phones = PhoneSequence::create(o_.mo_from, o_.mo_phones);
      if (!phones) return fail("--mo-from: " + phones.error());
      phones_ = *phones;
      auto pdus = build_mo(o_.mo_from, o_.mo_to, o_.mo_text, 0);
      if (!pdus) return fail("--mo-text: " + pdus.error());
      rate_parts_ = std::move(*pdus);
    }
    for (const auto& mo : o_.mo) {
      if (!queue_text_mo(mo.from, mo.to, mo.text, /*announce=*/false)) return false;
    }
    error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address_v4(o_.listen.host, ec), o_.listen.port);
    if (!ec) acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail("cannot listen on " + o_.listen.host + ":" + std::to_string(o_.listen.port) +
                  ": " + ec.message());
    }
    events_.emit_always({{"event", "listening"}, {"port", acceptor_.local_endpoint().port()}});
    asio::co_spawn(io_, accept_loop(), asio::detached);
    signals_.async_wait([this](const error_code& e, int) {
      if (!e) quit();
    });
    if (o_.control_stdin) start_control_reader();
    return true;
  }

  [[nodiscard]] int exit_status() const { return exit_status_; }

 private:
  bool fail(const std::string& message) {
    std::fprintf(stderr, "smppgw-sim smsc: %s\n", message.c_str());
    exit_status_ = 1;
    return false;
  }

  // ---- connections --------------------------------------------------------------

  asio::awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || finished_) co_return;
        continue;  // e.g. EMFILE: keep listening
      }
      if (quitting_) continue;  // the socket closes as it goes out of scope
      smpp::SessionConfig config;
      config.role = smpp::Role::smsc;
      config.window = o_.mo_rate ? o_.mo_window : std::max(o_.mo_window, kControlWindow);
      config.enquire_link_interval = o_.enquire_link;
      const auto now = Clock::now();
      const int id = ++connection_count_;
      auto conn = std::make_shared<Connection>();
      conn->socket =
          std::make_shared<SessionSocket>(std::move(socket), smpp::Session(config, now), id);
      connections_[id] = conn;
      events_.emit({{"event", "connected"}, {"conn", id}, {"peer", conn->socket->peer()}});
      conn->socket->start([this, conn](SessionSocket&) { on_input(*conn); },
                          [this, id](SessionSocket&) { on_gone(id); });
    }
  }

  void on_input(Connection& conn) {
    auto& session = conn.socket->session();
    while (auto event = session.next_event()) {
      std::visit([&](auto& e) { on_event(conn, e); }, *event);
    }
    pump();
    conn.socket->flush();
  }

  void on_gone(int id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    report_disconnected(*it->second);
    connections_.erase(it);
    if (quitting_ && connections_.empty()) finish();
  }

  void report_disconnected(Connection& conn) {
    if (conn.disconnected_reported) return;
    conn.disconnected_reported = true;
    events_.emit({{"event", "disconnected"}, {"conn", conn.socket->id()}});
  }

  // ---- session events -------------------------------------------------------------

  void on_event(Connection& conn, smpp::BindRequested& e) {
    auto& session = conn.socket->session();
    std::uint32_t status = smpp::status::ok;
    if (o_.system_id && e.body.system_id != *o_.system_id) {
      status = smpp::status::inv_sys_id;
    } else if (o_.password && e.body.password != *o_.password) {
      status = smpp::status::inv_paswd;
    }
    if (status != smpp::status::ok || quitting_) {
      if (quitting_) status = smpp::status::bind_fail;
      (void)session.reject_bind(e.sequence_number, status);
      events_.emit({{"event", "bind_rejected"},
                    {"conn", conn.socket->id()},
                    {"system_id", e.body.system_id},
                    {"status", status}});
      return;
    }
    (void)session.accept_bind(e.sequence_number, kSmscSystemId);
  }

  void on_event(Connection& conn, smpp::Bound& e) {
    conn.system_id = e.peer_system_id;
    conn.bind = e.type;
    events_.emit({{"event", "bound"},
                  {"conn", conn.socket->id()},
                  {"system_id", e.peer_system_id},
                  {"bind", bind_name(e.type)}});
    if (conn.can_receive() && o_.mo_rate && !pacer_) {
      pacer_.emplace(*o_.mo_rate, Clock::now(), RatePacer::default_burst(*o_.mo_rate));
    }
  }

  void on_event(Connection& conn, smpp::RequestReceived& e) {
    const auto seq = e.pdu.sequence_number;
    if (auto* submit = std::get_if<smpp::SubmitSm>(&e.pdu.body)) {
      on_submit(conn, seq, smpp::CommandId::submit_sm, *submit, nullptr);
      return;
    }
    if (auto* data = std::get_if<smpp::DataSm>(&e.pdu.body)) {
      on_submit(conn, seq, smpp::CommandId::data_sm, {}, data);
      return;
    }
    // query_sm, cancel_sm, replace_sm, submit_multi, ...: not offered by this SMSC.
    const auto command = smpp::command_id_of(e.pdu.body);
    std::optional<std::uint32_t> status;
    if (e.needs_response) {
      status = smpp::status::inv_cmd_id;
      (void)conn.socket->session().respond(seq, command, *status);
    }
    events_.emit({{"event", "request"},
                  {"conn", conn.socket->id()},
                  {"seq", seq},
                  {"command", smpp::command_name(static_cast<std::uint32_t>(command))},
                  {"status", status ? json(*status) : json(nullptr)}});
  }

  void on_event(Connection& conn, smpp::ResponseReceived& e) {
    if (e.request != smpp::CommandId::deliver_sm) return;
    const auto now = Clock::now();
    InFlight f = conn.release(e.user_tag);
    const bool ok = e.pdu.command_status == smpp::status::ok;
    if (f.item && f.item->mo_id == 0) {
      receipt_stats_.on_answer(f.sent_at, now, ok);
      events_.emit({{"event", "deliver_sm_resp"},
                    {"conn", conn.socket->id()},
                    {"seq", e.pdu.sequence_number},
                    {"status", e.pdu.command_status},
                    {"mo_id", nullptr},
                    {"receipt_for", f.item->receipt_for}});
      return;
    }
    mo_stats_.on_answer(f.sent_at, now, ok);
    if (f.rate_mo) ++rate_answered_;
    if (events_.enabled()) {
      std::string from;
      if (f.item) {
        from = address_text(f.item->body.source);
      } else {
        phones_->at(f.rate_index, from);
      }
      events_.emit({{"event", "deliver_sm_resp"},
                    {"conn", conn.socket->id()},
                    {"seq", e.pdu.sequence_number},
                    {"status", e.pdu.command_status},
                    {"mo_id", f.mo_id},
                    {"part", f.item ? f.item->part : 1},
                    {"from", from}});
    }
    if (f.rate_mo) check_run_done();
  }

  void on_event(Connection& conn, smpp::Unbound& e) {
    if (e.by_peer) events_.emit({{"event", "unbind"}, {"conn", conn.socket->id()}});
  }

  void on_event(Connection& conn, smpp::Closed& e) {
    // Unanswered deliver_sm: control-mode MO and receipts go out again on the next bind
    // (a carrier redelivers); rate-mode MO are counted as lost.
    std::vector<DeliveryItem> requeue;
    for (const auto& out : e.outstanding) {
      if (out.request != smpp::CommandId::deliver_sm) continue;
      InFlight f = conn.release(out.user_tag);
      if (f.item) {
        f.item->resent = true;
        requeue.push_back(std::move(*f.item));
      } else {
        ++mo_stats_.lost;
        ++rate_answered_;
      }
    }
    pending_.insert(pending_.begin(), std::make_move_iterator(requeue.begin()),
                    std::make_move_iterator(requeue.end()));
    conn.socket->close_after_output();
    report_disconnected(conn);
    check_run_done();
  }

  void on_event(Connection& conn, smpp::ProtocolError& e) {
    events_.emit({{"event", "protocol_error"},
                  {"conn", conn.socket->id()},
                  {"command", smpp::command_name(e.command_id)},
                  {"seq", e.sequence_number},
                  {"detail", e.detail}});
  }

  void on_event(Connection&, smpp::OutbindReceived&) {}
  void on_event(Connection&, smpp::BindFailed&) {}
  void on_event(Connection&, smpp::RequestTimedOut&) {}

  // ---- submit_sm / data_sm --------------------------------------------------------

  void on_submit(Connection& conn, std::uint32_t seq, smpp::CommandId command,
                 const smpp::ShortMessageBody& submit, const smpp::DataSm* data) {
    const auto now = Clock::now();
    ++conn.submits;
    if (o_.drop_after && conn.submits >= *o_.drop_after) {
      events_.emit({{"event", "drop"}, {"conn", conn.socket->id()}, {"after_seq", seq}});
      drop(conn);
      return;
    }
    ++submit_counter_;
    std::uint32_t status = smpp::status::ok;
    if (submit_status_ != smpp::status::ok && submit_counter_ % submit_every_ == 0) {
      status = submit_status_;
    }
    std::string message_id;
    auto& session = conn.socket->session();
    if (status == smpp::status::ok) {
      if (next_id_as_written_) {
        message_id = std::move(next_id_as_written_->id);
        if (next_id_as_written_->receipt_id)
          receipt_ids_[message_id] = std::move(*next_id_as_written_->receipt_id);
        next_id_as_written_.reset();
      } else {
        message_id = format_message_id(next_id_++, o_.id_format);
      }
      if (data) {
        (void)session.respond(seq, command, status, smpp::DataSmResp{message_id, {}});
      } else {
        (void)session.respond(seq, command, status, smpp::SubmitSmResp{message_id, {}});
      }
    } else {
      (void)session.respond(seq, command, status);
    }
    submit_stats_.on_received(now, status == smpp::status::ok);

    const std::uint8_t registered = data ? data->registered_delivery : submit.registered_delivery;
    const bool want_receipt =
        status == smpp::status::ok && receipts_on_ && (registered & 0x03) != 0;
    if (events_.enabled() || want_receipt || o_.control_stdin) {
      const SubmittedMessage m = data ? describe_data_sm(*data) : describe_submit(submit);
      const auto& src = data ? data->source : submit.source;
      const auto& dst = data ? data->destination : submit.destination;
      if (events_.enabled()) {
        json udh = nullptr;
        if (m.concat) {
          udh = {{"ref", m.concat->reference},
                 {"total", m.concat->total},
                 {"seq", m.concat->sequence}};
        }
        events_.emit({{"event", data ? "data_sm" : "submit_sm"},
                      {"conn", conn.socket->id()},
                      {"seq", seq},
                      {"from", m.from},
                      {"to", m.to},
                      {"from_ton", src.ton},
                      {"to_ton", dst.ton},
                      {"data_coding", data ? data->data_coding : submit.data_coding},
                      {"esm_class", data ? data->esm_class : submit.esm_class},
                      {"registered_delivery", registered},
                      {"text", m.text},
                      {"udh", udh},
                      {"status", status},
                      {"message_id", status == smpp::status::ok ? json(message_id) : json(nullptr)},
                      {"received_us", std::chrono::duration_cast<std::chrono::microseconds>(
                                          conn.socket->read_at().time_since_epoch())
                                          .count()}});
      }
      if (status == smpp::status::ok) {
        SubmitRecord record{conn.system_id, src, dst, std::chrono::system_clock::now(), m.text};
        if (want_receipt) schedule_receipt(message_id, record, registered, now);
        if (o_.control_stdin) remember_submit(message_id, std::move(record));
      }
    }
    if (o_.exit_after_submits) {
      conn.socket->flush();
      check_run_done();
    }
  }

  void remember_submit(const std::string& message_id, SubmitRecord record) {
    if (submits_.size() >= kMaxRememberedSubmits) {
      submits_.erase(submit_order_.front());
      submit_order_.pop_front();
    }
    if (submits_.emplace(message_id, std::move(record)).second) submit_order_.push_back(message_id);
  }

  // ---- receipts ---------------------------------------------------------------------

  std::string receipt_id(const std::string& resp_id) const {
    if (auto it = receipt_ids_.find(resp_id); it != receipt_ids_.end()) return it->second;
    if (o_.receipt_id_format == ReceiptIdFormat::same) return resp_id;
    // The sim's own ids are numbers written in --id-format; re-write them.
    const int base = o_.id_format == IdFormat::hex ? 16 : 10;
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(resp_id.c_str(), &end, base);
    if (errno != 0 || end == resp_id.c_str() || *end != '\0') return resp_id;
    return format_message_id(
        n, o_.receipt_id_format == ReceiptIdFormat::hex ? IdFormat::hex : IdFormat::dec);
  }

  void schedule_receipt(const std::string& resp_id, const SubmitRecord& record,
                        std::uint8_t registered, Clock::time_point now) {
    ++receipt_counter_;
    const ReceiptStat stat =
        receipt_counter_ % receipt_every_ == 0 ? receipt_stat_ : *find_receipt_stat("DELIVRD");
    // registered_delivery 2: a receipt only when the message failed (SMPP 3.4 §5.2.17).
    if ((registered & 0x03) == 2 && stat.success) return;
    receipts_due_.push(ScheduledReceipt{now + receipt_delay_, receipt_id(resp_id), resp_id, record,
                                        stat, stat.success ? "000" : "001"});
    arm_receipt_timer();
  }

  void arm_receipt_timer() {
    if (receipts_due_.empty()) return;
    const auto due = receipts_due_.top().due;
    if (receipt_timer_armed_ && receipt_timer_due_ <= due) return;
    receipt_timer_armed_ = true;
    receipt_timer_due_ = due;
    receipt_timer_.expires_at(due);
    receipt_timer_.async_wait([this](const error_code& ec) {
      if (ec) return;  // re-armed earlier, or shutting down
      receipt_timer_armed_ = false;
      release_due_receipts();
    });
  }

  void release_due_receipts() {
    const auto now = Clock::now();
    while (!receipts_due_.empty() && receipts_due_.top().due <= now) {
      const ScheduledReceipt& r = receipts_due_.top();
      queue_receipt(r.message_id, r.resp_id, r.submit, r.stat, r.err);
      receipts_due_.pop();
    }
    arm_receipt_timer();
    pump();
  }

  void queue_receipt(const std::string& message_id, const std::string& resp_id,
                     const SubmitRecord& submit, const ReceiptStat& stat, const std::string& err) {
    ReceiptInput in{message_id,
                    submit.source,
                    submit.destination,
                    submit.submitted_at,
                    std::chrono::system_clock::now(),
                    stat,
                    err,
                    submit.text};
    DeliveryItem item;
    item.body = build_delivery_receipt(in);
    item.receipt_for = resp_id;
    item.stat = std::string(stat.text);
    item.system_id = submit.system_id;
    pending_.push_back(std::move(item));
  }

  // ---- MO --------------------------------------------------------------------------

  bool queue_text_mo(const std::string& from, const std::string& to, const std::string& text,
                     bool announce) {
    auto pdus = build_mo(from, to, text, ++concat_reference_);
    if (!pdus) {
      if (announce) {
        events_.emit({{"event", "error"}, {"message", pdus.error()}});
        return false;
      }
      return fail("--mo: " + pdus.error());
    }
    const std::uint64_t mo_id = ++mo_ids_;
    const auto parts = static_cast<std::uint32_t>(pdus->size());
    for (std::uint32_t i = 0; i < parts; ++i) {
      DeliveryItem item;
      item.body = std::move((*pdus)[i]);
      item.mo_id = mo_id;
      item.part = i + 1;
      item.parts = parts;
      pending_.push_back(std::move(item));
    }
    if (announce && !has_receiver()) events_.emit({{"event", "mo_queued"}, {"mo_id", mo_id}});
    return true;
  }

  void queue_raw_mo(MoRawCommand& cmd) {
    DeliveryItem item;
    item.body = build_raw_mo(cmd.from.value_or(o_.mo_from), cmd.to.value_or(o_.mo_to),
                             std::move(cmd.short_message), cmd.data_coding, cmd.esm_class, cmd.sar);
    item.mo_id = ++mo_ids_;
    pending_.push_back(std::move(item));
    if (!has_receiver()) events_.emit({{"event", "mo_queued"}, {"mo_id", mo_ids_}});
  }

  bool has_receiver() const {
    for (const auto& [id, conn] : connections_) {
      if (conn->can_receive()) return true;
    }
    return false;
  }

  // A bound receiver with room in its window (and of `system_id`, when given), in turn.
  Connection* next_receiver(const std::optional<std::string>& system_id) {
    if (connections_.empty()) return nullptr;
    auto it = connections_.upper_bound(last_receiver_);
    for (std::size_t n = 0; n < connections_.size(); ++n, ++it) {
      if (it == connections_.end()) it = connections_.begin();
      Connection& c = *it->second;
      if (!c.can_receive() || c.socket->session().window_free() == 0) continue;
      if (system_id && c.system_id != *system_id) continue;
      last_receiver_ = it->first;
      return &c;
    }
    return nullptr;
  }

  bool send_deliver(Connection& c, smpp::DeliverSm body, InFlight f, Clock::time_point now) {
    const auto slot = c.alloc(std::move(f));
    auto seq = c.socket->session().send_request(smpp::Body(std::move(body)), now, slot);
    if (!seq) {
      InFlight back = c.release(slot);
      events_.emit(
          {{"event", "error"},
           {"message", std::string("deliver_sm not sent: ") + smpp::to_string(seq.error())}});
      return false;
    }
    last_seq_ = *seq;
    return true;
  }

  // Sends what may go now: queued deliveries first (in order, each to a fitting receiver),
  // then rate-mode MO as the pacer allows. Called after every input and timer.
  void pump() {
    if (finished_) return;
    const auto now = Clock::now();
    std::vector<Connection*> touched;
    for (auto it = pending_.begin(); it != pending_.end();) {
      Connection* c = next_receiver(it->system_id);
      if (!c) {
        if (!it->system_id) break;  // nothing can take an MO now; keep the order
        ++it;
        continue;
      }
      DeliveryItem item = std::move(*it);
      it = pending_.erase(it);
      InFlight f{now, item.mo_id, false, 0, std::nullopt};
      smpp::DeliverSm body = item.body;
      const bool is_receipt = item.mo_id == 0;
      const auto mo_id = item.mo_id;
      const auto part = item.part;
      const auto parts = item.parts;
      const bool resent = item.resent;
      const std::string receipt_for = item.receipt_for;
      const std::string stat = item.stat;
      f.item = std::move(item);
      if (!send_deliver(*c, std::move(body), std::move(f), now)) continue;
      touched.push_back(c);
      if (is_receipt) {
        receipt_stats_.on_sent(now);
        events_.emit({{"event", "receipt"},
                      {"conn", c->socket->id()},
                      {"seq", last_seq_},
                      {"message_id", receipt_for},
                      {"stat", stat}});
        continue;
      }
      mo_stats_.on_sent(now);
      auto& seqs = mo_seqs_[mo_id];
      seqs.push_back(last_seq_);
      if (part == parts || resent) {
        json event = {{"event", "mo"},
                      {"mo_id", mo_id},
                      {"conn", c->socket->id()},
                      {"parts", parts},
                      {"seq", seqs}};
        if (resent) event["resent"] = true;
        events_.emit(event);
        mo_seqs_.erase(mo_id);
      }
    }
    pump_rate(now, touched);
    for (Connection* c : touched) c->socket->flush();
  }

  void pump_rate(Clock::time_point now, std::vector<Connection*>& touched) {
    if (!pacer_ || quitting_) return;
    while (o_.mo_count == 0 || rate_sent_ < o_.mo_count) {
      std::uint64_t due = pacer_->due(now);
      if (due == 0) {
        arm_pace_timer();
        return;
      }
      Connection* c = next_receiver(std::nullopt);
      if (!c) return;  // a deliver_sm_resp or a bind calls pump() again
      std::uint64_t n = std::min<std::uint64_t>(due, c->socket->session().window_free());
      n = std::min(n, kMaxBatch);
      if (o_.mo_count != 0) {
        n = std::min(n, (o_.mo_count - rate_sent_) * rate_parts_.size() - rate_part_);
      }
      touched.push_back(c);
      for (std::uint64_t i = 0; i < n; ++i) {
        if (!send_rate_part(*c, now)) return;
        pacer_->sent(1);
        mo_stats_.on_sent(now);
      }
    }
  }

  // The next deliver_sm of rate mode: part rate_part_ of MO rate_sent_. The parts of one MO
  // go in order, so a window of 1 sends them stop-and-wait as such carriers do; each MO of a
  // long text has its own concatenation reference (its phone's count, modulo 256).
  bool send_rate_part(Connection& c, Clock::time_point now) {
    smpp::DeliverSm body = rate_parts_[rate_part_];
    phones_->at(rate_sent_, phone_);
    body.source.addr.assign(phone_, phone_.starts_with('+') ? 1 : 0);
    constexpr std::size_t kReferenceOctet = 3;  // 05 00 03 REF TOTAL SEQ (mo_message.hpp)
    if (rate_parts_.size() > 1) {
      body.short_message[kReferenceOctet] = static_cast<std::uint8_t>(rate_sent_);
    }
    if (rate_part_ == 0) rate_mo_id_ = ++mo_ids_;
    if (!send_deliver(c, std::move(body),
                      InFlight{now, rate_mo_id_, true, rate_sent_, std::nullopt}, now)) {
      return false;
    }
    rate_seqs_.push_back(last_seq_);
    if (++rate_part_ < rate_parts_.size()) return true;
    if (events_.enabled()) {
      events_.emit({{"event", "mo"},
                    {"mo_id", rate_mo_id_},
                    {"conn", c.socket->id()},
                    {"parts", rate_parts_.size()},
                    {"seq", rate_seqs_},
                    {"from", phone_}});
    }
    rate_seqs_.clear();
    rate_part_ = 0;
    ++rate_sent_;
    return true;
  }

  void arm_pace_timer() {
    // Wake when a batch of ~1 ms worth of sends is due, not for every single one.
    const std::uint64_t batch =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(*o_.mo_rate / 1000.0));
    const auto when = pacer_->time_for(batch);
    if (pace_timer_armed_ && pace_timer_due_ <= when) return;
    pace_timer_armed_ = true;
    pace_timer_due_ = when;
    pace_timer_.expires_at(when);
    pace_timer_.async_wait([this](const error_code& ec) {
      if (ec) return;
      pace_timer_armed_ = false;
      pump();
    });
  }

  // --exit-when-done and --exit-after-submits: the run ends when every condition given
  // holds. quit() unbinds first, so that the last answers reach the peer.
  void check_run_done() {
    if (!o_.exit_when_done && !o_.exit_after_submits) return;
    if (o_.exit_when_done && rate_answered_ < o_.mo_count * rate_parts_.size()) return;
    if (o_.exit_after_submits && submit_stats_.count < *o_.exit_after_submits) return;
    quit();
  }

  // ---- control ------------------------------------------------------------------------

  void start_control_reader() {
    control_thread_started_ = true;
    std::thread([this] {
      std::string pending;
      char buf[65536];
      for (;;) {
        const ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t pos = 0;
        while ((pos = pending.find('\n')) != std::string::npos) {
          asio::post(io_, [this, line = pending.substr(0, pos)] { on_control_line(line); });
          pending.erase(0, pos + 1);
        }
      }
      if (!pending.empty()) asio::post(io_, [this, line = pending] { on_control_line(line); });
      asio::post(io_, [this] { quit(); });  // end of stdin is quit
    }).detach();
  }

  void on_control_line(const std::string& line) {
    if (finished_ || is_blank_line(line)) return;
    auto cmd = parse_control_command(line);
    if (!cmd) {
      events_.emit({{"event", "error"}, {"message", cmd.error()}});
      return;
    }
    std::visit([this](auto& c) { on_command(c); }, *cmd);
    pump();
  }

  void on_command(MoCommand& c) { queue_text_mo(c.from, c.to, c.text, true); }
  void on_command(MoRawCommand& c) { queue_raw_mo(c); }
  void on_command(ReceiptCommand& c) {
    auto it = submits_.find(c.message_id);
    if (it == submits_.end()) {
      events_.emit({{"event", "error"},
                    {"message",
                     "receipt: no submit_sm was answered with message id '" + c.message_id + "'"}});
      return;
    }
    const ReceiptStat stat = *find_receipt_stat(c.stat);
    queue_receipt(receipt_id(c.message_id), c.message_id, it->second, stat,
                  c.err.value_or(stat.success ? "000" : "001"));
  }
  void on_command(DropCommand&) {
    std::vector<std::shared_ptr<Connection>> all;
    for (auto& [id, conn] : connections_) all.push_back(conn);
    for (auto& conn : all) drop(*conn);
  }
  void on_command(UnbindCommand&) {
    for (auto& [id, conn] : connections_) {
      if (conn->socket->session().is_bound()) {
        (void)conn->socket->session().unbind(Clock::now());
        conn->socket->flush();
      }
    }
  }
  void on_command(StatsCommand&) {
    std::size_t bound = 0;
    std::size_t outstanding = 0;
    for (auto& [id, conn] : connections_) {
      if (conn->socket->session().is_bound()) ++bound;
      outstanding += conn->slots.size() - conn->free_slots.size();
    }
    events_.emit({{"event", "stats"},
                  {"connections", connections_.size()},
                  {"bound", bound},
                  {"submits", submit_stats_.count},
                  {"mo_sent", mo_stats_.sent},
                  {"mo_acked", mo_stats_.ok},
                  {"mo_failed", mo_stats_.failed},
                  {"receipts_sent", receipt_stats_.sent},
                  {"queued", pending_.size()},
                  {"outstanding", outstanding}});
  }
  void on_command(QuitCommand&) { quit(); }
  void on_command(SetSubmitStatus& c) {
    submit_status_ = c.status;
    submit_every_ = c.every;
    submit_counter_ = 0;
  }
  void on_command(SetReceiptStat& c) {
    receipt_stat_ = *find_receipt_stat(c.stat);
    receipt_every_ = c.every;
    receipt_counter_ = 0;
  }
  void on_command(SetReceiptDelay& c) {
    receipt_delay_ = c.delay;
    receipts_on_ = true;
  }
  void on_command(SetReceipts& c) { receipts_on_ = c.on; }
  void on_command(SetNextId& c) { next_id_as_written_ = std::move(c); }

  void drop(Connection& conn) {
    conn.socket->abort();
    conn.socket->session().close();
    on_input(conn);  // the Closed event re-queues what was in flight
  }

  // ---- the end ----------------------------------------------------------------------

  // Unbind every bound session, give them a moment to answer, then finish.
  void quit() {
    if (quitting_ || finished_) return;
    quitting_ = true;
    error_code ec;
    acceptor_.close(ec);
    for (auto& [id, conn] : connections_) {
      auto& session = conn->socket->session();
      if (session.is_bound()) {
        (void)session.unbind(Clock::now());
        conn->socket->flush();
      } else {
        conn->socket->abort();
      }
    }
    if (connections_.empty()) {
      finish();
      return;
    }
    quit_timer_.expires_after(kQuitUnbindWait);
    quit_timer_.async_wait([this](const error_code& e) {
      if (!e) finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    print_report();
    std::fflush(stdout);
    io_.stop();
  }

  void print_report() {
    std::fprintf(stderr,
                 "smsc: mo %llu sent, %llu ok, %llu failed, %llu lost in %.3f s = %.0f/s; "
                 "deliver_sm->resp ms %s\n",
                 static_cast<unsigned long long>(mo_stats_.sent),
                 static_cast<unsigned long long>(mo_stats_.ok),
                 static_cast<unsigned long long>(mo_stats_.failed),
                 static_cast<unsigned long long>(mo_stats_.lost), mo_stats_.seconds(),
                 mo_stats_.per_second(), latency_text(mo_stats_.latency).c_str());
    std::fprintf(
        stderr,
        "smsc: submit_sm %llu answered (%llu ok) in %.3f s = %.0f/s; receipts %llu sent, %llu ok\n",
        static_cast<unsigned long long>(submit_stats_.count),
        static_cast<unsigned long long>(submit_stats_.ok), submit_stats_.seconds(),
        submit_stats_.per_second(), static_cast<unsigned long long>(receipt_stats_.sent),
        static_cast<unsigned long long>(receipt_stats_.ok));
    if (!o_.json) return;
    events_.emit_always({{"event", "report"},
                         {"mode", "smsc"},
                         {"mo_sent", mo_stats_.sent},
                         {"mo_ok", mo_stats_.ok},
                         {"mo_failed", mo_stats_.failed},
                         {"mo_lost", mo_stats_.lost},
                         {"mo_per_s", std::round(mo_stats_.per_second())},
                         {"mo_latency_ms", latency_json(mo_stats_.latency)},
                         {"submits", submit_stats_.count},
                         {"submits_ok", submit_stats_.ok},
                         {"submits_per_s", std::round(submit_stats_.per_second())},
                         {"receipts_sent", receipt_stats_.sent},
                         {"receipts_ok", receipt_stats_.ok}});
  }

  asio::io_context& io_;
  SmscOptions o_;
  EventSink events_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer receipt_timer_;
  asio::steady_timer pace_timer_;
  asio::steady_timer quit_timer_;
  int exit_status_ = 0;
  bool quitting_ = false;
  bool finished_ = false;
  bool control_thread_started_ = false;

  std::map<int, std::shared_ptr<Connection>> connections_;
  int connection_count_ = 0;
  int last_receiver_ = 0;
  std::uint32_t last_seq_ = 0;

  // submit_sm answers
  std::uint32_t submit_status_ = 0;
  std::uint32_t submit_every_ = 1;
  std::uint64_t submit_counter_ = 0;
  std::uint64_t next_id_ = 0;
  std::optional<SetNextId> next_id_as_written_;     // set next-id: the next answer's id
  std::map<std::string, std::string> receipt_ids_;  // set next-id RECEIPT_ID, by resp id
  std::unordered_map<std::string, SubmitRecord> submits_;
  std::deque<std::string> submit_order_;

  // receipts
  bool receipts_on_ = false;
  std::chrono::milliseconds receipt_delay_{0};
  ReceiptStat receipt_stat_{};
  std::uint32_t receipt_every_ = 1;
  std::uint64_t receipt_counter_ = 0;
  std::priority_queue<ScheduledReceipt, std::vector<ScheduledReceipt>, std::greater<>>
      receipts_due_;
  bool receipt_timer_armed_ = false;
  Clock::time_point receipt_timer_due_;

  // MO
  std::deque<DeliveryItem> pending_;
  std::map<std::uint64_t, std::vector<std::uint32_t>> mo_seqs_;
  std::uint64_t mo_ids_ = 0;
  std::uint8_t concat_reference_ = 0;
  std::optional<PhoneSequence> phones_;
  std::vector<smpp::DeliverSm> rate_parts_;  // the deliver_sm of one rate-mode MO
  std::size_t rate_part_ = 0;                // the next one to send of MO rate_sent_
  std::uint64_t rate_mo_id_ = 0;
  std::vector<std::uint32_t> rate_seqs_;
  std::string phone_;
  std::optional<RatePacer> pacer_;
  std::uint64_t rate_sent_ = 0;
  std::uint64_t rate_answered_ = 0;
  bool pace_timer_armed_ = false;
  Clock::time_point pace_timer_due_;

  // report
  RequestStats mo_stats_;
  RequestStats receipt_stats_;
  ReceivedStats submit_stats_;

 public:
  [[nodiscard]] bool control_thread_started() const { return control_thread_started_; }
};

}  // namespace

int run_smsc(const SmscOptions& options) {
  asio::io_context io(1);
  auto sim = std::make_unique<SmscSimulator>(io, options);
  if (!sim->start()) return sim->exit_status();
  io.run();
  const int status = sim->exit_status();
  if (sim->control_thread_started()) {
    // The stdin reader may be blocked in read(2) and still holds a pointer to the sim:
    // end the process here rather than destroy what it could touch.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(status);
  }
  return status;
}

}  // namespace smppgw::sim
