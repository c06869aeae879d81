#include "daemon/listener.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <spdlog/spdlog.h>

#include "daemon/dispatcher.hpp"
#include "daemon/log_limited.hpp"
#include "daemon/mo_pipeline.hpp"
#include "daemon/receipt_matcher.hpp"
#include "daemon/receipt_queue.hpp"
#include "protocol/delivery_receipt.hpp"

namespace smppgw::daemon {

namespace {

using SteadyClock = std::chrono::steady_clock;

// After our unbind at shutdown, the carrier's unbind_resp gets this long (as on links).
constexpr std::chrono::milliseconds kUnbindWait{1000};
constexpr std::chrono::milliseconds kDrainPoll{10};
// accept() failing (EMFILE, ENFILE, ENOBUFS) is retried after this pause, not in a busy loop.
constexpr std::chrono::milliseconds kAcceptRetry{100};

// A system_id from the network, fit for a log line: printable ASCII, bounded.
std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 32;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out;
}

bool receives_mt(smpp::BindType type) {
  return type != smpp::BindType::transmitter;
}
bool sends_mo(smpp::BindType type) {
  return type != smpp::BindType::receiver;
}

// SMPP 3.4 §7.1.1 absolute time "YYMMDDhhmmsstnnp" in UTC (nn = 00 quarter hours, '+').
std::string smpp_absolute_time(store::Timestamp at) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(at);
  const std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%y%m%d%H%M%S", &tm);
  const auto tenths = (at - secs).count() / 100;
  return std::string(buf) + static_cast<char>('0' + tenths) + "00+";
}

const conf::ListenAccount* find_account(const conf::ListenConfig& config,
                                        std::string_view system_id) {
  for (const auto& account : config.accounts) {
    if (account.system_id == system_id) return &account;
  }
  return nullptr;
}

}  // namespace

std::string listener_link_name(std::string_view system_id) {
  return "listen:" + std::string(system_id);
}

conf::LinkConfig listener_link_settings(const conf::ListenAccount& account) {
  conf::LinkConfig link;
  link.name = listener_link_name(account.system_id);
  link.system_id = account.system_id;
  link.short_codes = account.short_codes;
  link.window = Listener::kWindow;
  link.max_tps = 0;
  link.response_timeout = Listener::kResponseTimeout;
  link.enquire_link = Listener::kEnquireLinkInterval;
  link.dcs0_charset = conf::Dcs0Charset::gsm7;
  link.registered_delivery = 0;
  return link;
}

// One accepted connection. Everything but `strand` and `connection` (set before the peer
// is shared) is touched only on `strand`.
struct Listener::Peer {
  Peer(Strand s, PeerAddress a, std::string r)
      : strand(s), address(a), remote(std::move(r)), bind_timer(s) {}

  Strand strand;
  PeerAddress address;
  std::string remote;  // "address:port", for logs
  // The address without the port: what repeated log lines from one peer are counted by
  // (each reconnection has another port).
  std::string_view host() const { return std::string_view(remote).substr(0, remote.rfind(':')); }
  std::shared_ptr<SmppConnection> connection;

  // A bind whose answer waits out the slow-down delay.
  asio::steady_timer bind_timer;
  std::optional<ListenerAccounts::Decision> pending;
  std::uint32_t pending_sequence = 0;
  std::string pending_system_id;

  // Once bound.
  std::optional<conf::ListenAccount> account;
  ListenerAccounts::Lease lease;
  bool counted = false;  // counted in bound_
  std::shared_ptr<MoPipeline> mo;
  std::shared_ptr<ReceiptMatcher> receipts;
  std::shared_ptr<Dispatcher> dispatcher;
  ReceiptQueue receipts_out;  // delivery receipts owed to the carrier on this bind
  std::uint64_t receipts_dropped = 0;
};

Listener::Listener(asio::io_context& io, Services& services, conf::ListenConfig config)
    : io_(io),
      services_(services),
      strand_(asio::make_strand(io)),
      acceptor_(strand_),
      accounts_(std::make_shared<ListenerAccounts>(config.accounts)),
      config_(std::move(config)) {}

