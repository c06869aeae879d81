// The durable state of smppgwd (DESIGN.md §3): opening the store and every read query of
// SPEC §6. Reads run in their own read transaction on the caller's thread, any thread, and
// never block the writer; all writes go through store/writer.hpp. No backend type appears
// here: the LMDB backend is behind this interface (a PostgreSQL one can be added, §6).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/error.hpp"
#include "store/export.hpp"
#include "store/types.hpp"

namespace smppgw::store {

// durability: fsync makes every commit durable before its completions run (the product);
// nosync skips the fsync (benchmarks only: a crash of the machine loses recent commits,
// a crash of the process does not).
enum class Durability : std::uint8_t { fsync, nosync };

struct StoreOptions {
  std::filesystem::path state_dir;          // the environment's directory; created if missing
  std::uint64_t map_size = 1ull << 30;      // initial map size (config store.map_size)
  std::uint64_t max_map_size = 1ull << 40;  // the map never grows beyond this
  Durability durability = Durability::fsync;
  unsigned max_readers = 256;  // concurrent read transactions (one per reading thread call)
};

// What /healthz and /metrics show about the store.
struct StoreInfo {
  std::uint32_t schema_version = 0;
  std::uint64_t map_size = 0;     // bytes currently mapped
  std::uint64_t used_bytes = 0;   // pages in use × page size
  std::uint64_t map_growths = 0;  // how often the map grew since open
};

// Pointer state for chunked reads: pass the returned `next` back until it is empty.
template <class Row>
struct Chunk {
  std::vector<Row> rows;
  std::optional<std::string> next;  // opaque cursor; empty: done
};

namespace detail {
class WriteBackend;  // the writer's access to the backend (store/write_backend.hpp)
}

class Store {
 public:
  virtual ~Store() = default;

  // ---- Subscriptions ----

  // Effective state of (phone, campaign), as WriteTxn::state (suppression checks: an MT is
  // accepted only if this is not opted_out). Cost: 1–2 lookups.
  virtual Result<std::optional<SubscriptionState>> state(std::string_view phone,
                                                         std::string_view campaign) const = 0;
  // The effective states of many (phone, campaign) pairs, read in one read transaction (the
  // MT dispatcher checks a batch of queued records at once). Answers as state(), in order.
  struct StateQuery {
    std::string_view phone;
    std::string_view campaign;
  };
  virtual Result<std::vector<std::optional<SubscriptionState>>> states(
      std::span<const StateQuery> queries) const = 0;
  // Every Subscription record of a phone, ordered by campaign. Cost: one range scan.
  virtual Result<std::vector<Subscription>> subscriptions(std::string_view phone) const = 0;
  // The company-wide opt-out of a phone, if any. Cost: 1 lookup.
  virtual Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view phone) const = 0;
  // What the last STOP on a short code ended. Cost: 1 lookup.
  virtual Result<std::optional<LastStop>> last_stop(std::string_view phone,
                                                    std::string_view short_code) const = 0;
  // The most recent join of a phone on a short code. Cost: 1 lookup.
  virtual Result<std::optional<RecentJoin>> recent_join(std::string_view phone,
                                                        std::string_view short_code) const = 0;

  // Counts of one campaign (zero counts if it has no record). Cost: 1 lookup, no scan.
  virtual Result<CampaignCounts> campaign_counts(std::string_view campaign) const = 0;
  // Counts of every campaign that has records, ordered by id. Cost: one scan of the counts.
  virtual Result<std::vector<CampaignCounts>> all_campaign_counts() const = 0;
  // Number of phones with a company-wide opt-out. Cost: 1 lookup.
  virtual Result<std::uint64_t> company_opt_out_count() const = 0;

  // Phones subscribed to `campaign`, in phone order, after the cursor; at most `limit`
  // (1..100000). Cost: one range scan of `limit` index entries.
  virtual Result<Chunk<std::string>> subscribed_phones(std::string_view campaign,
                                                       std::optional<std::string> cursor,
                                                       std::size_t limit) const = 0;

  // The opted-out export (GET /v1/opt-outs.csv), one chunk per call (each its own short read
  // transaction, so a million rows never hold one reader open for long). Without campaign:
  // every opted_out record, then every company-wide opt-out (campaign "*"). With campaign:
  // its opted_out records, then company-wide opt-outs of phones with no record for it (they
  // are covered too). Cost: one range scan of `limit` entries (+1 lookup per company row).
  virtual Result<Chunk<OptOutRow>> opted_out(std::optional<std::string> campaign,
                                             std::optional<std::string> cursor,
                                             std::size_t limit) const = 0;

