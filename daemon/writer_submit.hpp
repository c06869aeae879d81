// Handing a write request to the store writer from the event loop (DESIGN.md §3) without
// blocking it: Writer::submit would wait for room, which no loop thread may do.
#pragma once

#include "daemon/asio.hpp"
#include "store/writer.hpp"

namespace smppgw::daemon {

// Queues `request`. When the writer's queue is full it waits for room
// (Writer::notify_when_space) and is tried once more on `strand`; a refusal then, or any
// other refusal (shutting down), completes the request with the error — so its completion
// runs exactly once either way. `writer` must outlive the wait (the daemon's does).
void submit_from_loop(store::Writer& writer, Strand strand, store::WriteRequest request);

}  // namespace smppgw::daemon