Listener::~Listener() = default;

tl::expected<void, std::string> Listener::start() {
  conf::Endpoint where;
  {
    std::lock_guard lock(mutex_);
    where = config_.address;
  }
  const std::string what = "smpp.listen.address " + where.to_string();
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (ec) return tl::unexpected(what + ": not a numeric address: " + ec.message());
  const tcp::endpoint endpoint(address, where.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return tl::unexpected("cannot listen on " + what + ": " + ec.message() +
                          " (is another process using the port?)");
  }
  const auto bound_to = acceptor_.local_endpoint(ec);
  std::size_t accounts = 0;
  {
    std::lock_guard lock(mutex_);
    accounts = config_.accounts.size();
  }
  spdlog::info("listener: accepting SMPP binds on {}:{} ({} accounts)",
               bound_to.address().to_string(), bound_to.port(), accounts);
  asio::co_spawn(strand_, accept_loop(), asio::detached);
  return {};
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> Listener::accept_loop() {
  auto self = shared_from_this();
  asio::steady_timer pause(strand_);
  while (!stopping_) {
    auto peer_strand = asio::make_strand(io_);
    tcp::socket socket(peer_strand);
    boost::system::error_code ec;
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_ || ec == asio::error::operation_aborted) break;
    if (ec) {
      log_limited(LogCondition::connection_refused, "accept",
                  "listener: accept failed: {}; retrying", ec.message());
      pause.expires_after(kAcceptRetry);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const auto remote = socket.remote_endpoint(ec);
    if (ec) continue;  // the peer is gone already
    auto raw = remote.address();
    PeerAddress address;
    if (raw.is_v4()) {
      const auto b = raw.to_v4().to_bytes();
      address = PeerAddress::from_bytes(b.data(), b.size());
    } else {
      const auto b = raw.to_v6().to_bytes();
      address = PeerAddress::from_bytes(b.data(), b.size());
    }
    const std::string remote_text = address.to_string() + ":" + std::to_string(remote.port());
    if (connections() >= kMaxConnections) {
      log_limited(LogCondition::connection_refused, address.to_string(),
                  "listener: {} open connections; closing the one from {}", kMaxConnections,
                  remote_text);
      socket.close(ec);
      continue;
    }

    auto peer = std::make_shared<Peer>(peer_strand, address, remote_text);
    smpp::SessionConfig session;
    session.role = smpp::Role::smsc;
    session.window = kWindow;
    session.response_timeout = kResponseTimeout;
    session.enquire_link_interval = kEnquireLinkInterval;
    // A bind whose answer waits out the slow-down must not hit session_init first.
    session.bind_timeout = kSessionInitTimeout + ListenerAccounts::kMaxFailureDelay;
    std::weak_ptr<Peer> weak = peer;
    peer->connection = std::make_shared<SmppConnection>(
        std::move(socket), session, [this, weak](SmppConnection& c, smpp::Event& e) {
          if (auto p = weak.lock()) on_event(p, c, e);
        });
    {
      std::lock_guard lock(mutex_);
      peers_.insert(peer);
    }
    spdlog::debug("listener: connection {} from {}", peer->connection->id(), remote_text);
    asio::co_spawn(peer_strand, run_peer(peer), asio::detached);
  }
}

asio::awaitable<void> Listener::run_peer(std::shared_ptr<Peer> peer) {
  auto self = shared_from_this();
  co_await peer->connection->run();
  peer_finished(peer);
}

void Listener::peer_finished(const std::shared_ptr<Peer>& peer) {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    peers_.erase(peer);
    if (stopping_ && peers_.empty() && on_stopped_) {
      done = std::move(on_stopped_);
      on_stopped_ = nullptr;
    }
  }
  if (done) done();
}

