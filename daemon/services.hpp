// What the parts of the running daemon share: the store and its one writer, the configuration
// in force (swapped whole on SIGHUP), the MT path's outbox claims, wake-ups and the max_tps
// limiters of the carrier accounts, the metrics registry and the reassembly timer of long MO.
// Owned by Daemon, which outlives every user; handed out by reference.
#pragma once

#include <atomic>

#include "daemon/admin/metrics.hpp"
#include "daemon/mo_part_expiry.hpp"
#include "daemon/outbox_claims.hpp"
#include "daemon/outbox_wakeup.hpp"
#include "daemon/settings.hpp"
#include "daemon/tps_limiters.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"

namespace smppgw::daemon {

struct Services {
  store::Store& store;
  store::Writer& writer;
  SettingsHolder& settings;
  OutboxClaims& claims;
  OutboxWakeup& wakeup;
  TpsLimiters& tps;  // the max_tps limit of each carrier account, shared by its links
  admin::MetricsRegistry& metrics;
  MoPartExpiry& mo_parts;       // the reassembly timer of every MO pipeline
  std::atomic<bool>& stopping;  // SIGTERM received: no new work
};

}  // namespace smppgw::daemon
