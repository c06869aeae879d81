// The PostgreSQL writer's own behaviour (store/postgres/write_backend.cpp, write_txn_*.cpp)
// beyond the backend-neutral suite: two nodes writing one schema at once keep ids dense and
// counts exact, a lost connection fails the group with unavailable and the next group
// reconnects, and a Manual Opt-Out chunk of 10,000 phones fits the server's lock table.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <set>
#include <thread>

#include "store/postgres/store.hpp"
#include "store/writer.hpp"
#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres::test {
namespace {

Timestamp at(std::int64_t s) {
  return timestamp_from_unix_ms(1'700'000'000'000 + s * 1000);
}

std::string phone(int i) {
  return "+1415555" + std::to_string(1000 + i);
}

std::int64_t scalar(Connection& c, const std::string& sql) {
  auto r = c.exec({sql, {}});
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (!r || r->rows.empty() || !r->rows[0][0]) return -1;
  return std::stoll(*r->rows[0][0]);
}

class PostgresWriteBackendTest : public PgTest {
 protected:
  // A node: a store on the fixture's schema, with its own writer. `application_name` names its
  // connections so that a test can cut them.
  struct Node {
    std::unique_ptr<Store> store;
    std::unique_ptr<Writer> writer;
  };
  Node node(const std::string& application_name = "smppgw-test") {
    StoreOptions o;
    o.connect = server_;
    o.connect.url += (o.connect.url.find('?') == std::string::npos ? "?" : "&");
    o.connect.url += "application_name=" + application_name;
    o.schema = schema_;
    o.connections = 2;
    auto s = open_store(o);
    if (!s) throw std::runtime_error(s.error().message);
    auto w = Writer::start(**s);
    if (!w) throw std::runtime_error(w.error().message());
    return Node{std::move(*s), std::move(*w)};
  }
  static std::future<std::error_code> submit(Writer& w, std::function<std::error_code(WriteTxn&)> fn) {
    auto done = std::make_shared<std::promise<std::error_code>>();
    auto f = done->get_future();
    auto ec = w.submit(WriteRequest{std::move(fn), [done](std::error_code e) { done->set_value(e); }});
    if (ec) done->set_value(ec);
    return f;
  }
};

// Each node joins and leaves the same 20 phones; every request succeeds (a deadlock between
// the nodes re-runs a group), the audit and Inbox ids are dense, and the counts equal the rows.
TEST_F(PostgresWriteBackendTest, TwoNodesOnOneSchemaKeepIdsDenseAndCountsExact) {
  Node a = node(), b = node();
  constexpr int kPerNode = 300;
  std::vector<std::future<std::error_code>> results;
  for (int i = 0; i < kPerNode; ++i) {
    for (Node* n : {&a, &b}) {
      const std::string p = phone((i * 7 + (n == &a ? 0 : 3)) % 20);
      const bool join = (i / 3) % 2 == 0;
      results.push_back(submit(*n->writer, [p, join, i](WriteTxn& w) -> std::error_code {
        const std::string ref = "mo:" + std::to_string(i);
        ChangeContext ctx{at(i), ChangeSource::sms, ref, join ? "keyword C" : "STOP"};
        auto c = join ? w.subscribe(p, "c", "12345", ctx) : w.opt_out(p, "c", ctx);
        if (!c) return c.error();
        auto id = w.add_inbox(NewInboxMessage{at(i), p, "12345", "c", join ? "C" : "STOP",
                                              InboxKind::keyword, "carrier-a", 0});
        return id ? std::error_code{} : id.error();
      }));
    }
  }
  for (auto& r : results) EXPECT_FALSE(r.get());
  a.writer->flush();
  b.writer->flush();

  EXPECT_EQ(scalar(*conn_, "SELECT count(*) FROM inbox"), 2 * kPerNode);
  EXPECT_EQ(scalar(*conn_, "SELECT max(id) FROM inbox"), 2 * kPerNode);
  EXPECT_EQ(scalar(*conn_, "SELECT max(id) - count(*) FROM audit"), 0);
  EXPECT_EQ(scalar(*conn_, "SELECT value FROM counters WHERE name = 'audit_id'"),
            scalar(*conn_, "SELECT count(*) FROM audit"));
  auto counts = a.store->campaign_counts("c");
  ASSERT_TRUE(counts);
  EXPECT_EQ(static_cast<std::int64_t>(counts->subscribed),
            scalar(*conn_, "SELECT count(*) FROM subscriptions WHERE state = 1"));
  EXPECT_EQ(static_cast<std::int64_t>(counts->opted_out),
            scalar(*conn_, "SELECT count(*) FROM subscriptions WHERE state = 2"));
  EXPECT_EQ(counts->subscribed + counts->opted_out, 20u);
  // Every change is audited once: the audit trail replays to the final states.
  auto replay = conn_->exec(
      {"SELECT DISTINCT ON (phone) phone, to_state FROM audit ORDER BY phone, id DESC", {}});
  ASSERT_TRUE(replay);
  for (const auto& row : replay->rows) {
    auto s = a.store->state(*row[0], "c");
    ASSERT_TRUE(s && *s);
    EXPECT_EQ(static_cast<int>(**s), std::stoi(*row[1])) << *row[0];
  }
}

// The writer's connection cut under it: the group in flight fails with unavailable (nothing of
// it committed), and the writer reconnects for the next group by itself.
TEST_F(PostgresWriteBackendTest, ALostConnectionFailsTheGroupAndTheNextGroupReconnects) {
  const std::string name = "smppgw-cut-" + schema_;
  Node n = node(name);
  auto join = [](int i) {
    return [i](WriteTxn& w) -> std::error_code {
      auto c = w.subscribe(phone(i), "c", "12345", {at(i), ChangeSource::sms, "mo:1", "C"});
      return c ? std::error_code{} : c.error();
    };
  };
  ASSERT_FALSE(submit(*n.writer, join(1)).get());
  auto cut = conn_->exec({"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                          "application_name = $1",
                          {name}});
  ASSERT_TRUE(cut) << cut.error().message;
  ASSERT_GE(std::stoi(*cut->rows[0][0]), 1);
  // The first group after the cut finds the connection gone; a later one reconnects (at once
  // the first time, then after a backoff of at most 5 s).
  const auto first = submit(*n.writer, join(2)).get();
  EXPECT_EQ(first, StoreErrc::unavailable);
  std::error_code later = first;
  for (int attempt = 0; attempt < 100 && later; ++attempt) {
    later = submit(*n.writer, join(3)).get();
    if (later) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(later) << later.message();
  EXPECT_EQ(scalar(*conn_, "SELECT count(*) FROM subscriptions WHERE phone = '" + phone(2) + "'"),
            0);
  // The reads' pool reconnects as well.
  auto s = n.store->state(phone(3), "c");
  for (int attempt = 0; attempt < 5 && !s; ++attempt) s = n.store->state(phone(3), "c");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(*s, SubscriptionState::subscribed);
}

// A chunk of 10,000 phones locks its phones by bucket (at most 1024 locks), so that chunks
// fit the lock table of a server with default settings; the counts are exact.
TEST_F(PostgresWriteBackendTest, ManualOptOutChunksOfTenThousandPhonesFitTheLockTable) {
  Node n = node();
  for (int chunk = 0; chunk < 3; ++chunk) {
    OptOutBatch batch;
    batch.campaign = "c";
    for (int i = 0; i < 10000; ++i) batch.phones.push_back(phone(chunk * 5000 + i));
    auto f = submit(*n.writer, [batch = std::move(batch)](WriteTxn& w) {
      const ChangeContext ctx{at(1), ChangeSource::csv, "req-1", "csv upload"};
      OptOutBatch b = batch;
      b.context = ctx;
      auto r = w.apply_opt_out_batch(b);
      return r ? std::error_code{} : r.error();
    });
    ASSERT_FALSE(f.get());
  }
  // The chunks overlap by 5,000 phones: 20,000 distinct phones, each opted out and audited once.
  EXPECT_EQ(scalar(*conn_, "SELECT count(*) FROM subscriptions WHERE state = 2"), 20000);
  EXPECT_EQ(scalar(*conn_, "SELECT opted_out FROM campaign_counts WHERE campaign = 'c'"), 20000);
  EXPECT_EQ(scalar(*conn_, "SELECT count(*) FROM audit"), 20000);
}

}  // namespace
}  // namespace smppgw::store::postgres::test