void Listener::on_event(const std::shared_ptr<Peer>& shared, SmppConnection& connection,
                        smpp::Event& event) {
  Peer& peer = *shared;
  std::visit(
      [&](auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, smpp::BindRequested>) {
          on_bind(shared, connection, e);
        } else if constexpr (std::is_same_v<E, smpp::Bound>) {
          on_bound(shared, connection, e);
        } else if constexpr (std::is_same_v<E, smpp::RequestReceived>) {
          on_request(peer, connection, e);
        } else if constexpr (std::is_same_v<E, smpp::ResponseReceived>) {
          if (e.user_tag == ReceiptQueue::kTag) {
            peer.receipts_out.answered(e.pdu.sequence_number);
            if (e.pdu.command_status != smpp::status::ok) {
              log_limited(LogCondition::submit_refused, peer.host(),
                          "listener {}: the carrier refused a delivery receipt: 0x{:08X}",
                          peer.remote, e.pdu.command_status);
            }
          } else if (!peer.dispatcher || !peer.dispatcher->on_response(e)) {
            spdlog::debug("listener {}: response to {} ignored", peer.remote,
                          smpp::command_name(static_cast<std::uint32_t>(e.request)));
          }
          // A window slot is free again: receipts waiting for one go first.
          if (peer.receipts_out.size() > 0) peer.receipts_out.flush(connection);
        } else if constexpr (std::is_same_v<E, smpp::RequestTimedOut>) {
          spdlog::warn(
              "listener {}: no response to request {} within {} s; the connection is "
              "considered dead",
              peer.remote, e.sequence_number, kResponseTimeout.count());
        } else if constexpr (std::is_same_v<E, smpp::Unbound>) {
          spdlog::info("listener {}: unbound ({})", peer.remote,
                       e.by_peer ? "by the carrier" : "by us");
        } else if constexpr (std::is_same_v<E, smpp::Closed>) {
          on_closed(peer, e);
        } else if constexpr (std::is_same_v<E, smpp::ProtocolError>) {
          log_limited(LogCondition::protocol_error, peer.host(),
                      "listener {}: protocol error (command 0x{:08X}, seq {}): {}", peer.remote,
                      e.command_id, e.sequence_number, e.detail);
        } else {
          // BindFailed and OutbindReceived belong to the ESME role: a session in the SMSC
          // role does not emit them.
        }
      },
      event);
}

void Listener::on_bind(const std::shared_ptr<Peer>& shared, SmppConnection& connection,
                       const smpp::BindRequested& bind) {
  Peer& peer = *shared;
  peer.pending_sequence = bind.sequence_number;
  peer.pending_system_id = printable(bind.body.system_id);
  if (stopping_) {
    spdlog::info("listener {}: bind as '{}' refused: shutting down", peer.remote,
                 peer.pending_system_id);
    (void)connection.session().reject_bind(bind.sequence_number, smpp::status::bind_fail);
    return;
  }
  // The password is used here and nowhere else; it is never logged.
  peer.pending =
      accounts_->check(bind.body.system_id, bind.body.password, peer.address, SteadyClock::now());
  if (peer.pending->delay.count() == 0) {
    answer_bind(peer, connection);
    return;
  }
  // Counted apart from the refusals themselves, so that their first line (the reason) shows.
  log_limited(LogCondition::bind_refused, std::string(peer.host()) + " slowed",
              "listener {}: bind as '{}' answered in {} ms (recent failures from this address)",
              peer.remote, peer.pending_system_id, peer.pending->delay.count());
  peer.bind_timer.expires_after(peer.pending->delay);
  // The timer is cancelled when the connection closes (on_closed).
  peer.bind_timer.async_wait([self = shared_from_this(), p = shared,
                              c = connection.shared_from_this()](boost::system::error_code ec) {
    if (ec || c->closed() || !p->pending) return;
    self->answer_bind(*p, *c);
    c->pump();
  });
}

void Listener::answer_bind(Peer& peer, SmppConnection& connection) {
  ListenerAccounts::Decision decision = std::move(*peer.pending);
  peer.pending.reset();
  decision.wait.release();
  if (!decision.accepted()) {
    log_limited(LogCondition::bind_refused, peer.host(),
                "listener {}: bind as '{}' refused: {} (answered 0x{:08X})", peer.remote,
                peer.pending_system_id, to_string(*decision.refusal), decision.status);
    (void)connection.session().reject_bind(peer.pending_sequence, decision.status);
    return;
  }
  peer.account = std::move(decision.account);
  peer.lease = std::move(decision.lease);
  if (auto sent = connection.session().accept_bind(peer.pending_sequence, std::string(kSystemId));
      !sent) {
    spdlog::error("listener {}: bind_resp cannot be sent: {}", peer.remote,
                  smpp::to_string(sent.error()));
    connection.close();
  }
}

