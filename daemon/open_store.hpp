// Opening the store a configuration names (store.backend): LMDB files under state_dir, or a
// PostgreSQL server. Shared by the daemon's start and by --migrate-store, so both open a store
// the same way and fail with the same words.
#pragma once

#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "conf/config.hpp"
#include "store/store.hpp"

namespace smppgw::daemon {

struct StoreOpenError {
  std::error_code code;  // a store::StoreErrc (unavailable: the server cannot be reached)
  std::string message;   // names the directory or the server and the cause; never a password
};

tl::expected<std::unique_ptr<store::Store>, StoreOpenError> open_configured_store(
    const conf::Config& config);

// "LMDB in /var/lib/smppgw/store" or "PostgreSQL at socket /run/postgresql ...": for messages.
std::string describe_store(const conf::Config& config);

}  // namespace smppgw::daemon
