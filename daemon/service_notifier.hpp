// The daemon's messages to systemd (SPEC §5 "Shutdown", §8): READY=1 once the store is
// open and the admin port listens, RELOADING=1 / READY=1 around a SIGHUP reload,
// STOPPING=1 on shutdown and WATCHDOG=1 from the event loop. Outside systemd
// ($NOTIFY_SOCKET unset) every call is a no-op, so the same binary runs in tests.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace smppgw::daemon {

class ServiceNotifier {
 public:
  void ready();
  void reloading();
  void stopping();
  void watchdog();
  // A free-form STATUS= line shown by `systemctl status`.
  void status(std::string_view text);

  // Half of WatchdogSec when the unit asks for a watchdog for this process, else nothing:
  // pinging at half the interval leaves a full half for a slow turn of the event loop.
  [[nodiscard]] static std::optional<std::chrono::microseconds> watchdog_interval();
};

}  // namespace smppgw::daemon