void Listener::on_bound(const std::shared_ptr<Peer>& shared, SmppConnection& connection,
                        const smpp::Bound& bound) {
  Peer& peer = *shared;
  if (!peer.account) return;  // accept_bind is only called with an account
  const auto settings = listener_link_settings(*peer.account);
  spdlog::info("listener {}: '{}' bound as {} (short codes {})", peer.remote,
               peer.account->system_id, smpp::to_string(bound.type),
               fmt::join(peer.account->short_codes, ","));
  count_bound(peer.account->system_id, +1);
  peer.counted = true;
  if (sends_mo(bound.type)) {
    peer.receipts = std::make_shared<ReceiptMatcher>(services_, settings.name, peer.strand);
    peer.mo = std::make_shared<MoPipeline>(services_, settings, peer.strand, peer.receipts);
    // Runs on this peer's strand, possibly after a commit that completed during shutdown.
    peer.mo->send_receipt = [weak_self = weak_from_this(), weak = std::weak_ptr<Peer>(shared)](
                                const std::shared_ptr<SmppConnection>&, smpp::DeliverSm receipt) {
      auto self = weak_self.lock();
      auto from = weak.lock();
      if (self && from) self->route_receipt(*from, std::move(receipt));
    };
  }
  if (receives_mt(bound.type)) {
    peer.dispatcher =
        std::make_shared<Dispatcher>(services_, settings, peer.strand, MtCommand::deliver_sm);
    if (peer.receipts) {
      peer.dispatcher->on_recorded = [receipts = peer.receipts] { receipts->retry_held(); };
    }
    peer.dispatcher->start();
    peer.dispatcher->attach(connection.shared_from_this());
    std::deque<HeldReceipt> held;
    {
      std::lock_guard lock(mutex_);
      receivers_[peer.account->system_id].push_back(shared);
      if (auto it = held_receipts_.find(peer.account->system_id); it != held_receipts_.end()) {
        held = std::move(it->second);
        held_receipts_.erase(it);
      }
    }
    const auto oldest = SteadyClock::now() - kReceiptHoldTime;
    std::size_t sent = 0, expired = 0;
    for (auto& r : held) {
      if (r.since < oldest) {
        ++expired;
        continue;
      }
      queue_receipt(peer, std::move(r.pdu));
      ++sent;
    }
    if (sent || expired) {
      spdlog::info(
          "listener {}: {} delivery receipts held for '{}' sent on this bind{}", peer.remote, sent,
          peer.account->system_id,
          expired ? fmt::format(" ({} older than the hold time dropped)", expired) : std::string());
    }
  }
}

void Listener::queue_receipt(Peer& to, smpp::DeliverSm receipt) {
  if (!to.connection || to.connection->closed()) {
    // The bind closed after the receipt was routed to it: another bind of the account, or
    // the hold for its next one, takes it (the closing bind's own unanswered ones go the
    // same way from on_closed).
    std::vector<smpp::DeliverSm> receipts;
    receipts.push_back(std::move(receipt));
    reroute_receipts(to, std::move(receipts));
    return;
  }
  if (!to.receipts_out.push(std::move(receipt))) {
    // Warn on the first and then every 1000th: a carrier that stopped answering would
    // otherwise fill the log.
    if (to.receipts_dropped++ % 1000 == 0) {
      spdlog::warn("listener {}: {} delivery receipts wait for the carrier; receipts dropped: {}",
                   to.remote, ReceiptQueue::kMaxQueued, to.receipts_dropped);
    }
    return;
  }
  to.receipts_out.flush(*to.connection);
}

