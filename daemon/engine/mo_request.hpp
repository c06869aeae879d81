// The MO write request of DESIGN.md §3: inside the store writer's transaction, read the
// subscriber's state, decide with the KeywordEngine, then write the Inbox row, the
// subscription changes (each audited by the store, source sms, ref "mo:<inbox id>"), the
// STOP/OOPS bookkeeping and the replies (outbox records, queued) — all or nothing. The
// carrier's deliver_sm is acknowledged from the completion, i.e. after the commit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>
#include <vector>

#include "daemon/engine/decision.hpp"
#include "daemon/engine/keyword_engine.hpp"
#include "store/write_txn.hpp"
#include "store/writer.hpp"

namespace smppgw::engine {

// What a committed MO was and did (for the log line, metrics and tests).
struct MoResult {
  std::uint64_t inbox_id = 0;
  Decision decision;
  std::vector<std::uint64_t> outbox_ids;  // one per reply enqueued, in decision order
  std::size_t changed = 0;                // subscription changes the store actually made
};

// Reads the subscriber's state for `mo` in `txn` (all records of the phone, its company-wide
// opt-out, the last STOP and most recent join on mo.to). Cost: one range scan + 3 lookups.
store::Result<SubscriberState> read_subscriber_state(store::WriteTxn& txn, const MoMessage& mo);

// The whole MO inside an open write transaction: read → decide → write. On error the caller
// returns it from the write request so that the writer rolls the request back alone.
// Cost: the reads above + 3 appends for the Inbox row + ~6 B-tree operations per change +
// 3 appends per reply.
store::Result<MoResult> apply_mo(store::WriteTxn& txn, const KeywordEngine& engine,
                                 const MoMessage& mo);

// `done` runs once on the writer thread: with {} and the result after the commit is durable,
// or with the error that kept the MO out of the store (then nothing of it was written, and
// the carrier must get a temporary error so that it retries). It must only post.
using MoDone = std::function<void(std::error_code, const MoResult&)>;

// The write request for Writer::try_submit. The request may run more than once (a group
// re-run); each run starts from scratch and only the committed run's result reaches `done`.
store::WriteRequest make_mo_request(std::shared_ptr<const KeywordEngine> engine, MoMessage mo,
                                    MoDone done);

}  // namespace smppgw::engine
