// The writer's side of the PostgreSQL backend (DESIGN.md §3, §6): the WriteBackend that
// store/writer.cpp drives, on a connection of its own. Each group is one transaction whose
// reads are loaded in a few pipelined passes and whose writes are flushed as arrays with COMMIT.
#pragma once

#include <memory>

#include "store/postgres/error.hpp"
#include "store/postgres/store.hpp"
#include "store/write_backend.hpp"

namespace smppgw::store::postgres {

// Opens the writer's connection (SET search_path when options.schema is set) and returns the
// backend; the schema must already be there (open_store ensures it first). The error names the
// server and the cause (unreachable: StoreErrc::unavailable), never the password.
PgResult<std::unique_ptr<store::detail::WriteBackend>> make_write_backend(
    const StoreOptions& options);

}  // namespace smppgw::store::postgres
