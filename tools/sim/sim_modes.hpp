// The two modes of smppgw-sim (tools/sim/README.md). Each runs until its work is done or it
// is told to stop, prints its report, and returns the process exit status.
#pragma once

#include "tools/sim/sim_options.hpp"

namespace smppgw::sim {

// A carrier SMSC: listens, accepts binds, acks submit_sm, sends receipts and MO.
int run_smsc(const SmscOptions& options);

// A carrier ESME: binds to a server and submits at a rate.
int run_esme(const EsmeOptions& options);

}  // namespace smppgw::sim
