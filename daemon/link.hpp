// One configured carrier link in the ESME role (SPEC §5): keeps its bind(s) up for ever —
// connect, bind (one transceiver, or a transmitter + receiver pair), enquire_link, treat a
// missing response as a dead connection, reconnect with exponential backoff and jitter
// between reconnect.min and reconnect.max. It owns the link's MT dispatcher and MO pipeline
// and routes the sessions' events to them. Everything of one link runs on its own strand.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "conf/config.hpp"
#include "daemon/asio.hpp"
#include "daemon/backoff.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"

namespace smppgw::daemon {

class Dispatcher;
class MoPipeline;
class ReceiptMatcher;

enum class LinkState : std::uint8_t { connecting, binding, bound, down, stopped };
const char* to_string(LinkState state);

class Link : public std::enable_shared_from_this<Link> {
 public:
  // Time to establish the TCP connection before it counts as a failed attempt.
  static constexpr std::chrono::seconds kConnectTimeout{10};

  Link(asio::io_context& io, Services& services, conf::LinkConfig config);
  ~Link();

  // Starts keeping the bind(s) up.
  void start();

  // Graceful stop (SIGTERM, or the link was removed/changed by a reload): no new submits,
  // outstanding responses get up to `grace`, then every session is unbound and closed.
  // `done` runs (on the link's strand) once every connection is closed.
  void stop(std::chrono::milliseconds grace, std::function<void()> done);

  // The settings it started with; a reload that changed only max_tps keeps the link (the
  // limit in force is its account's TpsLimiter's, services.tps).
  [[nodiscard]] const conf::LinkConfig& config() const { return config_; }
  // Worst state of its binds (a pair is bound when both are). Any thread.
  [[nodiscard]] LinkState state() const { return state_.load(std::memory_order_relaxed); }

 private:
  struct Slot;
  asio::awaitable<void> keep_bound(std::shared_ptr<Slot> slot);
  asio::awaitable<bool> connect(Slot& slot, tcp::socket& socket);
  asio::awaitable<void> wait_on(Slot& slot, std::chrono::milliseconds delay);
  asio::awaitable<void> drain_and_unbind(std::chrono::milliseconds grace);
  void on_event(Slot& slot, SmppConnection& connection, smpp::Event& event);
  void update_state();
  void finish_stop();

  Services& services_;
  conf::LinkConfig config_;
  Strand strand_;
  std::vector<std::shared_ptr<Slot>> slots_;
  std::shared_ptr<Dispatcher> dispatcher_;
  std::shared_ptr<ReceiptMatcher> receipts_;
  std::shared_ptr<MoPipeline> mo_;
  std::atomic<LinkState> state_{LinkState::connecting};
  asio::steady_timer stop_timer_;  // wakes backoff waits when stopping
  bool stopping_ = false;
  std::size_t running_slots_ = 0;
  std::function<void()> on_stopped_;
  admin::Gauge& up_gauge_;
};

}  // namespace smppgw::daemon
