// A thin RAII layer over the LMDB C API (private to store/): environment, transaction,
// cursor. Return codes stay plain MDB ints inside the layer (they are cheap and the callers
// branch on MDB_NOTFOUND / MDB_KEYEXIST); lmdb_error() maps them to StoreErrc at the edge.
// Nothing outside store/lmdb/ includes <lmdb.h>.
#pragma once

#include <lmdb.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "store/error.hpp"

namespace smppgw::store::lmdb {

// MDB_* or errno → the store's error code (map_full, txn_full, disk_full, corrupted, ...).
std::error_code lmdb_error(int rc) noexcept;

inline MDB_val val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// Owns an MDB_env. Opened once per process per state_dir.
class Env {
 public:
  struct Options {
    std::filesystem::path dir;
    std::uint64_t map_size = 0;
    unsigned max_readers = 126;
    unsigned max_dbs = 32;
    unsigned flags = 0;  // MDB_NOSYNC, ... (MDB_NOTLS is always added)
  };

  Env() = default;
  ~Env() { close(); }
  Env(Env&& o) noexcept : env_(std::exchange(o.env_, nullptr)) {}
  Env& operator=(Env&& o) noexcept {
    if (this != &o) {
      close();
      env_ = std::exchange(o.env_, nullptr);
    }
    return *this;
  }
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // Creates the directory if needed, opens the environment and clears stale reader slots
  // (mdb_reader_check) left by processes that died inside a read transaction.
  static Result<Env> open(const Options& o, int* stale_readers_cleared = nullptr);

  MDB_env* get() const { return env_; }
  // Only when no transaction of this process is active (the caller guarantees it).
  int set_map_size(std::uint64_t bytes) { return mdb_env_set_mapsize(env_, bytes); }
  std::uint64_t map_size() const;
  std::uint64_t used_bytes() const;
  std::filesystem::path path() const;
  void close() noexcept;

 private:
  MDB_env* env_ = nullptr;
};

// Owns an MDB_txn: aborted on destruction unless committed.
//
// With cache_cursors(), get/put/del go through one cursor per table, kept for the whole
// transaction. LMDB first searches a positioned cursor's current leaf page, so operations on
// nearby keys (a sorted bulk chunk, an MO's records of one phone) skip the descent from the
// root; mdb_get/mdb_put would start from the root every time. LMDB keeps the cursors of a
// write transaction valid across page splits. They are closed before commit and abort.
class Txn {
 public:
  Txn() = default;
  ~Txn() { abort(); }
  Txn(Txn&& o) noexcept
      : txn_(std::exchange(o.txn_, nullptr)), cache_(o.cache_), cursors_(o.cursors_) {
    o.cursors_.fill(nullptr);
  }
  Txn& operator=(Txn&& o) noexcept {
    if (this != &o) {
      abort();
      txn_ = std::exchange(o.txn_, nullptr);
      cache_ = o.cache_;
      cursors_ = o.cursors_;
      o.cursors_.fill(nullptr);
    }
    return *this;
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  static int begin(MDB_env* env, unsigned flags, Txn& out) {
    MDB_txn* t = nullptr;
    int rc = mdb_txn_begin(env, nullptr, flags, &t);
    if (rc == 0) out = Txn(t);
    return rc;
  }

  MDB_txn* get() const { return txn_; }
  explicit operator bool() const { return txn_ != nullptr; }
  void cache_cursors(bool on) { cache_ = on; }

  int commit() {
    close_cursors();
    int rc = mdb_txn_commit(txn_);  // frees the txn whatever rc is
    txn_ = nullptr;
    return rc;
  }
  void abort() noexcept {
    close_cursors();
    if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
  }

  // MDB_SUCCESS with `out` pointing into the map (valid until the txn ends or the next
  // write), or MDB_NOTFOUND, or an error.
  int get(MDB_dbi dbi, std::string_view key, std::string_view& out) const {
    MDB_val k = val(key), v{};
    int rc;
    if (MDB_cursor* c = cursor(dbi)) {
      rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    } else {
      rc = mdb_get(txn_, dbi, &k, &v);
    }
    if (rc == 0) out = view(v);
    return rc;
  }
  int put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0) {
    MDB_val k = val(key), v = val(value);
    if (MDB_cursor* c = cursor(dbi)) return mdb_cursor_put(c, &k, &v, flags);
    return mdb_put(txn_, dbi, &k, &v, flags);
  }
  // MDB_NOTFOUND if absent.
  int del(MDB_dbi dbi, std::string_view key) {
    MDB_val k = val(key);
    if (MDB_cursor* c = cursor(dbi)) {
      MDB_val v{};
      int rc = mdb_cursor_get(c, &k, &v, MDB_SET);
      return rc ? rc : mdb_cursor_del(c, 0);
    }
    return mdb_del(txn_, dbi, &k, nullptr);
  }

