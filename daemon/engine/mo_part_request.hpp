// The write requests of a concatenated MO's parts (SPEC §3, §5 "Acknowledge after commit"):
// every part is committed on its own, so that a carrier that waits for each response
// (window 1) gets it and sends the next part. The part that completes its set runs the MO
// request (mo_request.hpp) on the whole text in the same transaction that marks the set
// completed; the expiry request stores a set whose parts stopped coming with what arrived,
// `timeout` after its first part was stored, also after a restart (the parts are in the
// store). Completed sets keep their parts for `duplicate_window`, so that a part resent by a
// carrier that lost its response is answered and stored once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "daemon/engine/keyword_engine.hpp"
#include "daemon/engine/mo_request.hpp"
#include "store/write_txn.hpp"
#include "store/writer.hpp"

namespace smppgw::engine {

// The text of a set's parts (seq order, only those that arrived) as the keyword engine sees
// it, for the link it arrived on. Decoding user data is the protocol layer's, so the daemon
// passes it in. Runs on the writer thread: it must not block.
using MoPartText =
    std::function<std::string(std::string_view link, const std::vector<store::MoPart>& parts)>;

// How long sets wait (from the store, so a restart does not extend it).
struct MoPartTiming {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};   // messages.reassembly_timeout
  std::chrono::milliseconds duplicate_window{std::chrono::minutes(5)};
};

// A set stored as an Inbox row without all its parts (expired, or its reference reused).
struct IncompleteMo {
  store::MoPartSetKey key;
  std::string link;
  std::size_t arrived = 0;  // parts stored of key.total
  MoResult mo;
};

struct MoPartResult {
  enum class Outcome {
    stored,     // the part is stored; the set waits for more
    completed,  // the part completed its set: `message` is what the whole MO did
    duplicate,  // the same part was stored before (pending or completed set): nothing written
  };
  Outcome outcome = Outcome::stored;
  std::uint64_t inbox_id = 0;       // the set's: message ids "<inbox id>-<seq>"
  std::optional<MoResult> message;  // completed
  // An older set under the same key that had to be stored first: a part with other content
  // for a seq it holds (the sender reused the reference), or past its timeout.
  std::optional<IncompleteMo> displaced;
  // stored: when the set's timeout passes (the daemon's expiry timer runs then).
  std::optional<store::Timestamp> expires_at;
};

// One part inside an open write transaction. `arrival.key.from` is the sender in E.164.
// Cost: one range scan of the set + 1-2 puts; the MO request's cost when it completes.
store::Result<MoPartResult> apply_mo_part(store::WriteTxn& txn, const KeywordEngine& engine,
                                          const MoPartText& text, const MoPartTiming& timing,
                                          const store::MoPartSetKey& key,
                                          const store::MoPart& part, std::string_view link);

using MoPartDone = std::function<void(std::error_code, const MoPartResult&)>;

// The write request for one part; like make_mo_request, `done` runs once after the commit
// (or with the error that kept everything of it out of the store) and must only post.
store::WriteRequest make_mo_part_request(std::shared_ptr<const KeywordEngine> engine,
                                         MoPartText text, MoPartTiming timing,
                                         store::MoPartSetKey key, store::MoPart part,
                                         std::string link, MoPartDone done);

struct MoPartExpiryResult {
  std::vector<IncompleteMo> stored;  // sets past their timeout, stored with what arrived
  std::size_t forgotten = 0;         // completed sets past the duplicate window, dropped
  // When the request has work again (the oldest set's deadline; `now` if it stopped at its
  // limit), or nothing when no set is left.
  std::optional<store::Timestamp> next;
};

// Stores the sets whose timeout has passed at `now` and drops the completed sets past the
// duplicate window, at most `limit` of each (a writer group stays short).
store::Result<MoPartExpiryResult> expire_mo_parts(store::WriteTxn& txn,
                                                  const KeywordEngine& engine,
                                                  const MoPartText& text,
                                                  const MoPartTiming& timing, store::Timestamp now,
                                                  std::size_t limit = 64);

using MoPartExpiryDone = std::function<void(std::error_code, const MoPartExpiryResult&)>;

// `now` is read when the request runs (each run), so a request queued behind a long group
// still expires what is due when it commits.
store::WriteRequest make_mo_part_expiry_request(std::shared_ptr<const KeywordEngine> engine,
                                                MoPartText text, MoPartTiming timing,
                                                std::function<store::Timestamp()> clock,
                                                MoPartExpiryDone done);

}  // namespace smppgw::engine
