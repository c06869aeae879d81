// The LMDB backend of Store (private to store/): the read queries, each in its own read
// transaction, and the writer's backend (one write transaction per group, map growth).
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>

#include "store/lmdb/env.hpp"
#include "store/lmdb/schema.hpp"
#include "store/lmdb/write_txn.hpp"
#include "store/store.hpp"
#include "store/write_backend.hpp"

namespace smppgw::store::lmdb {

class LmdbStore final : public Store, private detail::WriteBackend {
 public:
  LmdbStore(Env env, Tables tables, IdCounters ids, StoreOptions options);

  Result<std::optional<SubscriptionState>> state(std::string_view phone,
                                                 std::string_view campaign) const override;
  Result<std::vector<std::optional<SubscriptionState>>> states(
      std::span<const StateQuery> queries) const override;
  Result<std::vector<Subscription>> subscriptions(std::string_view phone) const override;
  Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view phone) const override;
  Result<std::optional<LastStop>> last_stop(std::string_view phone,
                                            std::string_view short_code) const override;
  Result<std::optional<RecentJoin>> recent_join(std::string_view phone,
                                                std::string_view short_code) const override;
  Result<CampaignCounts> campaign_counts(std::string_view campaign) const override;
  Result<std::vector<CampaignCounts>> all_campaign_counts() const override;
  Result<std::uint64_t> company_opt_out_count() const override;
  Result<Chunk<std::string>> subscribed_phones(std::string_view campaign,
                                               std::optional<std::string> cursor,
                                               std::size_t limit) const override;
  Result<Chunk<OptOutRow>> opted_out(std::optional<std::string> campaign,
                                     std::optional<std::string> cursor,
                                     std::size_t limit) const override;
  Result<InboxPage> inbox_page(const InboxQuery& q) const override;
  Result<std::optional<InboxMessage>> inbox_message(std::uint64_t id) const override;
  Result<std::optional<OutboxMessage>> outbox_message(std::uint64_t id) const override;
  Result<std::vector<OutboxMessage>> pending_outbox(std::string_view short_code,
                                                    std::uint64_t after_id,
                                                    std::size_t limit) const override;
  Result<std::uint64_t> pending_count(std::string_view short_code) const override;
  Result<std::optional<PartRef>> find_by_carrier_id(
      std::string_view link, std::string_view carrier_message_id) const override;
  Result<std::vector<ConversationEntry>> conversation(std::string_view phone,
                                                      std::optional<std::string> campaign,
                                                      std::size_t limit) const override;
  Result<AuditPage> audit_page(const AuditQuery& q) const override;
  Result<OutboxPage> phone_outbox(std::string_view phone, std::optional<std::uint64_t> before,
                                  std::size_t limit) const override;
  Result<StoreInfo> info() const override;
  Result<Chunk<ExportRow>> export_rows(ExportTable table, std::optional<std::string> cursor,
                                       std::size_t limit) const override;  // export.cpp

 private:
  // A read transaction plus the shared side of the remap lock: mdb_env_set_mapsize must not
  // run while any transaction of the process is open, so growth takes the lock exclusively.
  struct ReadTxn {
    std::shared_lock<std::shared_mutex> lock;
    Txn txn;
  };
  Result<ReadTxn> begin_read() const;

  detail::WriteBackend& write_backend() override { return *this; }
  bool claim_writer() override;
  void release_writer() override;
  Result<std::unique_ptr<detail::WriteGroup>> begin_group() override;
  std::error_code grow() override;
  // The error of a failed commit: lmdb_error, with EIO on a (next to) full file system
  // reported as disk_full.
  std::error_code commit_error(int rc) const;

  class Group;

  Env env_;
  Tables t_;
  IdCounters ids_;  // last committed ids; touched by the writer thread only
  StoreOptions options_;
  mutable std::shared_mutex remap_;
  std::atomic<bool> writer_claimed_{false};
  std::atomic<std::uint64_t> growths_{0};
};

}  // namespace smppgw::store::lmdb
