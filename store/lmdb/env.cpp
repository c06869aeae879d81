// The LMDB RAII layer: opening the environment (directory, map size, reader table, stale
// reader cleanup) and the translation of MDB return codes into the store's errors.
#include "store/lmdb/env.hpp"

#include <cerrno>

namespace smppgw::store::lmdb {

std::error_code lmdb_error(int rc) noexcept {
  switch (rc) {
    case MDB_SUCCESS:
      return {};
    case MDB_MAP_FULL:
    case MDB_MAP_RESIZED:
      return make_error_code(StoreErrc::map_full);
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
      return make_error_code(StoreErrc::txn_full);
    case MDB_READERS_FULL:
    case MDB_TLS_FULL:
      return make_error_code(StoreErrc::readers_full);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_PANIC:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
      return make_error_code(StoreErrc::corrupted);
    case MDB_BAD_VALSIZE:
      return make_error_code(StoreErrc::invalid_argument);
    case ENOSPC:
    case EDQUOT:
      return make_error_code(StoreErrc::disk_full);
    case EIO:
      return make_error_code(StoreErrc::io_error);
    default:
      return make_error_code(StoreErrc::backend_error);
  }
}

Result<Env> Env::open(const Options& o, int* stale_readers_cleared) {
  std::error_code fs_ec;
  std::filesystem::create_directories(o.dir, fs_ec);
  if (fs_ec) return fail(StoreErrc::open_failed);

  Env env;
  int rc = mdb_env_create(&env.env_);
  if (rc != 0) return fail(StoreErrc::open_failed);
  if ((rc = mdb_env_set_maxdbs(env.env_, o.max_dbs)) != 0 ||
      (rc = mdb_env_set_maxreaders(env.env_, o.max_readers)) != 0 ||
      (rc = mdb_env_set_mapsize(env.env_, o.map_size)) != 0) {
    return fail(lmdb_error(rc));
  }
  // MDB_NOTLS: read transactions are not tied to threads (reads run on any event-loop
  // thread, and a reader slot is released as soon as the read ends).
  rc = mdb_env_open(env.env_, o.dir.c_str(), o.flags | MDB_NOTLS, 0640);
  if (rc != 0) {
    std::error_code ec = lmdb_error(rc);
    if (ec == StoreErrc::backend_error || ec == StoreErrc::io_error) {
      return fail(StoreErrc::open_failed);  // EACCES, ENOENT, EAGAIN (locked), ...
    }
    return fail(ec);
  }
  int dead = 0;
  mdb_reader_check(env.env_, &dead);
  if (stale_readers_cleared) *stale_readers_cleared = dead;
  return env;
}

std::uint64_t Env::map_size() const {
  MDB_envinfo info{};
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

std::uint64_t Env::used_bytes() const {
  MDB_envinfo info{};
  MDB_stat st{};
  mdb_env_info(env_, &info);
  mdb_env_stat(env_, &st);
  return std::uint64_t(info.me_last_pgno + 1) * st.ms_psize;
}

std::filesystem::path Env::path() const {
  const char* p = nullptr;
  mdb_env_get_path(env_, &p);
  return p ? std::filesystem::path(p) : std::filesystem::path();
}

void Env::close() noexcept {
  if (env_) mdb_env_close(std::exchange(env_, nullptr));
}

int open_dbi(const Txn& txn, const char* name, MDB_dbi& out) {
  return mdb_dbi_open(txn.get(), name, MDB_CREATE, &out);
}

}  // namespace smppgw::store::lmdb
