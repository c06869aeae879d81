#include "daemon/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace smppgw::daemon {

void ServiceNotifier::ready() {
  sd_notify(0, "READY=1\nSTATUS=running");
}
void ServiceNotifier::reloading() {
  sd_notify(0, "RELOADING=1");
}
void ServiceNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
}
void ServiceNotifier::watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

void ServiceNotifier::status(std::string_view text) {
  std::string message = "STATUS=";
  message.append(text);
  sd_notify(0, message.c_str());
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace smppgw::daemon
