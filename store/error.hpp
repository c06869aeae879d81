// Errors of the store layer as values (DESIGN.md §7): one std::error_code category for
// everything the store can report, and the Result<T> alias every store operation returns.
// Backend errors (LMDB's MDB_* codes, errno) are mapped onto these codes at the boundary.
#pragma once

#include <string>
#include <system_error>

#include <tl/expected.hpp>

namespace smppgw::store {

// What went wrong, in the domain of the store. The message of each code says what to do.
enum class StoreErrc {
  ok = 0,
  invalid_argument = 1,  // bad input from the caller (empty phone, limit 0, ...); nothing changed
  not_found = 2,         // the record a write refers to does not exist; nothing changed
  map_full = 3,          // the map is full; the writer grows it and re-runs the group
  disk_full = 4,         // the map cannot grow (disk or max_map_size): free space or raise it
  txn_full = 5,          // one request dirtied more pages than a transaction can hold: split it
  io_error = 6,          // the backend reported an I/O error (EIO, ENOSPC on commit, ...)
  corrupted = 7,         // the environment is damaged or was written by another program
  schema_too_new = 8,    // the files were written by a newer smppgwd: upgrade the binary
  open_failed = 9,       // the environment cannot be opened (permissions, missing state_dir)
  queue_full = 10,       // the writer's queue is full: wait for space (Writer::notify_when_space)
  shutting_down = 11,    // the writer is stopping and takes no new requests
  request_threw = 12,    // a write request threw an exception; it was rolled back alone
  readers_full = 13,     // too many concurrent read transactions (max_readers)
  backend_error = 14,    // any other backend failure; the message carries the backend's text
  unavailable = 15,      // the database server cannot be reached (PostgreSQL): retry later;
                         // nothing of the request was committed
  conflict = 16,         // a deadlock or serialization failure with another node (PostgreSQL):
                         // the writer re-runs the group
  data_needed = 17,      // inside the writer only: a write transaction needs rows it has not
                         // loaded yet; the writer loads them and re-runs the group (never seen
                         // by a completion)
};

const std::error_category& store_category() noexcept;
std::error_code make_error_code(StoreErrc e) noexcept;

// Every store operation returns a value or the error that prevented it.
template <class T>
using Result = tl::expected<T, std::error_code>;

inline tl::unexpected<std::error_code> fail(StoreErrc e) {
  return tl::unexpected(make_error_code(e));
}
inline tl::unexpected<std::error_code> fail(std::error_code e) {
  return tl::unexpected(e);
}

}  // namespace smppgw::store

template <>
struct std::is_error_code_enum<smppgw::store::StoreErrc> : std::true_type {};
