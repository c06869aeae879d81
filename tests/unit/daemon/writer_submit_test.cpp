// daemon/writer_submit: a request that finds the writer's queue full waits for room and goes
// in when there is some; a writer that refuses completes it with the error. A real store and
// writer in a temporary directory, and an io_context run by the test.
#include "daemon/writer_submit.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

namespace smppgw::daemon {
namespace {

class WriterSubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "writer-submit-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::StoreOptions o;
    o.state_dir = dir_;
    o.map_size = 16ull << 20;
    auto s = store::open_store(o);
    ASSERT_TRUE(s);
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

// A request whose apply waits until released: it holds the writer thread.
store::WriteRequest holding(std::mutex& m, std::condition_variable& cv, bool& started,
                            bool& released) {
  store::WriteRequest r;
  r.apply = [&](store::WriteTxn&) {
    std::unique_lock lock(m);
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
    return std::error_code{};
  };
  return r;
}

TEST_F(WriterSubmitTest, QueueFullWaitsForRoomThenGoesIn) {
  store::WriterOptions wo;
  wo.queue_capacity = 2;
  auto writer = store::Writer::start(*store_, wo);
  ASSERT_TRUE(writer);
  std::mutex m;
  std::condition_variable cv;
  bool started = false, released = false;
  ASSERT_FALSE((*writer)->try_submit(holding(m, cv, started, released)));
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started; });  // the writer is busy with it
  }
  ASSERT_FALSE((*writer)->try_submit(
      store::WriteRequest{[](store::WriteTxn&) { return std::error_code{}; }, {}}));
  ASSERT_FALSE((*writer)->try_submit(
      store::WriteRequest{[](store::WriteTxn&) { return std::error_code{}; }, {}}));

  asio::io_context io;
  Strand strand = asio::make_strand(io);
  bool applied = false;
  std::error_code result = make_error_code(store::StoreErrc::io_error);
  store::WriteRequest late;
  late.apply = [&](store::WriteTxn&) {
    applied = true;
    return std::error_code{};
  };
  late.complete = [&](std::error_code ec) { result = ec; };
  submit_from_loop(**writer, strand, std::move(late));
  EXPECT_FALSE(applied);  // the queue was full: it waits

  {
    std::lock_guard lock(m);
    released = true;
  }
  cv.notify_all();
  // The writer drains, tells there is room; the retry is posted to the strand.
  for (int i = 0; i < 500 && !applied; ++i) {
    io.run_for(std::chrono::milliseconds(10));
    io.restart();
    (*writer)->flush();
  }
  EXPECT_TRUE(applied);
  EXPECT_FALSE(result);
}

TEST_F(WriterSubmitTest, RefusedRequestIsCompletedWithTheError) {
  auto writer = store::Writer::start(*store_);
  ASSERT_TRUE(writer);
  (*writer)->shutdown();
  asio::io_context io;
  std::error_code result;
  bool completed = false;
  store::WriteRequest r;
  r.apply = [](store::WriteTxn&) { return std::error_code{}; };
  r.complete = [&](std::error_code ec) {
    completed = true;
    result = ec;
  };
  submit_from_loop(**writer, asio::make_strand(io), std::move(r));
  EXPECT_TRUE(completed);
  EXPECT_EQ(result, store::StoreErrc::shutting_down);
}

}  // namespace
}  // namespace smppgw::daemon
