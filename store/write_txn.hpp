// The domain operations available to a write request while it runs inside the writer's
// transaction (DESIGN.md §3). The keyword engine decides an MO here: read state → decide →
// write the Inbox row, subscription changes (each audited) and replies, atomically.
// Backend-neutral: an LMDB backend implements it today, a PostgreSQL one may later.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/error.hpp"
#include "store/export.hpp"
#include "store/types.hpp"

namespace smppgw::store {

// Contract common to every member:
// - Runs on the writer thread inside the group's write transaction. A WriteTxn reference is
//   valid only during the write request's apply function; never keep it.
// - Sees every write made earlier in the same transaction (earlier requests of the group
//   and the current request), and the committed state before it.
// - Nothing is durable until the group commits; the request's completion says so.
// - Bad input (empty phone or campaign, segments 0, limit 0) returns invalid_argument and
//   writes nothing. A backend failure (map_full, txn_full, io_error, ...) poisons the
//   transaction: the writer then discards the request's writes and handles the error
//   (growing the map and re-running the group, or failing the group); the request should
//   just return the error it got.
// - Costs are in B-tree operations, each O(log n) (a few microseconds at most).
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  // ---- Subscriptions (reads) ----

  // The effective state of (phone, campaign): the Subscription record's state if a record
  // exists; otherwise opted_out if the phone has a company-wide opt-out; otherwise empty
  // (never joined). Cost: 1–2 lookups.
  virtual Result<std::optional<SubscriptionState>> state(std::string_view phone,
                                                         std::string_view campaign) = 0;

  // The record of (phone, campaign), if any. Cost: 1 lookup.
  virtual Result<std::optional<Subscription>> subscription(std::string_view phone,
                                                           std::string_view campaign) = 0;

  // Every record of a phone, ordered by campaign id. Cost: one range scan of the phone.
  virtual Result<std::vector<Subscription>> subscriptions(std::string_view phone) = 0;

