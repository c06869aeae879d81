// The group-commit writer (store/writer.cpp) on a real LMDB environment: groups, a failing
// request rolled back alone, exceptions, back-pressure, shutdown draining, map growth.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

NewInboxMessage mo(int i, std::size_t text_size = 10) {
  NewInboxMessage m;
  m.received_at = t(i);
  m.from = "+1415555" + std::to_string(1000000 + i).substr(1);
  m.to = "12345";
  m.campaign = "a";
  m.text = std::string(text_size, 'x') + std::to_string(i);
  m.link = "l";
  return m;
}

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

class WriterTest : public LmdbStoreFixture {
 protected:
  void start(WriterOptions o) {
    writer.reset();
    auto w = Writer::start(*store, std::move(o));
    ASSERT_TRUE(w);
    writer = std::move(*w);
  }
};

TEST_F(WriterTest, QueuedRequestsCommitAsOneGroup) {
  std::vector<std::size_t> groups;
  WriterOptions o;
  o.on_commit = [&](const WriterOptions::CommitInfo& c) { groups.push_back(c.requests); };
  start(o);
  Gate gate;
  ASSERT_FALSE(writer->try_submit(gate.request()));
  gate.wait_entered();
  std::atomic<int> ok{0};
  for (int i = 1; i <= 200; ++i) {
    ASSERT_FALSE(
        writer->try_submit(WriteRequest{[i](WriteTxn& w) { return ec_of(w.add_inbox(mo(i))); },
                                        [&](std::error_code ec) { ok += !ec; }}));
  }
  gate.release();
  writer->flush();
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(groups, (std::vector<std::size_t>{1, 200}));
  auto s = writer->stats();
  EXPECT_EQ(s.commits, 2u);
  EXPECT_EQ(s.requests, 201u);
  EXPECT_DOUBLE_EQ(s.mean_group_size(), 100.5);
  EXPECT_EQ((*store->inbox_message(200))->text, mo(200).text);
}

TEST_F(WriterTest, FailingRequestIsRolledBackAloneAndIdsStayDense) {
  Gate gate;
  ASSERT_FALSE(writer->try_submit(gate.request()));
  gate.wait_entered();
  std::error_code results[3];
  std::uint64_t ids[3] = {};
  std::atomic<int> first_runs{0};
  std::promise<void> done;
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(writer->try_submit(
        WriteRequest{[&, i](WriteTxn& w) -> std::error_code {
                       if (i == 0) ++first_runs;
                       auto id = w.add_inbox(mo(i));
                       if (!id) return id.error();
                       ids[i] = *id;  // assigned: a re-run overwrites it
                       (void)w.subscribe(mo(i).from, "a", "12345", ChangeContext{t(i)});
                       if (i == 1) return std::make_error_code(std::errc::operation_canceled);
                       return {};
                     },
                     [&, i](std::error_code ec) {
                       results[i] = ec;
                       if (i == 2) done.set_value();
                     }}));
  }
  gate.release();
  done.get_future().wait();
  EXPECT_FALSE(results[0]);
  EXPECT_EQ(results[1], std::errc::operation_canceled);
  EXPECT_FALSE(results[2]);
  EXPECT_EQ(first_runs, 2);  // the group was re-run without request 1
  EXPECT_EQ(ids[0], 1u);
  EXPECT_EQ(ids[2], 2u);
  EXPECT_EQ((*store->inbox_message(2))->from, mo(2).from);
  EXPECT_FALSE(store->inbox_message(3)->has_value());
  EXPECT_FALSE(store->state(mo(1).from, "a")->has_value());  // nothing of request 1
  EXPECT_EQ(*store->state(mo(2).from, "a"), SubscriptionState::subscribed);
  EXPECT_EQ(writer->stats().failed_requests, 1u);
  EXPECT_EQ(writer->stats().commits, 2u);
}

TEST_F(WriterTest, ThrowingRequestFailsAloneWithRequestThrew) {
  std::error_code a, b;
  std::promise<void> done;
  ASSERT_FALSE(writer->submit(WriteRequest{[](WriteTxn& w) -> std::error_code {
                                             (void)w.add_inbox(mo(1));
                                             throw std::runtime_error("bug");
                                           },
                                           [&](std::error_code ec) { a = ec; }}));
  ASSERT_FALSE(writer->submit(WriteRequest{[](WriteTxn& w) { return ec_of(w.add_inbox(mo(2))); },
                                           [&](std::error_code ec) {
                                             b = ec;
                                             done.set_value();
                                           }}));
  done.get_future().wait();
  EXPECT_EQ(a, StoreErrc::request_threw);
  EXPECT_FALSE(b);
  EXPECT_EQ((*store->inbox_message(1))->text, mo(2).text);
}

TEST_F(WriterTest, CompletionRunsAfterTheCommitIsVisible) {
  std::promise<bool> seen;
  ASSERT_FALSE(writer->submit(WriteRequest{
      [](WriteTxn& w) { return ec_of(w.add_inbox(mo(1))); },
      [&](std::error_code) { seen.set_value(store->inbox_message(1)->has_value()); }}));
  EXPECT_TRUE(seen.get_future().get());
}

