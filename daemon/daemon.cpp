#include "daemon/daemon.hpp"

#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>

#include "conf/config_diff.hpp"
#include "conf/load_config.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/admin_bridge.hpp"
#include "daemon/asio.hpp"
#include "daemon/link.hpp"
#include "daemon/listener.hpp"
#include "daemon/log_limited.hpp"
#include "daemon/logging.hpp"
#include "daemon/open_store.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/services.hpp"

namespace smppgw::daemon {

namespace {

// After the grace period and the unbinds, anything still running is cut off: the process
// must exit well within systemd's TimeoutStopSec (90 s by default).
constexpr std::chrono::milliseconds kHardStopAfter = kShutdownGrace + std::chrono::seconds(3);

}  // namespace

struct Daemon::Impl {
  Impl(std::string path, conf::Config config)
      : config_path(std::move(path)), settings(Settings::make(std::move(config))) {}

  std::string config_path;
  SettingsHolder settings;
  ServiceNotifier notifier;
  admin::MetricsRegistry metrics;
  OutboxClaims claims;
  OutboxWakeup wakeup;
  TpsLimiters tps;
  std::atomic<bool> stopping{false};

  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Writer> writer;
  std::unique_ptr<MoPartExpiry> mo_parts;
  std::unique_ptr<Services> services;
  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<AdminBridge> admin_bridge;
  std::unique_ptr<admin::AdminServer> admin_server;

  mutable std::mutex links_mutex;
  std::map<std::string, std::shared_ptr<Link>> links;
  std::shared_ptr<Listener> listener;  // guarded by links_mutex

  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<asio::steady_timer> watchdog;
  std::unique_ptr<asio::steady_timer> log_flush;
  std::unique_ptr<asio::steady_timer> hard_stop;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work;

