// The writer's load passes and re-runs (store/writer.cpp) on a fake server backend: a request
// answering data_needed, load() once per pass and the group re-run in the same transaction;
// conflicts re-run in a new transaction; an unreachable server fails the group fast.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/write_backend.hpp"
#include "store/writer.hpp"

namespace smppgw::store::test {
namespace {

std::error_code err(StoreErrc e) {
  return make_error_code(e);
}

// A key → value store with a server's manners: a transaction reads only keys it has loaded
// (kept across the attempts of the transaction, absent answers included); a read of any
// other key notes it and answers data_needed. Writes stay in the attempt's overlay until
// commit. Errors can be scheduled for begin_group, load and commit.
struct FakeServer {
  std::map<std::string, int> committed;
  std::set<std::string> unloadable;  // keys load() never delivers (a backend that cannot)

  // What happened, for the assertions.
  int begins = 0, commits = 0, aborts = 0, restarts = 0;
  std::vector<std::set<std::string>> loads;  // the keys of each load() call, in order

  // Errors to return from the next calls, first to last (empty: succeed).
  std::vector<std::error_code> begin_errors, load_errors, commit_errors;

  static std::error_code next(std::vector<std::error_code>& errors) {
    if (errors.empty()) return {};
    auto e = errors.front();
    errors.erase(errors.begin());
    return e;
  }
};

// The WriteTxn of the fake: the domain members are not used by these tests (each answers
// invalid_argument); requests reach get/put through fake().
class FakeTxn final : public WriteTxn {
 public:
  explicit FakeTxn(FakeServer& s) : server_(s) {}

  Result<std::optional<int>> get(const std::string& key) {
    if (auto w = overlay_.find(key); w != overlay_.end()) return w->second;
    if (!loaded_.contains(key)) {
      needs_.insert(key);
      return fail(StoreErrc::data_needed);
    }
    if (auto c = server_.committed.find(key); c != server_.committed.end()) return c->second;
    return std::optional<int>{};
  }
  void put(const std::string& key, int value) { overlay_[key] = value; }

  bool wants_data() const { return !needs_.empty(); }
  void load() {
    server_.loads.push_back(needs_);
    for (const auto& k : needs_) {
      if (!server_.unloadable.contains(k)) loaded_.insert(k);
    }
    restart();
  }
  void restart() {
    needs_.clear();
    overlay_.clear();
  }
  void commit() {
    for (const auto& [k, v] : overlay_) server_.committed[k] = v;
  }

