#include "daemon/link.hpp"

#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>

#include "daemon/dispatcher.hpp"
#include "daemon/log_limited.hpp"
#include "daemon/mo_pipeline.hpp"
#include "daemon/receipt_matcher.hpp"

namespace smppgw::daemon {

namespace {

// After our unbind, the carrier's unbind_resp gets this long before the socket is closed
// anyway: shutdown must not wait a whole response_timeout (SPEC §5: 5 s for responses).
constexpr std::chrono::milliseconds kUnbindWait{1000};
constexpr std::chrono::milliseconds kDrainPoll{10};

int severity(LinkState s) {
  switch (s) {
    case LinkState::bound:
      return 0;
    case LinkState::binding:
      return 1;
    case LinkState::connecting:
      return 2;
    case LinkState::down:
      return 3;
    case LinkState::stopped:
      return 4;
  }
  return 4;
}

bool transmits(smpp::BindType type) {
  return type != smpp::BindType::receiver;
}

}  // namespace

const char* to_string(LinkState state) {
  switch (state) {
    case LinkState::connecting:
      return "connecting";
    case LinkState::binding:
      return "binding";
    case LinkState::bound:
      return "bound";
    case LinkState::down:
      return "down";
    case LinkState::stopped:
      return "stopped";
  }
  return "unknown";
}

struct Link::Slot {
  Slot(Strand strand, smpp::BindType t, const conf::ReconnectConfig& reconnect, std::uint64_t seed)
      : type(t), backoff(reconnect.min, reconnect.max, seed), timer(strand) {}
  smpp::BindType type;
  Backoff backoff;
  asio::steady_timer timer;  // backoff waits and drain polls
  std::shared_ptr<SmppConnection> connection;
  tcp::socket* connecting = nullptr;  // while connect() runs, so stop() can abort it
  LinkState state = LinkState::connecting;
};

Link::Link(asio::io_context& io, Services& services, conf::LinkConfig config)
    : services_(services),
      config_(std::move(config)),
      strand_(asio::make_strand(io)),
      stop_timer_(strand_),
      up_gauge_(services.metrics.gauge(admin::metric::kLinkUp, "1 when the link is bound",
                                       {{"link", config_.name}})) {
  std::random_device random;
  const auto seed = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  if (config_.bind == conf::BindMode::transceiver) {
    slots_.push_back(
        std::make_shared<Slot>(strand_, smpp::BindType::transceiver, config_.reconnect, seed));
  } else {
    slots_.push_back(
        std::make_shared<Slot>(strand_, smpp::BindType::transmitter, config_.reconnect, seed));
    slots_.push_back(
        std::make_shared<Slot>(strand_, smpp::BindType::receiver, config_.reconnect, seed + 1));
  }
  dispatcher_ = std::make_shared<Dispatcher>(services_, config_, strand_);
  receipts_ = std::make_shared<ReceiptMatcher>(services_, config_.name, strand_);
  mo_ = std::make_shared<MoPipeline>(services_, config_, strand_, receipts_);
  dispatcher_->on_recorded = [receipts = receipts_] { receipts->retry_held(); };
}

Link::~Link() = default;

void Link::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->dispatcher_->start();
    for (auto& slot : self->slots_) {
      ++self->running_slots_;
      asio::co_spawn(self->strand_, self->keep_bound(slot), asio::detached);
    }
  });
}