  bool open_store();
  bool start_admin();
  void reload_admin_users(const conf::AdminConfig& config);
  bool start_listener(const conf::ListenConfig& config);
  void reload_listener(const conf::Config& before, const conf::Config& after);
  std::vector<admin::LinkHealth> link_health() const;
  void start_link(const conf::LinkConfig& link);
  void wait_signal();
  void reload();
  void stop();
  void arm_watchdog(std::chrono::microseconds interval);
  void arm_log_flush();
};

bool Daemon::Impl::open_store() {
  const auto& config = *settings.get()->config;
  auto opened = open_configured_store(config);
  if (!opened) {
    // For PostgreSQL the message names the server and the cause (never the password); the
    // exit status makes systemd restart the service, which retries the connection.
    spdlog::critical("{}", opened.error().message);
    return false;
  }
  store = std::move(*opened);

  store::WriterOptions writer_options;
  auto& commit_seconds = metrics.histogram(admin::metric::kCommitSeconds,
                                           "Store commit latency (one group, fsync included)");
  writer_options.on_commit = [&commit_seconds](const store::WriterOptions::CommitInfo& info) {
    commit_seconds.observe_seconds(std::chrono::duration<double>(info.duration).count());
  };
  auto started = store::Writer::start(*store, std::move(writer_options));
  if (!started) {
    spdlog::critical("cannot start the store writer: {}", started.error().message());
    return false;
  }
  writer = std::move(*started);

  // Restart recovery (DESIGN.md §5): long MTs that were partly acknowledged before the last
  // stop are reset so they are sent again whole; queued records need nothing.
  std::promise<std::error_code> recovered;
  auto reset_count = std::make_shared<std::uint64_t>(0);
  store::WriteRequest requeue;
  requeue.apply = [reset_count](store::WriteTxn& txn) -> std::error_code {
    auto r = txn.requeue_unacknowledged(store::to_timestamp(std::chrono::system_clock::now()));
    if (!r) return r.error();
    *reset_count = *r;
    return {};
  };
  requeue.complete = [&recovered](std::error_code ec) { recovered.set_value(ec); };
  auto future = recovered.get_future();
  if (auto ec = writer->submit(std::move(requeue)); ec) {
    spdlog::critical("cannot recover the outbox: {}", ec.message());
    return false;
  }
  if (auto ec = future.get(); ec) {
    spdlog::critical("cannot recover the outbox: {}", ec.message());
    return false;
  }
  if (*reset_count > 0) {
    spdlog::info("{} partly submitted messages will be sent again", *reset_count);
  }
  spdlog::info("store open in {} ({})", config.state_dir, conf::to_string(config.store.durability));
  return true;
}

namespace {

// The users who may sign in: the users file's (if any) and the token file's `admin` (if
// any). Errors name the file; the token file is created when missing, as before.
tl::expected<std::shared_ptr<const admin::AdminUsers>, std::string> load_admin_users(
    const conf::AdminConfig& config, bool log_created) {
  admin::AdminUsers users;
  if (!config.users_file.empty()) {
    auto loaded = admin::AdminUsers::load(config.users_file);
    if (!loaded) return tl::unexpected(loaded.error());
    users = std::move(*loaded);
  }
  if (!config.token_file.empty()) {
    bool created = false;
    auto token = admin::AdminToken::load_or_create(config.token_file, &created);
    if (!token) return tl::unexpected(token.error());
    if (created && log_created) {
      spdlog::info("admin: a new token was written to {}", config.token_file);
    }
    if (auto added = users.add_token_user(*token); !added) {
      return tl::unexpected(added.error() + " (" + config.token_file + ")");
    }
  }
  return std::make_shared<const admin::AdminUsers>(std::move(users));
}

}  // namespace

bool Daemon::Impl::start_admin() {
  const auto& config = *settings.get()->config;
  auto users = load_admin_users(config.admin, true);
  if (!users) {
    spdlog::critical("admin: {}", users.error());
    return false;
  }
  if ((*users)->users().empty()) {
    spdlog::critical(
        "admin: {} lists no user and admin.token_file is not set; nobody could sign "
        "in (add lines from smppgwd --new-admin-token)",
        config.admin.users_file);
    return false;
  }
  spdlog::info("admin: {} users may sign in", (*users)->users().size());
  admin_bridge = std::make_unique<AdminBridge>(*services, [this] { return link_health(); });
  auto options = admin::AdminServerOptions::from(config.admin, admin::AdminToken(""));
  options.users = std::move(*users);
  auto server = admin::AdminServer::start(*io, *admin_bridge, std::move(options));
  if (!server) {
    spdlog::critical("admin: {}", server.error());
    return false;
  }
  admin_server = std::move(*server);
  spdlog::info("admin endpoint on {}:{}", config.admin.listen.host, admin_server->port());
  return true;
}

// SIGHUP: the users file named by the new configuration (or the token alone); an invalid
// one is refused and the users in force stay.
void Daemon::Impl::reload_admin_users(const conf::AdminConfig& config) {
  if (!admin_server) return;
  auto users = load_admin_users(config, true);
  if (!users) {
    spdlog::error("reload: admin users unchanged: {}", users.error());
    return;
  }
  if ((*users)->users().empty()) {
    spdlog::error("reload: admin users unchanged: {} lists no user", config.users_file);
    return;
  }
  spdlog::info("reload: {} admin users may sign in", (*users)->users().size());
  admin_server->set_users(std::move(*users));
}

std::vector<admin::LinkHealth> Daemon::Impl::link_health() const {
  std::vector<admin::LinkHealth> out;
  const auto config = settings.get()->config;
  std::lock_guard lock(links_mutex);
  for (const auto& [name, link] : links) {
    const auto state = link->state();
    out.push_back({name, to_string(state), state == LinkState::bound});
  }
  if (listener && config->smpp.listen) {
    // A listener account is up while the carrier has at least one bind with us.
    for (const auto& account : config->smpp.listen->accounts) {
      const auto bound = listener->bound_sessions(account.system_id);
      out.push_back(
          {listener_link_name(account.system_id), bound > 0 ? "bound" : "waiting", bound > 0});
    }
  }
  return out;
}

bool Daemon::Impl::start_listener(const conf::ListenConfig& config) {
  auto next = std::make_shared<Listener>(*io, *services, config);
  if (auto started = next->start(); !started) {
    spdlog::critical("listener: {}", started.error());
    return false;
  }
  spdlog::info("listener on {}:{} for {} accounts", config.address.host,
               next->local_endpoint().port(), config.accounts.size());
  std::lock_guard lock(links_mutex);
  listener = std::move(next);
  return true;
}

void Daemon::Impl::reload_listener(const conf::Config& before, const conf::Config& after) {
  const auto& old_listen = before.smpp.listen;
  const auto& new_listen = after.smpp.listen;
  std::shared_ptr<Listener> current;
  {
    std::lock_guard lock(links_mutex);
    current = listener;
  }
  if (current && old_listen && new_listen && old_listen->address == new_listen->address) {
    current->reload(*new_listen);  // unchanged accounts keep their binds
    return;
  }
  if (current) {
    {
      std::lock_guard lock(links_mutex);
      listener.reset();
    }
    // The new address opens once the old one is closed (it may be the same port).
    current->stop(kShutdownGrace, [this, new_listen] {
      if (!new_listen) return;
      asio::post(*io, [this, config = *new_listen] {
        if (!stopping && !start_listener(config)) {
          spdlog::error("reload: the new listener could not start; carriers cannot bind to us");
        }
      });
    });
  } else if (new_listen && !start_listener(*new_listen)) {
    spdlog::error("reload: the new listener could not start; carriers cannot bind to us");
  }
}

void Daemon::Impl::start_link(const conf::LinkConfig& link_config) {
  auto link = std::make_shared<Link>(*io, *services, link_config);
  {
    std::lock_guard lock(links_mutex);
    links[link_config.name] = link;
  }
  spdlog::info("link {}: {}:{} as '{}', {}, short codes {}", link_config.name, link_config.host,
               link_config.port, link_config.system_id, conf::to_string(link_config.bind),
               fmt::join(link_config.short_codes, ","));
  link->start();
}

void Daemon::Impl::wait_signal() {
  signals->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      reload();
      wait_signal();
    } else {
      spdlog::info("{} received: stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      stop();
    }
  });
}