 private:
  explicit Txn(MDB_txn* t) : txn_(t) {}
  // The cached cursor of `dbi`, opened on first use; nullptr when caching is off.
  MDB_cursor* cursor(MDB_dbi dbi) const {
    if (!cache_ || dbi >= cursors_.size()) return nullptr;
    if (!cursors_[dbi] && mdb_cursor_open(txn_, dbi, &cursors_[dbi]) != 0) return nullptr;
    return cursors_[dbi];
  }
  void close_cursors() noexcept {
    for (auto& c : cursors_) {
      if (c) mdb_cursor_close(std::exchange(c, nullptr));
    }
  }
  MDB_txn* txn_ = nullptr;
  bool cache_ = false;
  mutable std::array<MDB_cursor*, 32> cursors_{};
};

// Owns an MDB_cursor of one transaction.
class Cursor {
 public:
  Cursor() = default;
  ~Cursor() {
    if (c_) mdb_cursor_close(c_);
  }
  Cursor(Cursor&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  Cursor& operator=(Cursor&& o) noexcept {
    if (this != &o) {
      if (c_) mdb_cursor_close(c_);
      c_ = std::exchange(o.c_, nullptr);
    }
    return *this;
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  static int open(const Txn& txn, MDB_dbi dbi, Cursor& out) {
    MDB_cursor* c = nullptr;
    int rc = mdb_cursor_open(txn.get(), dbi, &c);
    if (rc == 0) out = Cursor(c);
    return rc;
  }

  // Positions and fills key/value. op: MDB_FIRST, MDB_LAST, MDB_NEXT, MDB_PREV, ...
  int get(MDB_cursor_op op, std::string_view& key, std::string_view& value) {
    MDB_val k{}, v{};
    int rc = mdb_cursor_get(c_, &k, &v, op);
    if (rc == 0) {
      key = view(k);
      value = view(v);
    }
    return rc;
  }
  // The first entry with key >= `key` (MDB_SET_RANGE).
  int seek(std::string_view key, std::string_view& found_key, std::string_view& value) {
    MDB_val k = val(key), v{};
    int rc = mdb_cursor_get(c_, &k, &v, MDB_SET_RANGE);
    if (rc == 0) {
      found_key = view(k);
      value = view(v);
    }
    return rc;
  }
  int del() { return mdb_cursor_del(c_, 0); }
  // Inserts through the cursor. Consecutive puts of sorted keys stay on the cursor's leaf
  // page (LMDB searches from the current page first), avoiding a descent per key.
  int put(std::string_view key, std::string_view value, unsigned flags = 0) {
    MDB_val k = val(key), v = val(value);
    return mdb_cursor_put(c_, &k, &v, flags);
  }

 private:
  explicit Cursor(MDB_cursor* c) : c_(c) {}
  MDB_cursor* c_ = nullptr;
};

// Opens (creating) a named database inside a write transaction.
int open_dbi(const Txn& txn, const char* name, MDB_dbi& out);

}  // namespace smppgw::store::lmdb