std::shared_ptr<Listener::Peer> Listener::receiver_or_hold(const Peer& from,
                                                           std::vector<smpp::DeliverSm>& receipts) {
  if (!from.account) return nullptr;
  std::lock_guard lock(mutex_);
  if (auto it = receivers_.find(from.account->system_id); it != receivers_.end()) {
    for (const auto& weak : it->second) {
      auto p = weak.lock();
      if (p && p.get() != &from) return p;
    }
  }
  if (stopping_) return nullptr;
  auto& held = held_receipts_[from.account->system_id];
  const auto now = SteadyClock::now();
  std::size_t dropped = 0;
  for (auto& r : receipts) {
    if (held.size() == ReceiptQueue::kMaxQueued) {
      held.pop_front();  // the oldest goes: it is the likeliest to be stale for the carrier
      ++dropped;
    }
    held.push_back(HeldReceipt{std::move(r), now});
  }
  if (dropped) {
    spdlog::warn(
        "listener: {} delivery receipts of '{}' held for its next bind were dropped "
        "(at most {} are held)",
        dropped, from.account->system_id, ReceiptQueue::kMaxQueued);
  }
  return nullptr;
}

void Listener::route_receipt(Peer& from, smpp::DeliverSm receipt) {
  // A bind that takes deliver_sm sends its own MOs' receipts (queue_receipt passes them on
  // if it has closed); a transmitter's go to the account's receiver or transceiver.
  if (from.dispatcher) {
    queue_receipt(from, std::move(receipt));
    return;
  }
  std::vector<smpp::DeliverSm> receipts;
  receipts.push_back(std::move(receipt));
  reroute_receipts(from, std::move(receipts));
}

void Listener::reroute_receipts(Peer& from, std::vector<smpp::DeliverSm> receipts) {
  if (receipts.empty()) return;
  const std::size_t n = receipts.size();
  auto to = receiver_or_hold(from, receipts);
  const std::string system_id = from.account ? from.account->system_id : std::string();
  if (!to) {
    if (stopping_) {
      spdlog::warn("listener {}: shutting down; {} delivery receipts of '{}' were not sent",
                   from.remote, n, system_id);
    } else {
      spdlog::info(
          "listener {}: no receiver or transceiver bind of '{}'; {} delivery receipts wait for "
          "one",
          from.remote, system_id, n);
    }
    return;
  }
  spdlog::debug("listener {}: {} delivery receipts go to {}", from.remote, n, to->remote);
  asio::post(to->strand, [self = shared_from_this(), to, receipts = std::move(receipts)]() mutable {
    for (auto& r : receipts) self->queue_receipt(*to, std::move(r));
  });
}

void Listener::on_request(Peer& peer, SmppConnection& connection,
                          const smpp::RequestReceived& request) {
  const auto command = smpp::command_id_of(request.pdu.body);
  const auto sequence = request.pdu.sequence_number;
  if ((command == smpp::CommandId::submit_sm || command == smpp::CommandId::data_sm) && peer.mo &&
      peer.account) {
    const std::string* destination = nullptr;
    if (const auto* submit = std::get_if<smpp::SubmitSm>(&request.pdu.body)) {
      destination = &submit->destination.addr;
    } else if (const auto* data = std::get_if<smpp::DataSm>(&request.pdu.body)) {
      destination = &data->destination.addr;
    }
    const auto& codes = peer.account->short_codes;
    if (!destination || std::find(codes.begin(), codes.end(), *destination) == codes.end()) {
      // MO must be addressed to one of the account's short codes (SPEC §5).
      log_limited(LogCondition::mo_refused, peer.host(),
                  "listener {}: '{}' sent an MO to '{}', not one of its short codes; answered "
                  "ESME_RINVDSTADR",
                  peer.remote, peer.account->system_id,
                  destination ? printable(*destination) : std::string());
      (void)connection.session().respond(sequence, command, smpp::status::inv_dst_adr);
      return;
    }
    peer.mo->on_request(connection.shared_from_this(), request);
    return;
  }
  if (command == smpp::CommandId::query_sm && peer.account) {
    answer_query(peer, connection, sequence, std::get<smpp::QuerySm>(request.pdu.body));
    return;
  }
  if (command == smpp::CommandId::cancel_sm || command == smpp::CommandId::replace_sm) {
    // Every MO is delivered (stored) before its submit_sm_resp: there is nothing left to
    // cancel or replace (SMPP 3.4 §4.9, §4.10: the message is in a final state).
    (void)connection.session().respond(sequence, command,
                                       command == smpp::CommandId::cancel_sm
                                           ? smpp::status::cancel_fail
                                           : smpp::status::replace_fail);
    return;
  }
  if (request.needs_response) {
    // submit_multi (and anything else an SMSC may receive): not offered by this gateway.
    (void)connection.session().respond(sequence, command, smpp::status::inv_cmd_id);
  }
}