  // The whole export streamed to `sink`, chunk by chunk (`chunk_size` rows each). Return
  // false from `sink` to stop early. Runs on the caller's thread: not on the event loop.
  std::error_code for_each_opted_out(
      std::optional<std::string> campaign, std::size_t chunk_size,
      const std::function<bool(std::span<const OptOutRow>)>& sink) const;

  // ---- Inbox ----

  // GET /v1/inbox. invalid_argument if limit is 0 or above kMaxPageLimit. With both filters,
  // walks the phone's index and filters by campaign. With kind possible_opt_out (and no
  // phone), walks the flagged rows only, a backend keeps an index of them; another kind is
  // a filter over the rows the other filters select. Cost: one range scan (+1 lookup/row).
  virtual Result<InboxPage> inbox_page(const InboxQuery& q) const = 0;
  virtual Result<std::optional<InboxMessage>> inbox_message(std::uint64_t id) const = 0;

  // ---- Outbox ----

  virtual Result<std::optional<OutboxMessage>> outbox_message(std::uint64_t id) const = 0;
  // One phone's records, newest first, `limit` (1..kMaxPageLimit) at a time, ids < before
  // (GET /v1/subscribers/{phone}/evidence). Cost: one range scan of the phone's index + 1
  // lookup per record.
  virtual Result<OutboxPage> phone_outbox(std::string_view phone,
                                          std::optional<std::uint64_t> before,
                                          std::size_t limit) const = 0;

  // Queued records of a short code in id order (the dispatcher's queue), ids > after_id, at
  // most `limit`. The dispatcher keeps its own cursor of what it has in flight; a record
  // stays here until WriteTxn::record_part_submitted (all parts) or finish_outbox.
  // Cost: one range scan + 1 lookup per record.
  virtual Result<std::vector<OutboxMessage>> pending_outbox(std::string_view short_code,
                                                            std::uint64_t after_id,
                                                            std::size_t limit) const = 0;
  // Number of queued records of a short code (queue depth metric). Cost: one lookup (the
  // writer keeps the count with every change of the queue).
  virtual Result<std::uint64_t> pending_count(std::string_view short_code) const = 0;

  // The record a receipt for (link, carrier message id) belongs to. Cost: 1 lookup.
  struct PartRef {
    std::uint64_t outbox_id = 0;
    std::uint16_t part = 0;
  };
  virtual Result<std::optional<PartRef>> find_by_carrier_id(
      std::string_view link, std::string_view carrier_message_id) const = 0;

  // ---- Conversation ----

  // The chat thread of a phone: its Inbox rows and outbox records (optionally of one
  // campaign), the `limit` most recent, returned oldest first (by time, then in before out).
  // Cost: two backward range scans of the phone's indexes + 1 lookup per entry.
  virtual Result<std::vector<ConversationEntry>> conversation(std::string_view phone,
                                                              std::optional<std::string> campaign,
                                                              std::size_t limit) const = 0;

  // ---- Audit ----

  // GET /v1/audit: newest first, optionally one phone's. Cost: one range scan.
  virtual Result<AuditPage> audit_page(const AuditQuery& q) const = 0;

  // ---- Health ----

  virtual Result<StoreInfo> info() const = 0;
  // The words behind the last failed read (a server backend: the server and its cause, never
  // a password), for /healthz next to the error; empty when the error code says it all.
  virtual std::string last_failure() const { return {}; }

  // ---- Export (smppgwd --migrate-store; store/export.hpp) ----

  // The rows of `table` in the backend's key order after `cursor` (empty: from the start), at
  // most `limit` (1..kMaxExportRows), and the cursor of the next chunk (empty: done). The
  // counters table is one row. Each chunk is its own read: the rows of a whole table are one
  // consistent copy only while nothing writes (the daemon is stopped). invalid_argument for a
  // bad limit or a cursor this backend did not give. Cost: one range scan of `limit` rows.
  virtual Result<Chunk<ExportRow>> export_rows(ExportTable table, std::optional<std::string> cursor,
                                               std::size_t limit) const = 0;

 protected:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 private:
  friend class Writer;
  // The writer's access to transactions, map growth and commit (backend-specific).
  virtual detail::WriteBackend& write_backend() = 0;
};

// Opens (creating if needed) the LMDB environment in options.state_dir/store/ (data.mdb,
// lock.mdb): clears stale reader
// slots left by dead processes, checks the schema version (schema_too_new if the files are
// newer than this binary) and runs forward migrations. Fails with open_failed (the message
// names the directory and the reason), corrupted or schema_too_new. Only one process may
// open a state_dir for writing at a time (the daemon takes a lock file).
Result<std::unique_ptr<Store>> open_store(const StoreOptions& options);

}  // namespace smppgw::store