asio::awaitable<void> Link::keep_bound(std::shared_ptr<Slot> slot) {
  auto self = shared_from_this();
  while (!stopping_) {
    slot->state = LinkState::connecting;
    update_state();
    tcp::socket socket(strand_);
    if (!co_await connect(*slot, socket)) {
      if (stopping_) break;
      slot->state = LinkState::down;
      update_state();
      const auto delay = slot->backoff.next();
      spdlog::info("link {}: reconnecting in {} ms", config_.name, delay.count());
      co_await wait_on(*slot, delay);
      continue;
    }
    smpp::SessionConfig session_config;
    session_config.role = smpp::Role::esme;
    session_config.window = std::max<std::uint32_t>(config_.window, 1);
    session_config.response_timeout = config_.response_timeout;
    session_config.enquire_link_interval = config_.enquire_link;
    session_config.bind_timeout = config_.response_timeout;
    auto connection = std::make_shared<SmppConnection>(
        std::move(socket), session_config,
        [this, slot](SmppConnection& c, smpp::Event& e) { on_event(*slot, c, e); });
    slot->connection = connection;
    smpp::BindBody body;
    body.system_id = config_.system_id;
    body.password = config_.password.reveal();
    body.system_type = config_.system_type;
    body.interface_version = smpp::kInterfaceVersion34;
    if (auto sent = connection->session().bind(slot->type, body, smpp::Clock::now()); !sent) {
      spdlog::error("link {}: bind cannot be sent: {}", config_.name,
                    smpp::to_string(sent.error()));
    }
    slot->state = LinkState::binding;
    update_state();
    co_await connection->run();
    slot->connection.reset();
    if (stopping_) break;
    slot->state = LinkState::down;
    update_state();
    const auto delay = slot->backoff.next();
    spdlog::info("link {}: reconnecting in {} ms", config_.name, delay.count());
    co_await wait_on(*slot, delay);
  }
  slot->state = LinkState::stopped;
  update_state();
  if (--running_slots_ == 0 && stopping_) finish_stop();
}

asio::awaitable<bool> Link::connect(Slot& slot, tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::resolver resolver(strand_);
  auto endpoints = co_await resolver.async_resolve(config_.host, std::to_string(config_.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    log_limited(LogCondition::link_down, config_.name, "link {}: cannot resolve {}: {}",
                config_.name, config_.host, ec.message());
    co_return false;
  }
  if (stopping_) co_return false;
  asio::steady_timer timeout(strand_);
  timeout.expires_after(kConnectTimeout);
  timeout.async_wait([&socket](boost::system::error_code wait_ec) {
    if (!wait_ec) {
      boost::system::error_code ignored;
      socket.close(ignored);
    }
  });
  slot.connecting = &socket;
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  slot.connecting = nullptr;
  timeout.cancel();
  if (ec || stopping_) {
    if (ec) {
      log_limited(LogCondition::link_down, config_.name, "link {}: cannot connect to {}:{}: {}",
                  config_.name, config_.host, config_.port, ec.message());
    }
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> Link::wait_on(Slot& slot, std::chrono::milliseconds delay) {
  slot.timer.expires_after(delay);
  boost::system::error_code ec;
  co_await slot.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Link::on_event(Slot& slot, SmppConnection& connection, smpp::Event& event) {
  std::visit(
      [&](auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, smpp::Bound>) {
          slot.state = LinkState::bound;
          slot.backoff.reset();
          spdlog::info("link {}: bound as {} to {}:{} (SMSC system_id '{}')", config_.name,
                       smpp::to_string(e.type), config_.host, config_.port, e.peer_system_id);
          update_state();
          if (transmits(slot.type)) dispatcher_->attach(connection.shared_from_this());
        } else if constexpr (std::is_same_v<E, smpp::BindFailed>) {
          log_limited(LogCondition::link_down, config_.name,
                      "link {}: bind refused with command_status 0x{:08X}", config_.name, e.status);
        } else if constexpr (std::is_same_v<E, smpp::RequestReceived>) {
          const auto command = smpp::command_id_of(e.pdu.body);
          if (command == smpp::CommandId::deliver_sm || command == smpp::CommandId::data_sm) {
            mo_->on_request(connection.shared_from_this(), e);
          } else if (e.needs_response) {
            (void)connection.session().respond(e.pdu.sequence_number, command,
                                               smpp::status::inv_cmd_id);
          }
        } else if constexpr (std::is_same_v<E, smpp::ResponseReceived>) {
          if (!dispatcher_->on_response(e)) {
            spdlog::debug("link {}: response to {} ignored", config_.name,
                          static_cast<std::uint32_t>(e.request));
          }
        } else if constexpr (std::is_same_v<E, smpp::RequestTimedOut>) {
          log_limited(LogCondition::link_down, config_.name,
                      "link {}: no response to request {} within {} ms; the connection is "
                      "considered dead",
                      config_.name, e.sequence_number, config_.response_timeout.count());
        } else if constexpr (std::is_same_v<E, smpp::Unbound>) {
          spdlog::info("link {}: unbound ({})", config_.name, e.by_peer ? "by the SMSC" : "by us");
        } else if constexpr (std::is_same_v<E, smpp::Closed>) {
          if (!stopping_ || e.reason != smpp::CloseReason::unbound) {
            log_limited(LogCondition::link_down, config_.name, "link {}: connection closed: {}{}{}",
                        config_.name, smpp::to_string(e.reason), e.detail.empty() ? "" : ": ",
                        e.detail);
          }
          if (transmits(slot.type)) dispatcher_->detach(e.outstanding);
          slot.state = LinkState::down;
          update_state();
        } else if constexpr (std::is_same_v<E, smpp::ProtocolError>) {
          log_limited(LogCondition::protocol_error, config_.name,
                      "link {}: protocol error from the SMSC (command 0x{:08X}, seq {}): {}",
                      config_.name, e.command_id, e.sequence_number, e.detail);
        } else {
          // BindRequested / OutbindReceived belong to the SMSC role; the session does not
          // emit them on a connection we opened.
        }
      },
      event);
}

void Link::update_state() {
  LinkState worst = LinkState::bound;
  for (const auto& slot : slots_) {
    if (severity(slot->state) > severity(worst)) worst = slot->state;
  }
  state_.store(worst, std::memory_order_relaxed);
  up_gauge_.set(worst == LinkState::bound ? 1 : 0);
}

void Link::stop(std::chrono::milliseconds grace, std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), grace, done = std::move(done)]() mutable {
    self->stopping_ = true;
    self->on_stopped_ = std::move(done);
    self->dispatcher_->stop();
    self->mo_->stop();
    if (self->running_slots_ == 0) {
      self->finish_stop();
      return;
    }
    for (auto& slot : self->slots_) {
      if (slot->connecting) {
        boost::system::error_code ignored;
        slot->connecting->close(ignored);
      }
      if (!slot->connection) slot->timer.cancel();  // a backoff wait ends now
    }
    asio::co_spawn(self->strand_, self->drain_and_unbind(grace), asio::detached);
  });
}

