// The domain writes of the PostgreSQL backend (store/write_txn.hpp), behaving exactly as the
// LMDB backend's: one PgWriteTxn per group, its reads answered from memory, its writes kept in
// memory and flushed as arrays with the group's COMMIT.
//
// Why passes: a read of the server costs a round trip (~100 µs), a B-tree read in LMDB ~1 µs.
// So a member never reads the server itself: it looks in the attempt's writes (the overlay),
// then in the rows this transaction loaded (the cache, kept across attempts, "absent" answers
// included); when the rows are not there it notes what it needs and returns data_needed. The
// writer runs the rest of the group (learning what every request needs), then load() fetches
// all of it in one pipeline and the group re-runs with an empty overlay. MO: pass 1 learns the
// phones, pass 2 decides. Receipt: carrier id, then the outbox record, then decides.
//
// Lock order (so that groups on several nodes cannot deadlock among themselves): each load
// pass takes the advisory transaction locks of its phones (hashtextextended(phone, 0)) in
// ascending key order before reading them, then the outbox rows (FOR UPDATE, ascending id),
// then the counters row (FOR UPDATE) last. A later pass may lock a smaller key than an earlier
// one; the server's deadlock detector then aborts one side (40P01 → conflict), whose group
// re-runs in a new transaction.
//
// What a re-run redoes: after load() the overlay (every write, id assignments, count deltas)
// is discarded and the requests run again from the loaded state; after a conflict or a lost
// connection everything, the cache too, goes with the transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/write_txn.hpp"

namespace smppgw::store::postgres {

class PgWriteTxn final : public WriteTxn {
 public:
  PgWriteTxn() = default;

  // ---- For the group (write_backend.cpp) ----

  // The error that made the transaction unusable (a row that does not decode: corrupted).
  std::error_code poisoned() const { return poison_; }
  // Whether a request of this attempt returned data_needed.
  bool wants_data() const { return !needs_.empty(); }
  // The load pipeline for what the attempt asked for; then loaded() with its results (one
  // Rows per statement, in order), which starts the next attempt.
  std::vector<Statement> load_statements();
  std::error_code loaded(std::vector<Rows>& results);
  // A new attempt without loading: the overlay discarded, the cache kept.
  void restart();
  // The overlay as multi-row statements (empty when the attempt wrote nothing).
  std::vector<Statement> flush_statements() const;

  // ---- WriteTxn ----

  Result<std::optional<SubscriptionState>> state(std::string_view phone,
                                                 std::string_view campaign) override;
  Result<std::optional<Subscription>> subscription(std::string_view phone,
                                                   std::string_view campaign) override;
  Result<std::vector<Subscription>> subscriptions(std::string_view phone) override;
  Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view phone) override;
  Result<SubscriptionChange> subscribe(std::string_view phone, std::string_view campaign,
                                       std::string_view short_code,
                                       const ChangeContext& ctx) override;
  Result<SubscriptionChange> opt_out(std::string_view phone, std::string_view campaign,
                                     const ChangeContext& ctx) override;
  Result<CompanyOptOutChange> opt_out_company(std::string_view phone,
                                              const ChangeContext& ctx) override;
  std::error_code set_last_stop(const LastStop& stop) override;
  Result<std::optional<LastStop>> last_stop(std::string_view phone,
                                            std::string_view short_code) override;
  Result<bool> clear_last_stop(std::string_view phone, std::string_view short_code) override;
  Result<std::optional<RecentJoin>> recent_join(std::string_view phone,
                                                std::string_view short_code) override;
  Result<std::uint64_t> add_inbox(const NewInboxMessage& msg) override;
  Result<std::optional<MoPartSet>> mo_part_set(const MoPartSetKey& key) override;
  Result<std::uint64_t> open_mo_part_set(const MoPartSetKey& key, std::string_view link,
                                         Timestamp since) override;
  std::error_code add_mo_part(const MoPartSetKey& key, const MoPart& part) override;
  std::error_code complete_mo_part_set(const MoPartSetKey& key, Timestamp at) override;
  std::error_code drop_mo_part_set(const MoPartSetKey& key) override;
  Result<std::vector<MoPartSetKey>> mo_part_sets_due(MoPartPhase phase, Timestamp until,
                                                     std::size_t limit) override;
  Result<std::optional<Timestamp>> oldest_mo_part_set(MoPartPhase phase) override;
  Result<std::uint64_t> enqueue_outbox(const NewOutboxMessage& msg) override;
  Result<std::optional<OutboxMessage>> outbox(std::uint64_t id) override;
  Result<OutboxStatus> record_part_submitted(std::uint64_t id, std::uint16_t part,
                                             std::string_view link,
                                             std::string_view carrier_message_id,
                                             std::string_view receipt_key, Timestamp at) override;
  Result<bool> finish_outbox(std::uint64_t id, OutboxStatus status, std::string_view error,
                             Timestamp at) override;
  std::error_code count_attempt(std::uint64_t id, Timestamp at) override;
  Result<std::optional<ReceiptOutcome>> apply_receipt(std::string_view link,
                                                      std::string_view carrier_message_id,
                                                      PartStatus part_status,
                                                      std::string_view error,
                                                      Timestamp at) override;
  Result<std::uint64_t> requeue_unacknowledged(Timestamp at) override;
  Result<OptOutBatchResult> apply_opt_out_batch(const OptOutBatch& batch) override;
  Result<std::uint64_t> next_broadcast_id() override;
  Result<BroadcastChunkResult> enqueue_broadcast_chunk(const BroadcastChunk& chunk) override;
  std::error_code import_rows(std::span<const ExportRow> rows) override;  // write_txn_import.cpp

