// The running smppgwd process (SPEC §5, DESIGN.md §4): opens the store and starts its one
// writer, starts the admin endpoint and every carrier link on one io_context run by one
// thread per core, and handles the life cycle — SIGHUP reload (a bad file is refused and the
// old configuration stays; unchanged links keep their binds), SIGTERM/SIGINT graceful stop
// (no new work, outstanding responses up to 5 s, unbind, close the store, exit 0) — and the
// systemd notifications READY / RELOADING / STOPPING / WATCHDOG.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "conf/config.hpp"

namespace smppgw::daemon {

// SPEC §5: outstanding responses get this long at shutdown.
inline constexpr std::chrono::milliseconds kShutdownGrace{5000};

class Daemon {
 public:
  // `config` was loaded from `config_path` (re-read on SIGHUP).
  Daemon(std::string config_path, conf::Config config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT. Returns the process exit status: 0 after a graceful stop,
  // 1 when start-up failed (the reason is logged: the store cannot be opened, the admin
  // port cannot be bound, ...).
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smppgw::daemon