void Listener::answer_query(Peer& peer, SmppConnection& connection, std::uint32_t sequence,
                            const smpp::QuerySm& query) {
  // message_id is what submit_sm_resp / data_sm_resp gave: the Inbox id, "-<k>" for a part.
  const std::string_view id_text =
      std::string_view(query.message_id).substr(0, query.message_id.find('-'));
  std::uint64_t inbox_id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), inbox_id);
  if (id_text.empty() || ec != std::errc{} || end != id_text.data() + id_text.size()) {
    (void)connection.session().respond(sequence, smpp::CommandId::query_sm,
                                       smpp::status::inv_msg_id);
    return;
  }
  // One point read of the store (no scan): fine on the event loop.
  auto row = services_.store.inbox_message(inbox_id);
  // A carrier may ask about the messages it submitted, nobody else's.
  if (!row || !*row || (*row)->link != listener_link_name(peer.account->system_id)) {
    (void)connection.session().respond(sequence, smpp::CommandId::query_sm,
                                       smpp::status::query_fail);
    return;
  }
  smpp::QuerySmResp resp;
  resp.message_id = query.message_id;
  resp.final_date = smpp_absolute_time((*row)->received_at);
  resp.message_state = static_cast<std::uint8_t>(smpp::MessageState::delivered);
  resp.error_code = 0;
  (void)connection.session().respond(sequence, smpp::CommandId::query_sm, smpp::status::ok,
                                     smpp::Body{std::move(resp)});
}

void Listener::on_closed(Peer& peer, const smpp::Closed& closed) {
  if (!peer.account) {
    // Never bound: a carrier retrying wrong credentials, or a probe, at any rate.
    log_limited(LogCondition::bind_refused, std::string(peer.host()) + " closed",
                "listener {}: connection closed without a bind accepted: {}{}{}", peer.remote,
                smpp::to_string(closed.reason), closed.detail.empty() ? "" : ": ", closed.detail);
  } else if (closed.reason != smpp::CloseReason::unbound || !stopping_) {
    spdlog::info("listener {}: connection closed: {}{}{}", peer.remote,
                 smpp::to_string(closed.reason), closed.detail.empty() ? "" : ": ", closed.detail);
  }
  peer.bind_timer.cancel();
  peer.pending.reset();  // a bind still waiting: its slot and wait end here
  if (peer.dispatcher) {
    peer.dispatcher->detach(closed.outstanding);
    peer.dispatcher->stop();
  }
  if (peer.mo) peer.mo->stop();
  // Receipts sent and not answered, or still waiting, go to another bind of the account
  // once this one is out of receivers_ (below).
  auto unanswered = peer.receipts_out.take_unanswered();
  if (peer.dispatcher && peer.account) {
    std::lock_guard lock(mutex_);
    if (auto it = receivers_.find(peer.account->system_id); it != receivers_.end()) {
      std::erase_if(it->second, [&](const std::weak_ptr<Peer>& w) {
        auto p = w.lock();
        return !p || p.get() == &peer;
      });
      if (it->second.empty()) receivers_.erase(it);
    }
  }
  reroute_receipts(peer, std::move(unanswered));
  if (peer.counted && peer.account) count_bound(peer.account->system_id, -1);
  peer.counted = false;
  peer.lease.release();
}

