// Helpers shared by the store's unit tests: a temporary state_dir, running one write
// request through the writer and waiting for its durable completion, an invariant checker
// that reads the LMDB tables directly (after the store is closed) and reports every index
// entry, count or pending entry that disagrees with its table, and the fixtures that run a
// test on one backend or, parameterised, on both (LMDB and PostgreSQL).
#pragma once

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/audit_chain.hpp"
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

enum class Backend { lmdb, postgres };

// The names of the parameterised tests' instances: Backends/WriteTxnTest.Subscribe/Lmdb.
std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

// Where a store under test lives: LMDB in a fresh directory; PostgreSQL in a schema of its
// own on the test server (tools/dev test's cluster, tests/unit/store/postgres/
// pg_test_server.hpp), dropped at the end.
class StoreHome {
 public:
  StoreHome(Backend backend, const TempDir& lmdb_dir);
  ~StoreHome();
  StoreHome(const StoreHome&) = delete;
  StoreHome& operator=(const StoreHome&) = delete;

  // Why the backend cannot run here (no PostgreSQL test server, the backend not in this
  // build), or nullopt.
  std::optional<std::string> unavailable() const { return unavailable_; }
  // Opens the store (again); `lmdb` are the options for LMDB (default: options_for(dir)).
  // The error is the backend's message.
  tl::expected<std::unique_ptr<Store>, std::string> open(
      std::optional<StoreOptions> lmdb = std::nullopt);
  // Every violated invariant (the store must be closed): LMDB's check_invariants, or the
  // PostgreSQL checks of tests/unit/store/postgres/invariants.hpp.
  std::vector<std::string> check_invariants();
  // The schema version a freshly opened store reports in info().
  std::uint32_t schema_version() const;

  const Backend backend;

 private:
  const TempDir& dir_;
  struct Postgres;
  std::unique_ptr<Postgres> pg_;
  std::optional<std::string> unavailable_;
};

// A store and its writer, fresh for each test; at the end the invariants are checked.
// backend() says which: StoreFixture takes it from the test's parameter, LmdbStoreFixture
// is for the tests about LMDB itself (map size, files, migrations of its layout).
class StoreFixtureBase : public ::testing::Test {
 protected:
  virtual Backend backend() const = 0;

  void SetUp() override {
    home_.emplace(backend(), dir);
    if (auto why = home_->unavailable()) GTEST_SKIP() << *why;
    reopen();
  }
  void TearDown() override {
    if (!home_ || home_->unavailable()) return;
    // Whatever a test wrote, the audit trail is one unbroken hash chain (audit_chain.hpp).
    if (store) {
      auto chain = verify_audit_chain(*store);
      if (!chain) {
        ADD_FAILURE() << "audit chain: " << chain.error().message();
      } else if (chain->broken) {
        ADD_FAILURE() << "audit chain broken at event " << chain->broken->id << ": "
                      << chain->broken->problem;
      }
    }
    close();
    auto bad = home_->check_invariants();
    for (const auto& b : bad) ADD_FAILURE() << "invariant: " << b;
  }
  void close() {
    writer.reset();
    store.reset();
  }
  // Closes and opens the store again (its data kept); `o` sets LMDB's options.
  void reopen(std::optional<StoreOptions> o = std::nullopt) {
    close();
    auto s = home_->open(std::move(o));
    ASSERT_TRUE(s) << s.error();
    store = std::move(*s);
    auto w = Writer::start(*store);
    ASSERT_TRUE(w) << w.error().message();
    writer = std::move(*w);
  }
  std::error_code write(std::function<std::error_code(WriteTxn&)> fn) {
    return run(*writer, std::move(fn));
  }
  std::uint32_t schema_version() const { return home_->schema_version(); }

  TempDir dir;  // LMDB's state_dir (unused on PostgreSQL)
  std::optional<StoreHome> home_;
  std::unique_ptr<Store> store;
  std::unique_ptr<Writer> writer;
};

// For TEST_P: instantiate with
//   INSTANTIATE_TEST_SUITE_P(Backends, X, ::testing::Values(Backend::lmdb, Backend::postgres),
//                            backend_name);
class StoreFixture : public StoreFixtureBase, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return GetParam(); }
};

class LmdbStoreFixture : public StoreFixtureBase {
 protected:
  Backend backend() const override { return Backend::lmdb; }
};

}  // namespace smppgw::store::test
