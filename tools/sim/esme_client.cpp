// smppgw-sim esme: a carrier ESME that binds to a server (the daemon's listener) and submits
// at a rate (tools/sim/README.md). Each of --connections binds on its own and sends its share
// of --count within its window; deliver_sm from the server are answered ESME_ROK at once.
#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "tools/sim/event_sink.hpp"
#include "tools/sim/mo_message.hpp"
#include "tools/sim/rate_pacer.hpp"
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

// How long the esme waits for the unbind_resp at the end of its run.
constexpr std::chrono::seconds kUnbindWait{2};
constexpr std::uint64_t kMaxBatch = 4096;

std::uint64_t tag_of(Clock::time_point t) {
  return static_cast<std::uint64_t>(t.time_since_epoch().count());
}
Clock::time_point time_of(std::uint64_t tag) {
  return Clock::time_point(Clock::duration(static_cast<Clock::duration::rep>(tag)));
}

struct EsmeConnection {
  int id = 0;
  std::shared_ptr<SessionSocket> socket;
  std::uint64_t share = 0;  // submit_sm this connection sends
  std::uint64_t first = 0;  // index of its first submit (destination numbering)
  std::uint64_t sent = 0;
  std::uint64_t answered = 0;  // responses and losses
  std::optional<RatePacer> pacer;
  std::unique_ptr<asio::steady_timer> pace_timer;
  std::unique_ptr<asio::steady_timer> linger_timer;
  bool pace_timer_armed = false;
  bool unbinding = false;
  bool gone = false;
};

class EsmeClient {
 public:
  EsmeClient(asio::io_context& io, EsmeOptions options)
      : io_(io),
        o_(std::move(options)),
        events_(stdout, o_.events),
        signals_(io, SIGINT, SIGTERM),
        end_timer_(io) {}

  bool start() {
    auto pdus = build_mo(o_.from, o_.to_prefix + std::string(o_.to_width, '0'), o_.text, 0);
    if (!pdus) return fail("--text: " + pdus.error());
    if (pdus->size() != 1) return fail("--text must fit one message");
    static_cast<smpp::ShortMessageBody&>(template_) =
        static_cast<smpp::ShortMessageBody&>(pdus->front());
    template_.registered_delivery = o_.registered_delivery;
    dest_prefix_ =
        template_.destination.addr.substr(0, template_.destination.addr.size() - o_.to_width);
    modulus_ = 1;
    for (std::uint32_t i = 0; i < o_.to_width; ++i) modulus_ *= 10;

    error_code ec;
    const auto address = asio::ip::make_address_v4(o_.connect.host, ec);
    if (ec) return fail("bad address " + o_.connect.host);
    endpoint_ = tcp::endpoint(address, o_.connect.port);
    std::uint64_t next = 0;
    for (std::uint32_t i = 0; i < o_.connections; ++i) {
      auto c = std::make_shared<EsmeConnection>();
      c->id = static_cast<int>(i + 1);
      c->share = o_.count / o_.connections + (i < o_.count % o_.connections ? 1 : 0);
      c->first = next;
      next += c->share;
      c->pace_timer = std::make_unique<asio::steady_timer>(io_);
      c->linger_timer = std::make_unique<asio::steady_timer>(io_);
      connections_.push_back(c);
      asio::co_spawn(io_, connect(c), asio::detached);
    }
    signals_.async_wait([this](const error_code& e, int) {
      if (!e) end_run();
    });
    return true;
  }

  [[nodiscard]] int exit_status() const { return exit_status_; }

 private:
  bool fail(const std::string& message) {
    std::fprintf(stderr, "smppgw-sim esme: %s\n", message.c_str());
    exit_status_ = 1;
    return false;
  }