void Listener::count_bound(const std::string& system_id, int delta) {
  std::size_t now_bound = 0;
  {
    std::lock_guard lock(mutex_);
    auto& n = bound_[system_id];
    n = delta > 0 ? n + 1 : (n > 0 ? n - 1 : 0);
    now_bound = n;
    if (n == 0) bound_.erase(system_id);
  }
  services_.metrics
      .gauge(admin::metric::kLinkUp, "1 when the link is bound",
             {{"link", listener_link_name(system_id)}})
      .set(now_bound > 0 ? 1 : 0);
}

std::size_t Listener::bound_sessions(std::string_view system_id) const {
  std::lock_guard lock(mutex_);
  auto it = bound_.find(system_id);
  return it == bound_.end() ? 0 : it->second;
}

std::size_t Listener::connections() const {
  std::lock_guard lock(mutex_);
  return peers_.size();
}

void Listener::reload(conf::ListenConfig config) {
  accounts_->replace(config.accounts);
  std::vector<std::shared_ptr<Peer>> peers;
  {
    std::lock_guard lock(mutex_);
    config_ = config;
    peers.assign(peers_.begin(), peers_.end());
  }
  auto shared = std::make_shared<const conf::ListenConfig>(std::move(config));
  for (auto& peer : peers) {
    asio::post(peer->strand, [peer, shared] {
      if (!peer->account || !peer->connection || peer->connection->closed()) return;
      const auto* now = find_account(*shared, peer->account->system_id);
      if (now && *now == *peer->account) return;  // unchanged: the bind stays
      spdlog::info("listener {}: account '{}' {} by the reload; unbinding", peer->remote,
                   peer->account->system_id, now ? "changed" : "removed");
      if (peer->mo) peer->mo->stop();
      if (peer->dispatcher) peer->dispatcher->stop();
      auto& session = peer->connection->session();
      if (session.is_bound()) {
        (void)session.unbind(smpp::Clock::now());
        peer->connection->pump();
      } else {
        peer->connection->close();
      }
    });
  }
}

void Listener::stop(std::chrono::milliseconds grace, std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), grace, done = std::move(done)]() mutable {
    std::vector<std::shared_ptr<Peer>> peers;
    bool finished = false;
    {
      std::lock_guard lock(self->mutex_);
      self->stopping_ = true;
      for (const auto& [system_id, held] : self->held_receipts_) {
        spdlog::warn("listener: shutting down; {} delivery receipts held for '{}' were not sent",
                     held.size(), system_id);
      }
      self->held_receipts_.clear();
      peers.assign(self->peers_.begin(), self->peers_.end());
      finished = peers.empty();
      if (!finished) self->on_stopped_ = std::move(done);
    }
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    if (finished) {
      if (done) done();
      return;
    }
    const auto deadline = SteadyClock::now() + grace;
    for (auto& peer : peers) {
      asio::co_spawn(peer->strand, self->drain_peer(peer, deadline), asio::detached);
    }
  });
}

asio::awaitable<void> Listener::drain_peer(std::shared_ptr<Peer> peer,
                                           SteadyClock::time_point deadline) {
  auto self = shared_from_this();
  auto connection = peer->connection;
  if (peer->mo) peer->mo->stop();
  if (peer->dispatcher) peer->dispatcher->stop();
  asio::steady_timer timer(peer->strand);
  boost::system::error_code ec;
  // Let outstanding responses finish: the carrier's MO awaiting commit, our deliver_sm.
  while (!connection->closed() && SteadyClock::now() < deadline) {
    const bool busy = connection->session().unanswered() > 0 ||
                      (peer->dispatcher && peer->dispatcher->awaiting_response() > 0);
    if (!busy) break;
    timer.expires_after(kDrainPoll);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!connection->closed()) {
    if (connection->session().is_bound()) {
      (void)connection->session().unbind(smpp::Clock::now());
      connection->pump();
    } else {
      connection->close();
    }
  }
  const auto unbind_deadline = SteadyClock::now() + kUnbindWait;
  while (!connection->closed() && SteadyClock::now() < unbind_deadline) {
    timer.expires_after(kDrainPoll);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!connection->closed()) connection->close();
}

}  // namespace smppgw::daemon
