// The LMDB implementation of WriteTxn (private to store/): the domain writes of one group,
// inside one MDB write transaction. It keeps every index and count in step with its table
// and writes the audit event of every subscription change itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/schema.hpp"
#include "store/write_txn.hpp"

namespace smppgw::store::lmdb {

// The last ids handed out; a group starts from the committed values and hands its own back
// only if it commits (an aborted group's ids are reused, so ids stay dense and monotonic).
struct IdCounters {
  std::uint64_t inbox = 0;
  std::uint64_t outbox = 0;
  std::uint64_t audit = 0;
  AuditHash audit_head{};  // hash of the last audit event (audit_chain.hpp); zeros for none
};

class LmdbWriteTxn final : public WriteTxn {
 public:
  LmdbWriteTxn(Txn& txn, const Tables& tables, IdCounters start)
      : txn_(txn), t_(tables), ids_(start) {}

  // The first backend error seen (the MDB transaction is then unusable), or {}.
  std::error_code poisoned() const { return poison_; }
  // Writes what is kept in memory during the group (count deltas); call once before commit.
  std::error_code finish();
  IdCounters counters() const { return ids_; }

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
  std::error_code import_rows(std::span<const ExportRow> rows) override;  // import.cpp

 private:
  // Records the first backend failure; returns rc unchanged.
  int check(int rc) {
    if (rc != 0 && rc != MDB_NOTFOUND && rc != MDB_KEYEXIST && !poison_) poison_ = lmdb_error(rc);
    return rc;
  }
  std::error_code put(MDB_dbi dbi, std::string_view k, std::string_view v, unsigned flags = 0);
  std::error_code del(MDB_dbi dbi, std::string_view k);  // absent is not an error
  std::error_code write_record(const std::optional<Subscription>& prev, std::string_view phone,
                               std::string_view campaign, SubscriptionState state,
                               std::optional<SubscriptionState> before, const ChangeContext& ctx);
  std::error_code append_audit(std::string_view phone, std::string_view campaign,
                               std::optional<SubscriptionState> from, SubscriptionState to,
                               const ChangeContext& ctx);
  std::error_code put_outbox(const OutboxMessage& m);
  std::error_code import_row(const ExportRow& row);  // import.cpp
  // The entry (seq 0) of a set, if any (mo_parts.cpp).
  Result<std::optional<MoPartSet>> mo_part_set_entry(std::string_view set_key);
  // opt_out() once its arguments are checked (apply_opt_out_batch checks a chunk's once).
  Result<SubscriptionChange> opt_out_checked(std::string_view phone, std::string_view campaign,
                                             const ChangeContext& ctx);
  void count(std::string_view campaign, SubscriptionState s, std::int64_t delta);
  // The records of `phone`, this group's own included.
  Result<std::vector<Subscription>> subscriptions_of(std::string_view phone);

  Txn& txn_;
  const Tables& t_;
  IdCounters ids_;
  std::error_code poison_;
  std::string buf_;  // scratch for record encodings
  // Count changes of this group, written once by finish(): a hot campaign's counts record
  // is then rewritten once per group instead of once per change.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>, std::less<>> count_delta_;
  // The campaigns a phone's records are looked up in (see subscriptions_of): read once per
  // group, and again after count() meets a campaign new to the group.
  std::optional<std::vector<std::string>> campaigns_;
  std::int64_t company_delta_ = 0;
  // Changes of the queued-record counters (kMetaPending) per short code, written by finish().
  std::map<std::string, std::int64_t, std::less<>> pending_delta_;
  void count_pending(std::string_view short_code, std::int64_t delta);
  // Removes the outbox_pending entry of record `id` and counts it if it was there.
  std::error_code remove_pending(std::string_view short_code, std::uint64_t id);
  // The inbox, outbox and audit entries of `phones` (phone\0<tag>be64(id)), written sorted
  // by finish(). Nothing inside a write transaction reads them, and inserting them in key
  // order through one cursor costs a fraction of one random B-tree descent each; they land
  // on the pages the group's subscription writes for the same phones already dirtied.
  // The keys live in one arena per index (no allocation per key). Each entry carries the
  // key's first 16 bytes as two big-endian integers, so sorting compares integers and falls
  // back to the bytes only for keys that share 16 bytes (memcmp on every comparison cost
  // more than the inserts themselves).
  struct PendingKey {
    std::uint64_t hi, lo;
    std::uint32_t off, len;
  };
  struct PendingKeys {
    std::string arena;
    std::vector<PendingKey> entries;
    void add(std::string_view phone, char tag, std::uint64_t id);
  };
  PendingKeys phone_entries_;
  std::error_code flush_sorted(MDB_dbi dbi, PendingKeys& keys);

  // The last effective-state lookup: an MO reads the state, then subscribes or opts out,
  // which reads it again. Reset by every write to subs or company; a group that fails is
  // re-run in a new transaction object, so nothing survives an abort.
  struct StateMemo {
    bool valid = false;
    std::string phone, campaign;
    std::optional<Subscription> record;
    std::optional<SubscriptionState> state;
  };
  StateMemo memo_;
  Result<std::optional<SubscriptionState>> lookup_state(std::string_view phone,
                                                        std::string_view campaign,
                                                        std::optional<Subscription>* record);

  // Bulk opt-out: phones arrive sorted, so their subscriptions / phones / company keys
  // usually lie past the end of the table (a first upload) and go in with MDB_APPEND (no
  // search). Measured on the 1M-phone benchmark it writes the same bytes as plain puts
  // (LMDB already fills pages when keys arrive in order); it is kept because it is never
  // worse. The flag of a table drops at the first key that does not append.
  bool append_subs_ = false, append_phones_ = false, append_company_ = false;
  // Inside apply_opt_out_batch: audit entries of `phones` are written at once, in key order,
  // instead of deferred to finish(); the events go into one audit_bulk row (bulk_audit_);
  // the subscription value, the same for every phone, is encoded once.
  bool bulk_ = false;
  // Inside apply_opt_out_batch: the last key of `subscriptions` and of `company` (empty: the
  // table is empty), kept up to date by the chunk's own writes. A key past the last one has
  // no entry, so its point read is skipped: a first upload's sorted phones all lie past the
  // end, and two reads per phone were a fifth of the chunk's time.
  struct {
    std::string subscriptions, company;
  } bulk_ends_;
  // lookup_state inside a bulk chunk: no memo, and no reads for a phone past both ends.
  Result<std::optional<SubscriptionState>> bulk_state(std::string_view phone,
                                                      std::string_view campaign,
                                                      std::optional<Subscription>* record);
  records::AuditBulkBuilder bulk_audit_;
  std::string bulk_subscription_;
  std::error_code put_appending(MDB_dbi dbi, std::string_view k, std::string_view v,
                                bool& try_append);
};

}  // namespace smppgw::store::lmdb