asio::awaitable<void> Link::drain_and_unbind(std::chrono::milliseconds grace) {
  auto self = shared_from_this();
  asio::steady_timer timer(strand_);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  // Let outstanding responses finish: our submits' and the carrier's MO awaiting commit.
  for (;;) {
    bool busy = false;
    for (const auto& slot : slots_) {
      if (slot->connection && !slot->connection->closed()) {
        const auto& session = slot->connection->session();
        busy = busy || session.unanswered() > 0 || dispatcher_->awaiting_response() > 0;
      }
    }
    if (!busy || std::chrono::steady_clock::now() >= deadline) break;
    timer.expires_after(kDrainPoll);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  for (const auto& slot : slots_) {
    if (!slot->connection || slot->connection->closed()) continue;
    if (slot->connection->session().is_bound()) {
      (void)slot->connection->session().unbind(smpp::Clock::now());
      slot->connection->pump();
    } else {
      slot->connection->close();
    }
  }
  timer.expires_after(kUnbindWait);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  for (const auto& slot : slots_) {
    if (slot->connection && !slot->connection->closed()) slot->connection->close();
  }
}

void Link::finish_stop() {
  state_.store(LinkState::stopped, std::memory_order_relaxed);
  up_gauge_.set(0);
  if (on_stopped_) {
    auto done = std::move(on_stopped_);
    on_stopped_ = nullptr;
    done();
  }
}

}  // namespace smppgw::daemon