void Daemon::Impl::reload() {
  if (stopping) return;
  notifier.reloading();
  spdlog::info("SIGHUP: reloading {}", config_path);
  auto loaded = conf::load_config(config_path);
  if (!loaded) {
    for (const auto& d : loaded.error().diagnostics) spdlog::error("{}", d.to_string());
    spdlog::error("reload refused: the configuration in force stays unchanged");
    notifier.ready();
    return;
  }
  const auto before = settings.get();
  const auto changes = conf::diff_links(*before->config, *loaded);
  for (const auto& what : changes.restart_required) {
    spdlog::warn("reload: {} changed; it takes effect at the next restart", what);
  }
  spdlog::set_level(parse_level(conf::to_string(loaded->log.level)));
  auto next = Settings::make(std::move(*loaded));
  settings.set(next);
  // Before any link restarts: a rebound link goes on with its account's limiter, and the
  // links kept (retuned ones included) are held to the new limits from now on.
  tps.configure(next->config->smpp.links);
  for (const auto& name : changes.retuned) {
    spdlog::info("reload: link {} changed only max_tps; binds kept", name);
  }

  auto take = [this](const std::string& name) {
    std::lock_guard lock(links_mutex);
    auto it = links.find(name);
    if (it == links.end()) return std::shared_ptr<Link>{};
    auto link = it->second;
    links.erase(it);
    return link;
  };
  for (const auto& name : changes.removed) {
    if (auto link = take(name)) {
      spdlog::info("reload: link {} removed; unbinding", name);
      link->stop(kShutdownGrace, [] {});
    }
  }
  for (const auto& name : changes.changed) {
    const auto* link_config = next->config->find_link(name);
    auto old = take(name);
    if (!link_config) continue;
    spdlog::info("reload: link {} changed; rebinding", name);
    if (!old) {
      start_link(*link_config);
      continue;
    }
    // The new bind starts once the old one is gone: a carrier may allow one bind per account.
    old->stop(kShutdownGrace, [this, config = *link_config] {
      asio::post(*io, [this, config] {
        if (!stopping) start_link(config);
      });
    });
  }
  for (const auto& name : changes.added) {
    if (const auto* link_config = next->config->find_link(name)) {
      spdlog::info("reload: link {} added", name);
      start_link(*link_config);
    }
  }
  if (changes.listener_changed) {
    spdlog::info("reload: smpp.listen changed");
    reload_listener(*before->config, *next->config);
  }
  // The users file is re-read even when the configuration names the same one; the token
  // file (like the rest of admin) stays the one read at start.
  conf::AdminConfig admin_users = before->config->admin;
  admin_users.users_file = next->config->admin.users_file;
  reload_admin_users(admin_users);
  wakeup.notify_all();  // campaigns may have moved: dispatchers look at their queues again
  spdlog::info(
      "reload done: {} links unchanged, {} with a new max_tps, {} changed, {} added, "
      "{} removed",
      changes.unchanged.size(), changes.retuned.size(), changes.changed.size(),
      changes.added.size(), changes.removed.size());
  notifier.ready();
}

