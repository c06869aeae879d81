// The store's error category: one sentence per error saying what was wrong and what to do.
#include "store/error.hpp"

namespace smppgw::store {
namespace {

class StoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smppgw.store"; }
  std::string message(int v) const override {
    switch (static_cast<StoreErrc>(v)) {
      case StoreErrc::ok:
        return "success";
      case StoreErrc::invalid_argument:
        return "invalid argument to a store operation (empty or over-long phone, campaign or "
               "short code, or a limit out of range); nothing was changed";
      case StoreErrc::not_found:
        return "the record does not exist";
      case StoreErrc::map_full:
        return "the store's map is full (it is grown automatically)";
      case StoreErrc::disk_full:
        return "the store cannot grow: free disk space under state_dir or raise store.map_size";
      case StoreErrc::txn_full:
        return "one write request changed more than a transaction can hold: use smaller chunks";
      case StoreErrc::io_error:
        return "the store's disk reported an I/O error: check the disk under state_dir";
      case StoreErrc::corrupted:
        return "the store's files are damaged or not an smppgw store: restore state_dir from a "
               "backup";
      case StoreErrc::schema_too_new:
        return "the store was written by a newer smppgwd: run that version or newer";
      case StoreErrc::open_failed:
        return "the store cannot be opened: check that state_dir exists, is writable by the "
               "service user and is not used by another smppgwd";
      case StoreErrc::queue_full:
        return "the store writer's queue is full: retry when it has room";
      case StoreErrc::shutting_down:
        return "the store writer is shutting down and takes no new requests";
      case StoreErrc::request_threw:
        return "a write request failed with an exception; its changes were rolled back";
      case StoreErrc::readers_full:
        return "too many concurrent store reads: retry shortly";
      case StoreErrc::backend_error:
        return "the store backend reported an unexpected error";
      case StoreErrc::unavailable:
        return "the store's database server cannot be reached: nothing was committed; retry "
               "later (smppgwd reconnects by itself)";
      case StoreErrc::conflict:
        return "the store's transaction conflicted with another node's (deadlock or "
               "serialization failure); it is re-run";
      case StoreErrc::data_needed:
        return "the write transaction needs rows it has not loaded yet (internal to the writer)";
    }
    return "unknown store error";
  }
};

}  // namespace

const std::error_category& store_category() noexcept {
  static const StoreCategory category;
  return category;
}

std::error_code make_error_code(StoreErrc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

}  // namespace smppgw::store
