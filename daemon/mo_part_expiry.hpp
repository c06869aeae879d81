// The daemon's one reassembly timer (SPEC §3, "reassembly_timeout"): the parts of a
// concatenated MO are in the store (engine/mo_part_request.hpp), so their timeout is too. At
// start it runs the expiry request once (sets left waiting by the last run, their time
// measured from their first part's stored time), then whenever the earliest deadline it has
// been told of passes. The MO pipelines of every link and listener connection report the
// deadline of each set they store. A set stored without all its parts is logged, counted and
// wakes the outbox like any MO.
#pragma once

#include <memory>
#include <optional>

#include "daemon/admin/metrics.hpp"
#include "daemon/asio.hpp"
#include "daemon/engine/mo_part_request.hpp"
#include "daemon/outbox_wakeup.hpp"
#include "daemon/settings.hpp"
#include "store/writer.hpp"

namespace smppgw::daemon {

// A part a carrier resends within this long after its set was stored is recognised as the
// same part (answered, not stored again).
inline constexpr std::chrono::minutes kMoPartDuplicateWindow{5};

// The timing the part and expiry requests run with under `settings`.
engine::MoPartTiming mo_part_timing(const Settings& settings);

// A set stored without all its parts (by expiry or by a part that displaced it): the log
// line, the smppgw_mo_total count and the outbox wake-up of its replies.
void report_incomplete_mo(const engine::IncompleteMo& set, admin::MetricsRegistry& metrics,
                          OutboxWakeup& wakeup);

class MoPartExpiry {
 public:
  MoPartExpiry(store::Writer& writer, SettingsHolder& settings, OutboxWakeup& wakeup,
               admin::MetricsRegistry& metrics);
  ~MoPartExpiry();
  MoPartExpiry(const MoPartExpiry&) = delete;
  MoPartExpiry& operator=(const MoPartExpiry&) = delete;

  // Runs the expiry now, then as due, on a strand of `io`.
  void start(asio::io_context& io);
  // No more runs (shutdown); a run in flight completes.
  void stop();
  // A set waits until `at`. Thread-safe (posts to the timer's strand); before start() the
  // first run at start covers it.
  void due_at(store::Timestamp at);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace smppgw::daemon