  // Everything a phone has, loaded as one unit (its rows of four tables).
  struct PhoneState {
    std::map<std::string, Subscription, std::less<>> subs;  // by campaign
    std::optional<CompanyOptOut> company;
    std::map<std::string, LastStop, std::less<>> stops;    // by short code
    std::map<std::string, RecentJoin, std::less<>> joins;  // by short code
  };
  struct Counters {
    std::uint64_t inbox = 0, outbox = 0, audit = 0, broadcast = 0;
    std::int64_t company_opt_outs = 0;
    AuditHash audit_head{};  // hash of event `audit` (audit_chain.hpp), loaded with the row
  };
  using ReceiptRef = std::pair<std::uint64_t, std::uint16_t>;  // (outbox id, part)
  using ReceiptKey = std::pair<std::string, std::string>;      // (link, receipt key)
  using MoKey = std::tuple<std::string, std::string, std::uint16_t, std::uint8_t>;
  // A campaign's subscribed phones after a cursor, as committed: `phones` in order, `full`
  // when the server had more than were loaded.
  struct Range {
    std::vector<std::string> phones;
    bool full = false;
  };
  using RangeKey = std::tuple<std::string, std::string, std::size_t>;  // campaign, after, n
  using DueKey = std::tuple<std::uint8_t, std::int64_t, std::size_t>;  // phase, until, n

 private:
  // What the attempt asked for (cleared by loaded()).
  struct Needs {
    std::set<std::string, std::less<>> phones;
    std::set<std::uint64_t> outbox;
    std::set<std::uint64_t> inbox_ids;
    std::set<ReceiptKey> receipts;
    std::set<MoKey> mo_sets;
    std::set<std::string, std::less<>> counts;
    std::set<RangeKey> ranges;
    std::set<DueKey> due;
    bool counters = false;
    bool pending = false;
    bool empty() const {
      return phones.empty() && outbox.empty() && inbox_ids.empty() && receipts.empty() &&
             mo_sets.empty() && counts.empty() && ranges.empty() && due.empty() && !counters &&
             !pending;
    }
  };
  // The writes of one attempt.
  struct Overlay {
    std::unordered_map<std::string, PhoneState> phones;  // final images of touched phones
    std::vector<AuditEvent> audit;
    std::vector<InboxMessage> inbox;
    std::map<std::uint64_t, OutboxMessage> outbox;             // final images (new records too)
    std::map<ReceiptKey, std::optional<ReceiptRef>> receipts;  // nullopt: deleted
    std::map<MoKey, std::optional<MoPartSet>> mo_sets;         // nullopt: dropped
    std::map<std::string, std::pair<std::int64_t, std::int64_t>, std::less<>> counts;
    std::map<std::string, std::int64_t, std::less<>> pending;
    std::int64_t company_delta = 0;
    std::optional<Counters> ids;  // the ids as this attempt assigned them
    bool reserved = false;        // an inbox id was reserved (open_mo_part_set)
  };

