// Helpers shared by the store's unit tests: a temporary state_dir, running one write
// request through the writer and waiting for its durable completion, and an invariant
// checker that reads the LMDB tables directly (after the store is closed) and reports every
// index entry, count or pending entry that disagrees with its table.
#pragma once

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "store/writer.hpp"

namespace smppgw::store::test {

// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

StoreOptions options_for(const TempDir& dir, std::uint64_t map_size = 64ull << 20);

// Runs `fn` as one write request and waits for its completion; returns the completion's code.
std::error_code run(Writer& writer, std::function<std::error_code(WriteTxn&)> fn);

// The error of a Result, or {} for a value.
template <class T>
std::error_code ec_of(const Result<T>& r) {
  return r ? std::error_code{} : r.error();
}

// Timestamps for tests: t(1) is 1 second after a fixed epoch.
Timestamp t(std::int64_t seconds);

// Opens the environment of `dir` read-only (the store must be closed) and checks every
// invariant listed in store/lmdb/write_txn.cpp. Returns the violations (empty: consistent).
std::vector<std::string> check_invariants(const std::filesystem::path& state_dir);

// A store and its writer in a fresh directory; at the end the invariants are checked.
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void TearDown() override {
    close();
    auto bad = check_invariants(dir.path());
    for (const auto& b : bad) ADD_FAILURE() << "invariant: " << b;
  }
  void close() {
    writer.reset();
    store.reset();
  }
  void reopen(StoreOptions o = {}) {
    close();
    if (o.state_dir.empty()) o = options_for(dir);
    auto s = open_store(o);
    ASSERT_TRUE(s) << s.error().message();
    store = std::move(*s);
    auto w = Writer::start(*store);
    ASSERT_TRUE(w) << w.error().message();
    writer = std::move(*w);
  }
  std::error_code write(std::function<std::error_code(WriteTxn&)> fn) {
    return run(*writer, std::move(fn));
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Writer> writer;
};

}  // namespace smppgw::store::test
