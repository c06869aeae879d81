// The SMPP listener (SPEC §5 "Listener (SMSC role)"): carriers that bind to us. It accepts TCP
// connections on smpp.listen.address, runs each as an SMSC-role session on its own strand,
// answers binds with ListenerAccounts (credentials, allowed source, max_binds, slow-down of
// repeated failures), and then carries the account's traffic: MO arrives as submit_sm or
// data_sm addressed to one of the account's short codes and is answered after its commit
// (MoPipeline); MT for those short codes goes out as deliver_sm on the account's receiver and
// transceiver binds (a Dispatcher per bind; binds of one account, and links serving the same
// short code, share the queue through the outbox claims).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "conf/config.hpp"
#include "daemon/asio.hpp"
#include "daemon/listener_accounts.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"

namespace smppgw::daemon {

// The name a listener account's traffic carries where a link's name would be: the Inbox
// row's `link`, the outbox part's link, metrics labels and log lines ("listen:carrier-b").
std::string listener_link_name(std::string_view system_id);

// The settings a listener account's MoPipeline and Dispatcher run with, in the shape of a
// link's: its short codes, the listener's window, no TPS limit, no receipt asked for in
// deliver_sm (registered_delivery 0), address types as on links (short code TON 3, subscriber
// E.164 TON 1 / NPI 1), data_coding 0 read as GSM 03.38.
conf::LinkConfig listener_link_settings(const conf::ListenAccount& account);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Limits of each bind (DESIGN.md §7: named, with their precedent).
  static constexpr std::uint32_t kWindow = 64;  // deliver_sm outstanding; a link's default
  static constexpr std::chrono::seconds kSessionInitTimeout{10};   // smpp-notes §7: 10–30 s
  static constexpr std::chrono::seconds kEnquireLinkInterval{30};  // smpp-notes §7
  static constexpr std::chrono::seconds kResponseTimeout{10};      // as a link's default
  // Open connections, bound or not; beyond it new ones are closed at once (a scan or a
  // flood must not exhaust file descriptors; the session_init timer clears idle ones).
  static constexpr std::size_t kMaxConnections = 1024;
  // Our system_id in bind_resp.
  static constexpr std::string_view kSystemId = "smppgw";

  Listener(asio::io_context& io, Services& services, conf::ListenConfig config);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Opens smpp.listen.address and starts accepting. The error names the address and the
  // reason (a start-up error: the daemon exits 1).
  tl::expected<void, std::string> start();
  // The address actually listened on (port 0 picks a free port). Any thread after start().
  [[nodiscard]] tcp::endpoint local_endpoint() const;

  // SIGHUP with the same listen address: the new accounts apply to binds from now on;
  // sessions of an account that was removed or changed in any way are unbound (the carrier
  // binds again under the new terms); sessions of unchanged accounts keep their binds.
  // (A new address needs a new Listener: stop this one, then start the other.)
  void reload(conf::ListenConfig config);

  // Graceful stop (SIGTERM, or the listen section was removed/moved): no new connections,
  // MO arriving from now on is answered ESME_RX_T_APPN, outstanding responses get up to
  // `grace`, then every session is unbound and closed. `done` runs (on some strand) once
  // every connection has closed.
  void stop(std::chrono::milliseconds grace, std::function<void()> done);

  // Bound sessions of an account now (any thread).
  [[nodiscard]] std::size_t bound_sessions(std::string_view system_id) const;
  // Open connections, bound or not (any thread).
  [[nodiscard]] std::size_t connections() const;

 private:
  struct Peer;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> run_peer(std::shared_ptr<Peer> peer);
  asio::awaitable<void> drain_peer(std::shared_ptr<Peer> peer,
                                   std::chrono::steady_clock::time_point deadline);
  void on_event(const std::shared_ptr<Peer>& peer, SmppConnection& connection, smpp::Event& event);
  void on_bind(const std::shared_ptr<Peer>& peer, SmppConnection& connection,
               const smpp::BindRequested& bind);
  void answer_bind(Peer& peer, SmppConnection& connection);
  void on_bound(const std::shared_ptr<Peer>& peer, SmppConnection& connection,
                const smpp::Bound& bound);
  // Delivery receipts (receipt_queue.hpp): on the bind the MO came on when it takes
  // deliver_sm (transceiver), else on a receiver or transceiver bind of the same account.
  void route_receipt(Peer& from, smpp::DeliverSm receipt);
  // On `to`'s strand. A bind that closed meanwhile passes the receipt on (reroute_receipts).
  void queue_receipt(Peer& to, smpp::DeliverSm receipt);
  // A live receiver or transceiver bind of `from`'s account other than `from`; if there is
  // none, `receipts` are held for the account (held_receipts_) and nullptr is returned. One
  // lock for both, so a bind that comes up meanwhile cannot miss them (on_bound takes them).
  std::shared_ptr<Peer> receiver_or_hold(const Peer& from, std::vector<smpp::DeliverSm>& receipts);
  // The receipts a closing bind did not get answered, to another bind of its account.
  void reroute_receipts(Peer& from, std::vector<smpp::DeliverSm> receipts);
  void on_request(Peer& peer, SmppConnection& connection, const smpp::RequestReceived& request);
  // query_sm about an MO this account submitted: DELIVERED with the time it was stored.
  void answer_query(Peer& peer, SmppConnection& connection, std::uint32_t sequence,
                    const smpp::QuerySm& query);
  void on_closed(Peer& peer, const smpp::Closed& closed);
  void count_bound(const std::string& system_id, int delta);
  void peer_finished(const std::shared_ptr<Peer>& peer);

  asio::io_context& io_;
  Services& services_;
  Strand strand_;  // the acceptor's
  tcp::acceptor acceptor_;
  std::shared_ptr<ListenerAccounts> accounts_;

  mutable std::mutex mutex_;  // guards what follows
  conf::ListenConfig config_;
  std::set<std::shared_ptr<Peer>> peers_;
  std::map<std::string, std::size_t, std::less<>> bound_;  // system_id → bound sessions
  // system_id → its binds that take deliver_sm (receiver, transceiver), for receipts of MO
  // that came on a transmitter bind.
  std::map<std::string, std::vector<std::weak_ptr<Peer>>, std::less<>> receivers_;
  // system_id → receipts owed while the account had no bind that takes deliver_sm (its
  // connection dropped, or it binds as a transmitter first): the next such bind gets them,
  // oldest first. Bounded per account, and kept for kReceiptHoldTime at most, the validity
  // an SMSC gives a receipt it cannot deliver; in memory, so lost at shutdown (logged).
  struct HeldReceipt {
    smpp::DeliverSm pdu;
    std::chrono::steady_clock::time_point since;
  };
  std::map<std::string, std::deque<HeldReceipt>, std::less<>> held_receipts_;
  static constexpr auto kReceiptHoldTime = std::chrono::hours(1);
  std::function<void()> on_stopped_;
  std::atomic<bool> stopping_{false};
};

}  // namespace smppgw::daemon