  std::error_code need_data() { return make_error_code(StoreErrc::data_needed); }

  // Reads through the overlay, then the cache; nullptr with the need noted when not loaded.
  const PhoneState* phone_view(std::string_view phone);
  PhoneState* phone_write(std::string_view phone);  // the overlay's copy; needs phone_view
  Counters* ids();
  // The record as the attempt sees it (nullptr: there is none); nullopt with the need noted.
  std::optional<const OutboxMessage*> outbox_view(std::uint64_t id);
  OutboxMessage* outbox_write(std::uint64_t id);  // nullptr if absent or not loaded
  const std::optional<ReceiptRef>* receipt_view(const ReceiptKey& key);
  const std::optional<MoPartSet>* mo_view(const MoKey& key);
  MoPartSet& mo_write(const MoKey& key);  // the overlay's copy of a set mo_view found
  // (campaign counts as committed + this attempt's deltas); nullopt with the need noted.
  std::optional<std::pair<std::int64_t, std::int64_t>> counts_view(std::string_view campaign);
  // The sets of `phase` with since <= until, oldest first, at most `limit`, as the attempt
  // sees them; nullopt with the need noted.
  std::optional<std::vector<std::pair<std::int64_t, MoKey>>> due_view(MoPartPhase phase,
                                                                      std::int64_t until,
                                                                      std::size_t limit);

  std::optional<SubscriptionState> effective(const PhoneState& p, std::string_view campaign) const;
  void append_audit(std::string_view phone, std::string_view campaign,
                    std::optional<SubscriptionState> from, SubscriptionState to,
                    const ChangeContext& ctx);
  void write_record(PhoneState& p, std::string_view phone, std::string_view campaign,
                    SubscriptionState state, std::optional<SubscriptionState> before,
                    const ChangeContext& ctx);
  Result<SubscriptionChange> opt_out_checked(std::string_view phone, std::string_view campaign,
                                             const ChangeContext& ctx);
  Result<CompanyOptOutChange> opt_out_company_checked(std::string_view phone,
                                                      const ChangeContext& ctx);
  void put_outbox(OutboxMessage m);
  void count_pending(std::string_view short_code, std::int64_t delta);

  std::error_code poison_;
  Needs needs_;
  Overlay ov_;
  // The cache: rows loaded in this transaction (nullopt: the server has none).
  std::unordered_map<std::string, PhoneState> phones_;
  std::optional<Counters> counters_;
  std::unordered_map<std::uint64_t, std::optional<OutboxMessage>> outbox_;
  std::map<std::uint64_t, bool> inbox_ids_;  // reserved ids: whether the server has their row
  std::map<ReceiptKey, std::optional<ReceiptRef>> receipts_;
  std::map<MoKey, std::optional<MoPartSet>> mo_sets_;
  std::map<std::string, std::optional<std::pair<std::int64_t, std::int64_t>>, std::less<>> counts_;
  std::map<RangeKey, Range> ranges_;
  std::map<DueKey, std::vector<std::pair<std::int64_t, MoKey>>> due_;
  bool pending_loaded_ = false;  // every queued outbox record is in outbox_

  // What each statement of the pending load pipeline fetches (load_statements → loaded).
  enum class Load {
    locks,
    subscriptions,
    company,
    last_stops,
    recent_joins,
    outbox,
    pending,
    inbox_ids,
    receipts,
    mo_sets,
    mo_parts,
    due,
    counts,
    range,
    counters,
    audit_head,
  };
  std::vector<Load> plan_;
  std::vector<DueKey> plan_due_;
  std::vector<RangeKey> plan_ranges_;
};

}  // namespace smppgw::store::postgres