void Daemon::Impl::stop() {
  if (stopping.exchange(true)) return;
  notifier.stopping();
  if (mo_parts) mo_parts->stop();
  if (admin_server) admin_server->stop();
  std::vector<std::shared_ptr<Link>> to_stop;
  std::shared_ptr<Listener> listening;
  {
    std::lock_guard lock(links_mutex);
    for (auto& [name, link] : links) to_stop.push_back(link);
    listening = listener;
  }
  auto remaining = std::make_shared<std::atomic<std::size_t>>(to_stop.size() + (listening ? 1 : 0));
  auto finish = [this] {
    asio::post(*io, [this] {
      spdlog::info("every link is unbound");
      io->stop();
    });
  };
  hard_stop->expires_after(kHardStopAfter);
  hard_stop->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    spdlog::warn("links did not stop within {} ms; closing anyway", kHardStopAfter.count());
    io->stop();
  });
  if (to_stop.empty() && !listening) {
    finish();
    return;
  }
  if (listening) {
    listening->stop(kShutdownGrace, [remaining, finish] {
      if (remaining->fetch_sub(1) == 1) finish();
    });
  }
  for (auto& link : to_stop) {
    link->stop(kShutdownGrace, [remaining, finish] {
      if (remaining->fetch_sub(1) == 1) finish();
    });
  }
}

void Daemon::Impl::arm_watchdog(std::chrono::microseconds interval) {
  // Pinged from the event loop itself: if the loop stalls, the pings stop and systemd
  // restarts the process (WatchdogSec).
  watchdog->expires_after(interval);
  watchdog->async_wait([this, interval](boost::system::error_code ec) {
    if (ec) return;
    notifier.watchdog();
    arm_watchdog(interval);
  });
}

void Daemon::Impl::arm_log_flush() {
  // Aggregated log conditions that went quiet get their final count within a second.
  log_flush->expires_after(std::chrono::seconds(1));
  log_flush->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    flush_log_limits();
    arm_log_flush();
  });
}

Daemon::Daemon(std::string config_path, conf::Config config)
    : impl_(std::make_unique<Impl>(std::move(config_path), std::move(config))) {}

Daemon::~Daemon() {
  attach_log_metrics(nullptr);
}

int Daemon::run() {
  Impl& d = *impl_;
  const auto settings = d.settings.get();
  attach_log_metrics(&d.metrics);  // detached by ~Daemon, before the registry goes
  if (!d.open_store()) return 1;
  d.mo_parts = std::make_unique<MoPartExpiry>(*d.writer, d.settings, d.wakeup, d.metrics);
  d.services =
      std::make_unique<Services>(Services{*d.store, *d.writer, d.settings, d.claims, d.wakeup,
                                          d.tps, d.metrics, *d.mo_parts, d.stopping});
  d.tps.configure(settings->config->smpp.links);

  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  d.io = std::make_unique<asio::io_context>(static_cast<int>(threads));
  d.mo_parts->start(*d.io);  // long MO left waiting by the last run expire from the store
  d.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
      d.io->get_executor());
  d.signals = std::make_unique<asio::signal_set>(*d.io, SIGHUP, SIGTERM, SIGINT);
  d.watchdog = std::make_unique<asio::steady_timer>(*d.io);
  d.hard_stop = std::make_unique<asio::steady_timer>(*d.io);
  d.log_flush = std::make_unique<asio::steady_timer>(*d.io);
  d.arm_log_flush();

  if (!d.start_admin()) {
    d.writer->shutdown();
    return 1;
  }
  if (settings->config->smpp.listen && !d.start_listener(*settings->config->smpp.listen)) {
    d.admin_server.reset();
    d.writer->shutdown();
    return 1;
  }
  for (const auto& link : settings->config->smpp.links) d.start_link(link);
  d.wait_signal();
  if (auto interval = ServiceNotifier::watchdog_interval()) d.arm_watchdog(*interval);
  d.notifier.ready();
  spdlog::info("smppgwd {} running: {} links, {} event-loop threads", SMPPGW_VERSION,
               settings->config->smpp.links.size(), threads);

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&d] { d.io->run(); });
  d.io->run();
  for (auto& t : pool) t.join();

  // The event loop is stopped: finish the store's work, then close it. Completions still
  // post to the (stopped, still existing) io_context, which discards them with it.
  d.admin_server.reset();
  d.writer->shutdown();
  {
    std::lock_guard lock(d.links_mutex);
    d.links.clear();
    d.listener.reset();
  }
  d.signals.reset();
  d.watchdog.reset();
  d.hard_stop.reset();
  d.log_flush.reset();
  d.work.reset();
  d.mo_parts.reset();
  d.io.reset();
  d.writer.reset();
  d.services.reset();
  d.store.reset();
  flush_log_limits(true);
  spdlog::info("smppgwd stopped");
  return 0;
}

}  // namespace smppgw::daemon