  asio::awaitable<void> connect(std::shared_ptr<EsmeConnection> c) {
    tcp::socket socket(io_);
    error_code ec;
    co_await socket.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      fail("cannot connect to " + o_.connect.host + ":" + std::to_string(o_.connect.port) + ": " +
           ec.message());
      finish();
      co_return;
    }
    smpp::SessionConfig config;
    config.role = smpp::Role::esme;
    config.window = o_.window;
    const auto now = Clock::now();
    smpp::Session session(config, now);
    smpp::BindBody body;
    body.system_id = o_.system_id;
    body.password = o_.password;
    const auto type = o_.bind == BindKind::transmitter ? smpp::BindType::transmitter
                                                       : smpp::BindType::transceiver;
    (void)session.bind(type, body, now);
    c->socket = std::make_shared<SessionSocket>(std::move(socket), std::move(session), c->id);
    c->socket->start([this, c](SessionSocket&) { on_input(*c); },
                     [this, c](SessionSocket&) { on_gone(*c); });
    c->socket->flush();
  }

  void on_input(EsmeConnection& c) {
    auto& session = c.socket->session();
    while (auto event = session.next_event()) {
      std::visit([&](auto& e) { on_event(c, e); }, *event);
    }
    pump(c);
    c.socket->flush();
  }

  void on_gone(EsmeConnection& c) {
    c.gone = true;
    events_.emit({{"event", "disconnected"}, {"conn", c.id}});
    for (const auto& other : connections_) {
      if (!other->gone && other->socket) return;
    }
    finish();
  }

  void on_event(EsmeConnection& c, smpp::Bound& e) {
    events_.emit({{"event", "bound"},
                  {"conn", c.id},
                  {"system_id", e.peer_system_id},
                  {"bind", o_.bind == BindKind::transmitter ? "transmitter" : "transceiver"}});
    const double rate = o_.rate / static_cast<double>(o_.connections);
    c.pacer.emplace(rate, Clock::now(), RatePacer::default_burst(rate));
    if (c.share == 0) finish_connection(c);
  }

  void on_event(EsmeConnection& c, smpp::BindFailed& e) {
    fail("bind refused with status 0x" + [&] {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%08X", e.status);
      return std::string(buf);
    }());
    events_.emit({{"event", "bind_failed"}, {"conn", c.id}, {"status", e.status}});
  }

  void on_event(EsmeConnection& c, smpp::ResponseReceived& e) {
    if (e.request != smpp::CommandId::submit_sm) return;
    const auto now = Clock::now();
    const bool ok = e.pdu.command_status == smpp::status::ok;
    stats_.on_answer(time_of(e.user_tag), now, ok);
    ++c.answered;
    if (events_.enabled()) {
      const auto* resp = std::get_if<smpp::SubmitSmResp>(&e.pdu.body);
      events_.emit({{"event", "submit_sm_resp"},
                    {"conn", c.id},
                    {"seq", e.pdu.sequence_number},
                    {"status", e.pdu.command_status},
                    {"message_id", resp ? json(resp->message_id) : json(nullptr)}});
    }
    if (c.answered == c.share) finish_connection(c);
  }

  // Every submit of this connection is answered: stay bound for --linger, then unbind.
  void finish_connection(EsmeConnection& c) {
    if (o_.linger.count() == 0) {
      begin_unbind(c);
      return;
    }
    c.linger_timer->expires_after(o_.linger);
    c.linger_timer->async_wait([this, &c](const error_code& ec) {
      if (ec || c.gone) return;
      begin_unbind(c);
    });
  }

  void on_event(EsmeConnection& c, smpp::RequestReceived& e) {
    const auto now = Clock::now();
    auto& session = c.socket->session();
    const auto command = smpp::command_id_of(e.pdu.body);
    if (auto* deliver = std::get_if<smpp::DeliverSm>(&e.pdu.body)) {
      (void)session.respond(e.pdu.sequence_number, command, smpp::status::ok,
                            smpp::DeliverSmResp{});
      delivers_.on_received(now, true);
      if (events_.enabled()) {
        const SubmittedMessage m = describe_submit(*deliver);
        events_.emit({{"event", "deliver_sm"},
                      {"conn", c.id},
                      {"seq", e.pdu.sequence_number},
                      {"from", m.from},
                      {"to", m.to},
                      {"esm_class", deliver->esm_class},
                      {"data_coding", deliver->data_coding},
                      {"text", m.text}});
      }
      return;
    }
    if (e.needs_response)
      (void)session.respond(e.pdu.sequence_number, command, smpp::status::inv_cmd_id);
    events_.emit({{"event", "request"},
                  {"conn", c.id},
                  {"seq", e.pdu.sequence_number},
                  {"command", smpp::command_name(static_cast<std::uint32_t>(command))}});
  }

  void on_event(EsmeConnection& c, smpp::Closed& e) {
    for (const auto& out : e.outstanding) {
      if (out.request != smpp::CommandId::submit_sm) continue;
      ++stats_.lost;
      ++c.answered;
    }
    if (c.sent < c.share) {
      stats_.lost += c.share - c.sent;  // never sent: the connection is gone
      c.answered += c.share - c.sent;
      c.sent = c.share;
    }
    if (e.reason != smpp::CloseReason::unbound) {
      events_.emit({{"event", "closed"},
                    {"conn", c.id},
                    {"reason", smpp::to_string(e.reason)},
                    {"detail", e.detail}});
      if (!ending_ && e.reason != smpp::CloseReason::bind_failed) {
        std::fprintf(stderr, "smppgw-sim esme: connection %d closed: %s %s\n", c.id,
                     smpp::to_string(e.reason), e.detail.c_str());
      }
    }
    c.socket->close_after_output();
  }

  void on_event(EsmeConnection& c, smpp::Unbound& e) {
    if (e.by_peer) events_.emit({{"event", "unbind"}, {"conn", c.id}});
  }
  void on_event(EsmeConnection& c, smpp::ProtocolError& e) {
    events_.emit({{"event", "protocol_error"}, {"conn", c.id}, {"detail", e.detail}});
  }
  void on_event(EsmeConnection&, smpp::BindRequested&) {}
  void on_event(EsmeConnection&, smpp::OutbindReceived&) {}
  void on_event(EsmeConnection&, smpp::RequestTimedOut&) {}

  void begin_unbind(EsmeConnection& c) {
    if (c.unbinding) return;
    c.unbinding = true;
    (void)c.socket->session().unbind(Clock::now());
    c.socket->flush();
  }

  void pump(EsmeConnection& c) {
    if (!c.pacer || c.unbinding || ending_ || !c.socket->session().is_bound()) return;
    auto& session = c.socket->session();
    const auto now = Clock::now();
    while (c.sent < c.share) {
      std::uint64_t n = std::min<std::uint64_t>(c.pacer->due(now), session.window_free());
      if (n == 0) {
        if (session.window_free() > 0) arm_pace_timer(c);
        return;
      }
      n = std::min({n, c.share - c.sent, kMaxBatch});
      for (std::uint64_t i = 0; i < n; ++i) {
        smpp::SubmitSm submit = template_;
        write_destination(c.first + c.sent, submit.destination.addr);
        auto seq = session.send_request(smpp::Body(std::move(submit)), now, tag_of(now));
        if (!seq) {
          fail(std::string("submit_sm not sent: ") + smpp::to_string(seq.error()));
          end_run();
          return;
        }
        ++c.sent;
        stats_.on_sent(now);
      }
      c.pacer->sent(n);
    }
  }

  void write_destination(std::uint64_t index, std::string& out) const {
    out = dest_prefix_;
    char digits[24];
    std::snprintf(digits, sizeof digits, "%0*llu", static_cast<int>(o_.to_width),
                  static_cast<unsigned long long>(index % modulus_));
    out.append(digits);
  }

  void arm_pace_timer(EsmeConnection& c) {
    const std::uint64_t batch = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(o_.rate / static_cast<double>(o_.connections) / 1000.0));
    const auto when = c.pacer->time_for(batch);
    if (c.pace_timer_armed) return;
    c.pace_timer_armed = true;
    c.pace_timer->expires_at(when);
    c.pace_timer->async_wait([this, &c](const error_code& ec) {
      c.pace_timer_armed = false;
      if (ec || c.gone) return;
      pump(c);
      c.socket->flush();
    });
  }

  // SIGINT/SIGTERM: stop sending, unbind, report.
  void end_run() {
    if (ending_) return;
    ending_ = true;
    for (auto& c : connections_) {
      if (c->socket && !c->gone && c->socket->session().is_bound()) begin_unbind(*c);
    }
    end_timer_.expires_after(kUnbindWait);
    end_timer_.async_wait([this](const error_code& e) {
      if (!e) finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    std::fprintf(
        stderr,
        "esme: submit_sm %llu sent, %llu ok, %llu failed, %llu lost in %.3f s = %.0f/s; "
        "submit->resp ms %s; deliver_sm %llu received\n",
        static_cast<unsigned long long>(stats_.sent), static_cast<unsigned long long>(stats_.ok),
        static_cast<unsigned long long>(stats_.failed),
        static_cast<unsigned long long>(stats_.lost), stats_.seconds(), stats_.per_second(),
        latency_text(stats_.latency).c_str(), static_cast<unsigned long long>(delivers_.count));
    if (o_.json) {
      events_.emit_always({{"event", "report"},
                           {"mode", "esme"},
                           {"submits_sent", stats_.sent},
                           {"submits_ok", stats_.ok},
                           {"submits_failed", stats_.failed},
                           {"submits_lost", stats_.lost},
                           {"submits_per_s", std::round(stats_.per_second())},
                           {"submit_latency_ms", latency_json(stats_.latency)},
                           {"deliver_sm", delivers_.count}});
    }
    if (exit_status_ == 0 && (stats_.lost > 0 || stats_.ok + stats_.failed < o_.count)) {
      exit_status_ = 1;  // the run did not complete
    }
    for (auto& c : connections_) {
      if (c->socket) c->socket->abort();
    }
    io_.stop();
  }

  asio::io_context& io_;
  EsmeOptions o_;
  EventSink events_;
  asio::signal_set signals_;
  asio::steady_timer end_timer_;
  tcp::endpoint endpoint_;
  smpp::SubmitSm template_;
  std::string dest_prefix_;
  std::uint64_t modulus_ = 1;
  std::vector<std::shared_ptr<EsmeConnection>> connections_;
  RequestStats stats_;
  ReceivedStats delivers_;
  int exit_status_ = 0;
  bool ending_ = false;
  bool finished_ = false;
};

}  // namespace

int run_esme(const EsmeOptions& options) {
  asio::io_context io(1);
  auto client = std::make_unique<EsmeClient>(io, options);
  if (!client->start()) return client->exit_status();
  io.run();
  return client->exit_status();
}

}  // namespace smppgw::sim
