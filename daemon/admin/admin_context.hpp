// What the admin server needs from the running daemon, as one small interface the daemon
// implements (the admin layer does not depend on the daemon's own types). Every member may
// be called from any thread (event-loop threads and the admin worker threads) and must be
// cheap: a pointer copy under a mutex at most.
//
// How the daemon starts the server (see also daemon/admin/README.md):
//
//   class DaemonAdminContext : public admin::AdminContext { ... };   // over daemon::Services
//   users: AdminUsers::load(config.admin.users_file) if set, plus add_token_user(
//          AdminToken::load_or_create(config.admin.token_file, &created)) if set
//   if either fails → start-up error (the message names the path, or file:line)
//   if (created) log "admin token written to <path>" (never the token)
//   options = AdminServerOptions::from(config.admin, AdminToken("")); options.users = users;
//   auto server = admin::AdminServer::start(io_context, context, std::move(options));
//   on SIGHUP: the users again, then (*server)->set_users(...) (an error keeps the old ones)
//   if (!server) → start-up error (bind failure, TLS files)
//   ... io_context.run() on the event-loop threads ...
//   on SIGTERM: (*server)->stop();   // closes the listener and every connection
//   the server must be destroyed before the io_context, the store and the writer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"
#include "conf/phone_number.hpp"
#include "daemon/admin/metrics.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"

namespace smppgw::admin {

// The configuration in force and its phone normaliser; a SIGHUP reload replaces both. A
// request keeps the snapshot it started with.
struct AdminSnapshot {
  std::shared_ptr<const conf::Config> config;
  std::shared_ptr<const conf::PhoneNormalizer> phones;
};

// One carrier link (or listener account) as /healthz shows it.
struct LinkHealth {
  std::string name;
  std::string state;  // e.g. "bound", "connecting", "binding", "down" (daemon's words)
  bool up = false;    // bound and usable for traffic; any link not up makes status "degraded"
};

class AdminContext {
 public:
  virtual ~AdminContext() = default;

  virtual AdminSnapshot snapshot() const = 0;
  virtual store::Store& store() = 0;
  virtual store::Writer& writer() = 0;
  // The registry the daemon updates (MO/MT counters, queue depth, window, link state); the
  // server adds its own HTTP counters and renders it at /metrics. The daemon should feed
  // WriterOptions::on_commit into metrics().histogram(metric::kCommitSeconds, ...).
  virtual MetricsRegistry& metrics() = 0;
  virtual std::vector<LinkHealth> links() const = 0;
  // Records were queued for `short_code` (a reply, a chat message, a broadcast chunk): wake
  // its dispatcher now instead of at its next poll. Must only post, never block.
  virtual void outbox_queued(std::string_view short_code) = 0;
};

}  // namespace smppgw::admin