  Result<std::optional<SubscriptionState>> state(std::string_view, std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<Subscription>> subscription(std::string_view, std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<Subscription>> subscriptions(std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<SubscriptionChange> subscribe(std::string_view, std::string_view, std::string_view,
                                       const ChangeContext&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<SubscriptionChange> opt_out(std::string_view, std::string_view,
                                     const ChangeContext&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<CompanyOptOutChange> opt_out_company(std::string_view, const ChangeContext&) override {
    return fail(StoreErrc::invalid_argument);
  }
  std::error_code set_last_stop(const LastStop&) override {
    return err(StoreErrc::invalid_argument);
  }
  Result<std::optional<LastStop>> last_stop(std::string_view, std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<bool> clear_last_stop(std::string_view, std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<RecentJoin>> recent_join(std::string_view, std::string_view) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> add_inbox(const NewInboxMessage&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<MoPartSet>> mo_part_set(const MoPartSetKey&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> open_mo_part_set(const MoPartSetKey&, std::string_view,
                                         Timestamp) override {
    return fail(StoreErrc::invalid_argument);
  }
  std::error_code add_mo_part(const MoPartSetKey&, const MoPart&) override {
    return err(StoreErrc::invalid_argument);
  }
  std::error_code complete_mo_part_set(const MoPartSetKey&, Timestamp) override {
    return err(StoreErrc::invalid_argument);
  }
  std::error_code drop_mo_part_set(const MoPartSetKey&) override {
    return err(StoreErrc::invalid_argument);
  }
  Result<std::vector<MoPartSetKey>> mo_part_sets_due(MoPartPhase, Timestamp, std::size_t) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<Timestamp>> oldest_mo_part_set(MoPartPhase) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> enqueue_outbox(const NewOutboxMessage&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<OutboxMessage>> outbox(std::uint64_t) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<OutboxStatus> record_part_submitted(std::uint64_t, std::uint16_t, std::string_view,
                                             std::string_view, std::string_view,
                                             Timestamp) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<bool> finish_outbox(std::uint64_t, OutboxStatus, std::string_view, Timestamp) override {
    return fail(StoreErrc::invalid_argument);
  }
  std::error_code count_attempt(std::uint64_t, Timestamp) override {
    return err(StoreErrc::invalid_argument);
  }
  Result<std::optional<ReceiptOutcome>> apply_receipt(std::string_view, std::string_view,
                                                      PartStatus, std::string_view,
                                                      Timestamp) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> requeue_unacknowledged(Timestamp) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<OptOutBatchResult> apply_opt_out_batch(const OptOutBatch&) override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> next_broadcast_id() override { return fail(StoreErrc::invalid_argument); }
  Result<BroadcastChunkResult> enqueue_broadcast_chunk(const BroadcastChunk&) override {
    return fail(StoreErrc::invalid_argument);
  }
  std::error_code import_rows(std::span<const ExportRow>) override {
    return make_error_code(StoreErrc::invalid_argument);
  }

 private:
  FakeServer& server_;
  std::set<std::string> loaded_;        // kept for the whole transaction
  std::set<std::string> needs_;         // asked for by this attempt
  std::map<std::string, int> overlay_;  // this attempt's writes
};

FakeTxn& fake(WriteTxn& w) {
  return static_cast<FakeTxn&>(w);
}

class FakeGroup final : public detail::WriteGroup {
 public:
  explicit FakeGroup(FakeServer& s) : server_(s), txn_(s) {}
  WriteTxn& txn() override { return txn_; }
  std::error_code poisoned() const override { return {}; }
  std::error_code commit() override {
    if (auto e = FakeServer::next(server_.commit_errors)) return e;
    txn_.commit();
    ++server_.commits;
    return {};
  }
  void abort() noexcept override { ++server_.aborts; }
  bool wants_data() const override { return txn_.wants_data(); }
  std::error_code load() override {
    if (auto e = FakeServer::next(server_.load_errors)) return e;
    txn_.load();
    return {};
  }
  bool restart() override {
    ++server_.restarts;
    txn_.restart();
    return true;
  }

 private:
  FakeServer& server_;
  FakeTxn txn_;
};

class FakeBackend final : public detail::WriteBackend {
 public:
  explicit FakeBackend(FakeServer& s) : server_(s) {}
  bool claim_writer() override { return true; }
  void release_writer() override {}
  Result<std::unique_ptr<detail::WriteGroup>> begin_group() override {
    ++server_.begins;
    if (auto e = FakeServer::next(server_.begin_errors)) return fail(e);
    return std::make_unique<FakeGroup>(server_);
  }
  std::error_code grow() override { return err(StoreErrc::disk_full); }

 private:
  FakeServer& server_;
};

// A Store whose only use here is to hand the writer its backend; no read is asked of it.
class FakeStore final : public Store {
 public:
  explicit FakeStore(FakeServer& s) : backend_(s) {}
  Result<std::optional<SubscriptionState>> state(std::string_view,
                                                 std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<std::optional<SubscriptionState>>> states(
      std::span<const StateQuery>) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<Subscription>> subscriptions(std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<CompanyOptOut>> company_opt_out(std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<LastStop>> last_stop(std::string_view, std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<RecentJoin>> recent_join(std::string_view, std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<CampaignCounts> campaign_counts(std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<CampaignCounts>> all_campaign_counts() const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> company_opt_out_count() const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<Chunk<std::string>> subscribed_phones(std::string_view, std::optional<std::string>,
                                               std::size_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<Chunk<OptOutRow>> opted_out(std::optional<std::string>, std::optional<std::string>,
                                     std::size_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<InboxPage> inbox_page(const InboxQuery&) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<InboxMessage>> inbox_message(std::uint64_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<OutboxMessage>> outbox_message(std::uint64_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<OutboxMessage>> pending_outbox(std::string_view, std::uint64_t,
                                                    std::size_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::uint64_t> pending_count(std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::optional<PartRef>> find_by_carrier_id(std::string_view,
                                                    std::string_view) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<std::vector<ConversationEntry>> conversation(std::string_view, std::optional<std::string>,
                                                      std::size_t) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<OutboxPage> phone_outbox(std::string_view, std::optional<std::uint64_t>,
                                  std::size_t) const override {
    return OutboxPage{};
  }
  Result<AuditPage> audit_page(const AuditQuery&) const override {
    return fail(StoreErrc::invalid_argument);
  }
  Result<StoreInfo> info() const override { return fail(StoreErrc::invalid_argument); }
  Result<Chunk<ExportRow>> export_rows(ExportTable, std::optional<std::string>,
                                       std::size_t) const override {
    return fail(StoreErrc::invalid_argument);
  }

 private:
  detail::WriteBackend& write_backend() override { return backend_; }
  FakeBackend backend_;
};

// Holds the writer thread inside a request until released, so that what is submitted
// meanwhile forms the next group.
class Gate {
 public:
  WriteRequest request() {
    return WriteRequest{[this](WriteTxn&) {
                          entered_.set_value();
                          released_.wait();
                          return std::error_code{};
                        },
                        {}};
  }
  void wait_entered() { entered_.get_future().wait(); }
  void release() { release_.set_value(); }

 private:
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

// Copies the value of `from` (absent: 0) plus `add` to `to`; counts its runs.
struct Copy {
  std::string from, to;
  int add = 0;
  int runs = 0;
  std::error_code result = err(StoreErrc::ok);
  bool completed = false;

  WriteRequest request() {
    return WriteRequest{[this](WriteTxn& w) -> std::error_code {
                          ++runs;
                          auto v = fake(w).get(from);
                          if (!v) return v.error();
                          fake(w).put(to, v->value_or(0) + add);
                          return {};
                        },
                        [this](std::error_code ec) {
                          result = ec;
                          completed = true;
                        }};
  }
};

class WriterLoadPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = Writer::start(store);
    ASSERT_TRUE(w) << w.error().message();
    writer = std::move(*w);
  }
  // Runs `requests` as one group (after a gate group that commits first) and waits for them.
  void run_group(std::vector<WriteRequest> requests) {
    Gate gate;
    ASSERT_FALSE(writer->try_submit(gate.request()));
    gate.wait_entered();
    for (auto& r : requests) ASSERT_FALSE(writer->try_submit(std::move(r)));
    gate.release();
    writer->flush();
    // The gate's group: one transaction, committed, nothing loaded.
    gate_begins = 1;
  }
  // Runs one request as a group of its own and waits for it.
  void run_one(WriteRequest request) {
    ASSERT_FALSE(writer->try_submit(std::move(request)));
    writer->flush();
  }
  // What the group of run_group did (the gate's own transaction left out).
  int group_begins() const { return server.begins - gate_begins; }
  int group_commits() const { return server.commits - gate_begins; }

  FakeServer server;
  FakeStore store{server};
  std::unique_ptr<Writer> writer;
  int gate_begins = 0;
};

TEST_F(WriterLoadPassTest, DataNeededRunsTheRestLoadsOnceAndReRunsInTheSameTransaction) {
  server.committed = {{"a", 1}, {"b", 2}};
  Copy x{"a", "x", 10}, y{"b", "y", 20}, z{"c", "z", 30};  // c is absent
  run_group({x.request(), y.request(), z.request()});
  for (auto* c : {&x, &y, &z}) {
    EXPECT_TRUE(c->completed);
    EXPECT_FALSE(c->result) << c->result.message();
    EXPECT_EQ(c->runs, 2);  // every request ran in the first pass, and once more after load
  }
  ASSERT_EQ(server.loads.size(), 1u);  // one load for the whole group
  EXPECT_EQ(server.loads[0], (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(group_begins(), 1);  // the same transaction
  EXPECT_EQ(group_commits(), 1);
  EXPECT_EQ(server.aborts, 0);
  EXPECT_EQ(server.committed["x"], 11);
  EXPECT_EQ(server.committed["y"], 22);
  EXPECT_EQ(server.committed["z"], 30);
  const auto s = writer->stats();
  EXPECT_EQ(s.failed_requests, 0u);
  EXPECT_EQ(s.reruns, 0u);  // a load pass is not a re-run
  EXPECT_EQ(s.commits, 2u);
  EXPECT_EQ(s.requests, 4u);
}

TEST_F(WriterLoadPassTest, ChainedReadsTakeOnePassPerLinkInTheSameTransaction) {
  // As a receipt: the carrier id names the record, the record is read next.
  server.committed = {{"carrier", 7}, {"record7", 100}};
  int runs = 0;
  std::error_code result = err(StoreErrc::ok);
  run_one(WriteRequest{[&](WriteTxn& w) -> std::error_code {
                         ++runs;
                         auto ref = fake(w).get("carrier");
                         if (!ref) return ref.error();
                         auto rec = fake(w).get("record" + std::to_string(**ref));
                         if (!rec) return rec.error();
                         fake(w).put("record7", **rec + 1);
                         return {};
                       },
                       [&](std::error_code ec) { result = ec; }});
  EXPECT_FALSE(result) << result.message();
  EXPECT_EQ(runs, 3);
  ASSERT_EQ(server.loads.size(), 2u);
  EXPECT_EQ(server.loads[0], (std::set<std::string>{"carrier"}));
  EXPECT_EQ(server.loads[1], (std::set<std::string>{"record7"}));
  EXPECT_EQ(group_begins(), 1);
  EXPECT_EQ(server.committed["record7"], 101);
}

TEST_F(WriterLoadPassTest, AnErrorAfterAnEarlierRequestAskedForDataIsOnlyBelievedOnceLoaded) {
  server.committed = {{"a", 5}};
  // `first` leaves a partial write ("tmp" = 1) before it finds that "a" is not loaded; on its
  // complete run it sets "tmp" back to 0. `second` fails when it sees tmp == 1, which only
  // the partial write of the first pass shows.
  std::error_code r1 = err(StoreErrc::ok), r2 = err(StoreErrc::ok);
  int second_runs = 0;
  std::vector<WriteRequest> group;
  group.push_back(WriteRequest{[](WriteTxn& w) -> std::error_code {
                                 fake(w).put("tmp", 1);
                                 auto a = fake(w).get("a");
                                 if (!a) return a.error();
                                 fake(w).put("tmp", 0);
                                 return {};
                               },
                               [&](std::error_code ec) { r1 = ec; }});
  group.push_back(WriteRequest{[&](WriteTxn& w) -> std::error_code {
                                 ++second_runs;
                                 auto tmp = fake(w).get("tmp");
                                 if (!tmp) return tmp.error();
                                 if (*tmp == 1)
                                   return std::make_error_code(std::errc::device_or_resource_busy);
                                 fake(w).put("b", 1);
                                 return {};
                               },
                               [&](std::error_code ec) { r2 = ec; }});
  run_group(std::move(group));
  EXPECT_FALSE(r1) << r1.message();
  EXPECT_FALSE(r2) << r2.message();
  EXPECT_EQ(second_runs, 2);
  EXPECT_EQ(server.committed["b"], 1);
  EXPECT_EQ(server.committed["tmp"], 0);
  EXPECT_EQ(server.restarts, 0);
  EXPECT_EQ(writer->stats().failed_requests, 0u);
}

TEST_F(WriterLoadPassTest, ARequestFailingOnLoadedDataFailsAloneInTheSameTransaction) {
  server.committed = {{"a", 1}, {"b", 2}};
  Copy x{"a", "x", 1}, z{"b", "z", 1};
  std::error_code failed = err(StoreErrc::ok);
  int failing_runs = 0;
  std::vector<WriteRequest> group;
  group.push_back(x.request());
  group.push_back(WriteRequest{[&](WriteTxn& w) -> std::error_code {
                                 ++failing_runs;
                                 auto b = fake(w).get("b");
                                 if (!b) return b.error();
                                 fake(w).put("y", 1);
                                 return std::make_error_code(std::errc::operation_canceled);
                               },
                               [&](std::error_code ec) { failed = ec; }});
  group.push_back(z.request());
  run_group(std::move(group));
  EXPECT_EQ(failed, std::errc::operation_canceled);
  EXPECT_EQ(failing_runs, 2);  // the pass that needed data, the pass that failed; not again
  EXPECT_FALSE(x.result);
  EXPECT_FALSE(z.result);
  EXPECT_EQ(server.loads.size(), 1u);
  EXPECT_EQ(server.restarts, 1);  // the rest re-ran in the same transaction
  EXPECT_EQ(group_begins(), 1);
  EXPECT_FALSE(server.committed.contains("y"));  // nothing of the failed request
  EXPECT_EQ(server.committed["x"], 2);
  EXPECT_EQ(server.committed["z"], 3);
  EXPECT_EQ(writer->stats().failed_requests, 1u);
  EXPECT_EQ(writer->stats().reruns, 1u);
}

TEST_F(WriterLoadPassTest, AConflictReRunsTheGroupInANewTransaction) {
  server.committed = {{"a", 1}};
  server.commit_errors = {err(StoreErrc::conflict)};
  server.load_errors = {err(StoreErrc::conflict)};
  Copy x{"a", "x", 1};
  run_one(x.request());
  EXPECT_FALSE(x.result) << x.result.message();
  // Transaction 1: load conflicts. Transaction 2: load, run, commit conflicts. 3: commits.
  EXPECT_EQ(group_begins(), 3);
  EXPECT_EQ(group_commits(), 1);
  EXPECT_EQ(server.committed["x"], 2);
  EXPECT_EQ(writer->stats().reruns, 2u);
  EXPECT_EQ(writer->stats().failed_requests, 0u);
}

TEST_F(WriterLoadPassTest, ConflictsWithoutEndAreBoundedAndFailTheGroup) {
  server.commit_errors.assign(1000, err(StoreErrc::conflict));
  std::error_code r = err(StoreErrc::ok);
  run_one(WriteRequest{[](WriteTxn& w) {
                         fake(w).put("x", 1);
                         return std::error_code{};
                       },
                       [&](std::error_code ec) { r = ec; }});
  EXPECT_EQ(r, StoreErrc::conflict);
  EXPECT_FALSE(server.committed.contains("x"));
  EXPECT_GT(server.begins, 1);
  EXPECT_LE(server.begins, 17);  // bounded: at most 16 re-runs
  EXPECT_EQ(writer->stats().reruns, std::uint64_t(server.begins - 1));
  EXPECT_EQ(writer->stats().failed_requests, 1u);
}

TEST_F(WriterLoadPassTest, LoadPassesAreBoundedAndAnUnsatisfiableRequestFailsAlone) {
  server.committed = {{"a", 1}};
  server.unloadable = {"never"};
  Copy x{"a", "x", 1}, stuck{"never", "y", 1};
  run_group({x.request(), stuck.request()});
  ASSERT_TRUE(stuck.completed);
  EXPECT_TRUE(stuck.result);
  EXPECT_NE(stuck.result, StoreErrc::data_needed);  // never seen by a completion
  EXPECT_FALSE(x.result) << x.result.message();
  EXPECT_EQ(server.committed["x"], 2);
  EXPECT_FALSE(server.committed.contains("y"));
  EXPECT_LE(server.loads.size(), 20u);
  EXPECT_EQ(writer->stats().failed_requests, 1u);
}

TEST_F(WriterLoadPassTest, DataNeededIsNeverAcknowledgedWithoutItsReRun) {
  // A backend whose wants_data() does not know of the request's data_needed (the request
  // made it up): the writer must not commit the request as if it had run.
  std::error_code r = err(StoreErrc::ok);
  bool done = false;
  run_one(WriteRequest{[](WriteTxn& w) {
                         fake(w).put("x", 1);
                         return err(StoreErrc::data_needed);
                       },
                       [&](std::error_code ec) {
                         r = ec;
                         done = true;
                       }});
  ASSERT_TRUE(done);
  EXPECT_TRUE(r);
  EXPECT_NE(r, StoreErrc::data_needed);
  EXPECT_FALSE(server.committed.contains("x"));
}

TEST_F(WriterLoadPassTest, UnavailableAtBeginFailsFastWithNothingAcknowledged) {
  server.committed = {{"a", 1}};
  server.begin_errors = {err(StoreErrc::unavailable)};
  Copy x{"a", "x", 1}, y{"a", "y", 2};
  run_one(x.request());
  EXPECT_EQ(x.result, StoreErrc::unavailable);
  EXPECT_EQ(x.runs, 0);  // nothing ran
  EXPECT_EQ(server.commits, 0);
  EXPECT_TRUE(server.loads.empty());
  EXPECT_FALSE(server.committed.contains("x"));
  // The writer keeps serving: the next group finds the server back.
  run_one(y.request());
  EXPECT_FALSE(y.result) << y.result.message();
  EXPECT_EQ(server.committed["y"], 3);
  EXPECT_EQ(writer->stats().failed_requests, 1u);
}

TEST_F(WriterLoadPassTest, UnavailableAtLoadOrCommitFailsTheWholeGroup) {
  server.committed = {{"a", 1}};
  server.load_errors = {err(StoreErrc::unavailable)};
  Copy x{"a", "x", 1}, y{"a", "y", 1};
  run_group({x.request(), y.request()});
  EXPECT_EQ(x.result, StoreErrc::unavailable);
  EXPECT_EQ(y.result, StoreErrc::unavailable);
  EXPECT_EQ(group_begins(), 1);  // no re-run: the next group reconnects
  EXPECT_EQ(group_commits(), 0);

  server.commit_errors = {err(StoreErrc::unavailable)};
  Copy z{"a", "z", 1};
  run_one(z.request());
  EXPECT_EQ(z.result, StoreErrc::unavailable);
  EXPECT_FALSE(server.committed.contains("x"));
  EXPECT_FALSE(server.committed.contains("z"));
}

}  // namespace
}  // namespace smppgw::store::test