  // The phone's company-wide opt-out, if any. Cost: 1 lookup.
  virtual Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view phone) = 0;

  // ---- Subscriptions (writes; each change writes exactly one AuditEvent) ----

  // Joins `campaign` (a keyword, or OOPS restoring it). Writes a subscribed record even when
  // the phone has a company-wide opt-out (the join lifts it for this campaign only) and
  // records `campaign` as the phone's most recent join on `short_code` (also when the phone
  // was already subscribed: re-sending a keyword is a join). Keeps the campaign counts and
  // the campaign → subscribers index exact. Cost: ~6 B-tree operations.
  virtual Result<SubscriptionChange> subscribe(std::string_view phone, std::string_view campaign,
                                               std::string_view short_code,
                                               const ChangeContext& ctx) = 0;

  // Opts out of one campaign. If the effective state is already opted_out nothing is written
  // (changed == false; a company-wide opt-out already covers a campaign with no record).
  // Otherwise writes an opted_out record. Cost: ~6 B-tree operations.
  virtual Result<SubscriptionChange> opt_out(std::string_view phone, std::string_view campaign,
                                             const ChangeContext& ctx) = 0;

  // The company-wide opt-out (STOP ALL, Manual Opt-Out "all"): writes the CompanyOptOut
  // record (audited with campaign "*") and opts the phone out of every campaign it has a
  // subscribed record for (each audited). Returns the campaigns whose subscription it ended.
  // changed == false and nothing written if the phone already had a company-wide opt-out
  // and no subscribed record. Cost: one range scan of the phone + ~6 operations per change.
  struct CompanyOptOutChange {
    bool changed = false;
    std::vector<std::string> ended;  // campaigns that were subscribed
  };
  virtual Result<CompanyOptOutChange> opt_out_company(std::string_view phone,
                                                      const ChangeContext& ctx) = 0;

  // ---- STOP / OOPS / free text bookkeeping ----

  // Replaces what the last STOP of `phone` on `short_code` ended. Cost: 1 put.
  virtual std::error_code set_last_stop(const LastStop& stop) = 0;
  // What the last STOP ended, if any. Cost: 1 lookup.
  virtual Result<std::optional<LastStop>> last_stop(std::string_view phone,
                                                    std::string_view short_code) = 0;
  // Forgets it (after OOPS restored it). Returns whether there was one. Cost: 1 delete.
  virtual Result<bool> clear_last_stop(std::string_view phone, std::string_view short_code) = 0;

  // The campaign the phone joined most recently on the short code, whatever its state now.
  virtual Result<std::optional<RecentJoin>> recent_join(std::string_view phone,
                                                        std::string_view short_code) = 0;

  // ---- Inbox ----

  // Appends an Inbox row and its by-phone and by-campaign index entries; returns the new id
  // (last id + 1), or msg.reserved_id when set (invalid_argument if that id was not reserved
  // or has a row already). Cost: 3 appends.
  virtual Result<std::uint64_t> add_inbox(const NewInboxMessage& msg) = 0;

  // ---- Parts of concatenated MO (types.hpp MoPartSet) ----

  // The set of `key` with every part stored, if there is one (pending or completed).
  // Cost: one range scan of the set (at most 256 entries).
  virtual Result<std::optional<MoPartSet>> mo_part_set(const MoPartSetKey& key) = 0;

  // Opens a pending set (there must be none: drop_mo_part_set first) that arrived on `link`
  // at `since`, and reserves the Inbox id its message will have (ids stay unique across
  // restarts: a reserved id is never handed out again). Returns the id. Cost: 3 puts.
  virtual Result<std::uint64_t> open_mo_part_set(const MoPartSetKey& key, std::string_view link,
                                                 Timestamp since) = 0;

  // Stores one part of a pending set (replacing a part with the same seq). Cost: 1 put.
  virtual std::error_code add_mo_part(const MoPartSetKey& key, const MoPart& part) = 0;

  // The set's message is stored (add_inbox with its reserved id): the set becomes completed
  // at `at`, its parts kept until drop_mo_part_set so that a resent part is recognised.
  // Cost: 3 operations.
  virtual std::error_code complete_mo_part_set(const MoPartSetKey& key, Timestamp at) = 0;

  // Removes the set and its parts (absent: nothing to do). Cost: one range of deletes.
  virtual std::error_code drop_mo_part_set(const MoPartSetKey& key) = 0;

  // The keys of sets in `phase` whose `since` is at or before `until`, oldest first, at most
  // `limit`. Cost: one range scan of the time index.
  virtual Result<std::vector<MoPartSetKey>> mo_part_sets_due(MoPartPhase phase, Timestamp until,
                                                             std::size_t limit) = 0;

  // The oldest `since` of a set in `phase`, if any. Cost: 1 cursor seek.
  virtual Result<std::optional<Timestamp>> oldest_mo_part_set(MoPartPhase phase) = 0;

  // ---- Outbox ----

  // Appends an MT record in status queued, adds it to the pending queue of `msg.from` and to
  // the by-phone index; returns the new id. The caller has checked suppression (state()).
  // Cost: 3 appends.
  virtual Result<std::uint64_t> enqueue_outbox(const NewOutboxMessage& msg) = 0;

  // The record, if any (reads this transaction's writes). Cost: 1 lookup.
  virtual Result<std::optional<OutboxMessage>> outbox(std::uint64_t id) = 0;

  // submit_sm_resp OK for one part: stores the carrier message id as the carrier wrote it
  // (shown to operators) and the receipt map entry (link, receipt_key) → (id, part), where
  // receipt_key is the form receipts are looked up by (the daemon's canonical form of the
  // id). When every part has one, the record becomes submitted and leaves the pending queue.
  // not_found if no such record or part; invalid_argument if the record is not queued.
  // Cost: ~3 operations.
  virtual Result<OutboxStatus> record_part_submitted(std::uint64_t id, std::uint16_t part,
                                                     std::string_view link,
                                                     std::string_view carrier_message_id,
                                                     std::string_view receipt_key,
                                                     Timestamp at) = 0;

  // Ends a queued record without delivery: status failed (a submit error other than
  // throttling), expired, or suppressed (opted out while queued, SPEC §4). Leaves the pending
  // queue. `error` is the human reason. Returns false if the record was no longer queued
  // (nothing written). Cost: ~2 operations.
  virtual Result<bool> finish_outbox(std::uint64_t id, OutboxStatus status, std::string_view error,
                                     Timestamp at) = 0;

  // Counts one more dispatch attempt (throttled, window timeout) without changing status.
  virtual std::error_code count_attempt(std::uint64_t id, Timestamp at) = 0;

  // A delivery receipt for (link, receipt key). Sets the part's status; the record
  // becomes delivered when every part is delivered, failed as soon as one part fails, expired
  // when a part expired and none failed. `part_status` must be delivered, failed or expired.
  // Returns empty if no record has that carrier message id (the daemon holds such receipts
  // briefly, SPEC §5). A receipt for a record already final only updates the part.
  // Cost: ~3 operations.
  virtual Result<std::optional<ReceiptOutcome>> apply_receipt(std::string_view link,
                                                              std::string_view carrier_message_id,
                                                              PartStatus part_status,
                                                              std::string_view error,
                                                              Timestamp at) = 0;

  // Restart recovery (DESIGN.md §5, at-least-once): every queued record is still in its
  // pending queue after a restart, so it is dispatched again without any help. This only
  // handles long MTs whose parts were partly acknowledged before the crash: their part
  // carrier ids (and receipt map entries) are cleared so the whole message is sent again
  // with one concatenation reference. Returns the number of records reset.
  // Cost: one scan of the pending queues (queued records only).
  virtual Result<std::uint64_t> requeue_unacknowledged(Timestamp at) = 0;

  // ---- Bulk (Manual Opt-Out, broadcast) ----

  // Applies one chunk of a Manual Opt-Out: for each phone, opt_out(campaign) or
  // opt_out_company() with batch.context. Exact counts; duplicates inside the chunk are
  // counted as already_opted_out after the first (callers de-duplicate first, see
  // store/bulk.hpp PhoneSet). Cost: ~6–8 operations per phone, phones sorted internally.
  virtual Result<OptOutBatchResult> apply_opt_out_batch(const OptOutBatch& batch) = 0;

  // A fresh broadcast id (monotonic). Cost: 1 put.
  virtual Result<std::uint64_t> next_broadcast_id() = 0;

  // Enqueues one outbox record (kind broadcast) per subscribed phone of the campaign after
  // `chunk.after`, at most chunk.limit. Cost: a range scan + 3 appends per recipient.
  virtual Result<BroadcastChunkResult> enqueue_broadcast_chunk(const BroadcastChunk& chunk) = 0;

  // ---- Import (smppgwd --migrate-store; store/export.hpp) ----

  // Writes rows of Store::export_rows exactly as given into a store that does not have them
  // yet: ids kept, each row with its index entries (a queued outbox record joins its short
  // code's pending queue), and nothing derived — no audit event, no count or counter change:
  // campaign and pending counts and the counters are rows of their own, written as given.
  // invalid_argument (nothing written) for more than kMaxExportRows rows or a row no member
  // could have written (an empty or NUL-holding key part). Cost: ~2 puts per row.
  virtual std::error_code import_rows(std::span<const ExportRow> rows) = 0;

 protected:
  WriteTxn() = default;
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
};

}  // namespace smppgw::store