TEST_F(WriterTest, FullQueueRefusesWithoutTakingTheRequestAndTellsWhenSpaceFrees) {
  WriterOptions o;
  o.queue_capacity = 4;
  start(o);
  Gate gate;
  ASSERT_FALSE(writer->try_submit(gate.request()));
  gate.wait_entered();  // the gate request left the queue
  std::atomic<int> completed{0};
  auto counted = [&] {
    return WriteRequest{[](WriteTxn&) { return std::error_code{}; },
                        [&](std::error_code) { ++completed; }};
  };
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(writer->try_submit(counted()));
  EXPECT_EQ(writer->queue_depth(), 4u);

  bool kept_ran = false;
  WriteRequest extra{[&](WriteTxn&) {
                       kept_ran = true;
                       return std::error_code{};
                     },
                     [&](std::error_code) { ++completed; }};
  EXPECT_EQ(writer->try_submit(std::move(extra)), StoreErrc::queue_full);
  ASSERT_TRUE(extra.apply);  // not moved from: the caller still owns it

  std::promise<void> space;
  writer->notify_when_space([&] { space.set_value(); });
  auto space_f = space.get_future();
  EXPECT_EQ(space_f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);

  // A blocking submit waits too, and goes through once the queue drains.
  std::thread blocked([&] { EXPECT_FALSE(writer->submit(counted())); });
  gate.release();
  space_f.wait();
  blocked.join();
  EXPECT_FALSE(writer->try_submit(std::move(extra)));
  writer->flush();
  EXPECT_EQ(completed, 6);
  EXPECT_TRUE(kept_ran);

  bool immediate = false;
  writer->notify_when_space([&] { immediate = true; });
  EXPECT_TRUE(immediate);
}

TEST_F(WriterTest, ShutdownDrainsEverythingQueuedThenRefuses) {
  std::atomic<int> ok{0};
  Gate gate;
  ASSERT_FALSE(writer->try_submit(gate.request()));
  gate.wait_entered();
  for (int i = 1; i <= 100; ++i) {
    ASSERT_FALSE(
        writer->try_submit(WriteRequest{[i](WriteTxn& w) { return ec_of(w.add_inbox(mo(i))); },
                                        [&](std::error_code ec) { ok += !ec; }}));
  }
  std::thread stopper([&] { writer->shutdown(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  gate.release();
  stopper.join();
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(writer->try_submit(WriteRequest{[](WriteTxn&) { return std::error_code{}; }, {}}),
            StoreErrc::shutting_down);
  EXPECT_EQ(writer->submit(WriteRequest{[](WriteTxn&) { return std::error_code{}; }, {}}),
            StoreErrc::shutting_down);
  bool called = false;
  writer->notify_when_space([&] { called = true; });
  EXPECT_TRUE(called);
  EXPECT_TRUE(store->inbox_message(100)->has_value());
  // The store can take a new writer after the old one shut down.
  writer.reset();
  auto again = Writer::start(*store);
  ASSERT_TRUE(again);
  writer = std::move(*again);
}

TEST_F(WriterTest, OnlyOneWriterPerStore) {
  auto second = Writer::start(*store);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), StoreErrc::invalid_argument);
}

TEST_F(WriterTest, MapGrowsWhenFullAndTheGroupIsReRun) {
  StoreOptions o = options_for(dir, 64 * 1024);  // a tiny map: a few pages
  reopen(o);
  const auto before = store->info()->map_size;
  std::atomic<int> ok{0};
  for (int i = 1; i <= 4000; ++i) {
    ASSERT_FALSE(writer->submit(WriteRequest{[i](WriteTxn& w) -> std::error_code {
                                               auto id = w.add_inbox(mo(i, 400));
                                               if (!id) return id.error();
                                               (void)w.subscribe(mo(i).from, "a", "12345",
                                                                 ChangeContext{t(i)});
                                               return {};
                                             },
                                             [&](std::error_code ec) {
                                               EXPECT_FALSE(ec) << ec.message();
                                               ok += !ec;
                                             }}));
  }
  writer->flush();
  EXPECT_EQ(ok, 4000);
  auto info = store->info();
  EXPECT_GT(info->map_size, before * 16);
  EXPECT_GT(info->map_growths, 4u);
  EXPECT_GT(writer->stats().map_growths, 4u);
  EXPECT_GT(info->used_bytes, 4000u * 400);
  reopen(o);
  EXPECT_EQ((*store->inbox_message(4000))->text, mo(4000, 400).text);
  EXPECT_EQ(store->campaign_counts("a")->subscribed, 4000u);
}

TEST_F(WriterTest, MapThatCannotGrowReportsDiskFullAndKeepsEarlierData) {
  StoreOptions o = options_for(dir, 256 * 1024);
  o.max_map_size = 512 * 1024;
  reopen(o);
  ASSERT_FALSE(write([](WriteTxn& w) { return ec_of(w.add_inbox(mo(1))); }));
  auto ec = write([](WriteTxn& w) -> std::error_code {
    for (int i = 2; i < 5000; ++i) {
      if (auto id = w.add_inbox(mo(i, 1000)); !id) return id.error();
    }
    return {};
  });
  EXPECT_EQ(ec, StoreErrc::disk_full);
  EXPECT_TRUE(store->inbox_message(1)->has_value());
  EXPECT_FALSE(store->inbox_message(2)->has_value());
  // The store still works for what fits.
  EXPECT_FALSE(write([](WriteTxn& w) { return ec_of(w.add_inbox(mo(2))); }));
  EXPECT_EQ((*store->inbox_message(2))->text, mo(2).text);
}

}  // namespace
}  // namespace smppgw::store::test
