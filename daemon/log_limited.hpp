// The process-wide log aggregation the daemon's repeating log sites go through (a link,
// the listener, the MO and MT paths, on any strand or the writer thread): one LogLimiter
// behind a mutex, the line written through spdlog, and per condition the counters
// smppgw_log_events_total and smppgw_log_suppressed_total (docs/architecture.md).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "daemon/log_limiter.hpp"

namespace smppgw::admin {
class MetricsRegistry;
}

namespace smppgw::daemon {

// A condition that can repeat at line rate; its level is fixed (log_level()).
enum class LogCondition : std::uint8_t {
  mo_not_stored,       // the store refused an MO or a part of one (disk full, writer queue
                       // full): error
  mo_refused,          // an MO refused for its addresses (source not a phone number,
                       // destination not one of the listener account's short codes): warn
  protocol_error,      // a malformed PDU or protocol violation from a peer: warn
  link_down,           // a link's resolve, connect or bind failed, its connection closed or
                       // went dead: warn
  bind_refused,        // the listener refused a bind (wrong credentials and the like), slowed
                       // one down, or a peer left without a bind accepted: warn
  connection_refused,  // the listener could not take a connection (accept failed, too many
                       // open): warn
  receipt_unmatched,   // a receipt for a carrier id no message has, or with no id: warn
  submit_refused,      // the carrier refused a submit_sm or throttled it; a listener peer
                       // refused a delivery receipt: warn
  store_write,         // a dispatcher or receipt store write failed: error
};
inline constexpr std::size_t kLogConditions = 9;

std::string_view to_string(LogCondition c);
spdlog::level::level_enum log_level(LogCondition c);

// Registers the two counters per condition in `metrics` (nullptr detaches: the registry is
// going away). Lines are aggregated with or without a registry.
void attach_log_metrics(admin::MetricsRegistry* metrics);

// One occurrence of `condition` for `subject` (a link name, a peer address): written now if
// it is the first of a quiet period, else counted into the next summary line.
void log_limited(LogCondition condition, std::string_view subject, std::string message);

template <class... Args>
void log_limited(LogCondition condition, std::string_view subject,
                 spdlog::format_string_t<Args...> format, Args&&... args) {
  log_limited(condition, subject, fmt::format(format, std::forward<Args>(args)...));
}

// Writes the summaries that are due; the daemon calls it every second, and with
// `everything` at stop so no count is lost.
void flush_log_limits(bool everything = false);

}  // namespace smppgw::daemon
