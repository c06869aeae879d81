// The PostgreSQL backend of Store (private to store/postgres/): every read query of SPEC §6 as
// one statement, or one pipeline, on a connection of the pool, answering exactly as the LMDB
// backend does; the writer's backend is given at construction (open_store builds both).
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pool.hpp"
#include "store/store.hpp"
#include "store/write_backend.hpp"

namespace smppgw::store::postgres {

class PgStore final : public Store {
 public:
  PgStore(std::unique_ptr<Pool> pool, std::unique_ptr<detail::WriteBackend> writer);

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
                                       std::size_t limit) const override;  // pg_store_export.cpp

  // Why the last read failed (the server and libpq's or the server's cause): error codes carry
  // no text, so /healthz can say why the store is unavailable. Empty if nothing failed yet.
  std::string last_failure() const override { return pool_->last_failure(); }

 private:
  detail::WriteBackend& write_backend() override { return *writer_; }

  // One statement, or several as one pipeline, on a connection of the pool.
  Result<Rows> query(Statement statement) const;
  Result<std::vector<Rows>> queries(std::span<const Statement> statements) const;

  std::unique_ptr<Pool> pool_;
  std::unique_ptr<detail::WriteBackend> writer_;
};

}  // namespace smppgw::store::postgres
