// smppgwd --migrate-store FROM_CONFIG TO_CONFIG: copies the whole store the first
// configuration names into the empty store the second names (LMDB → PostgreSQL, PostgreSQL →
// LMDB, or the same backend elsewhere), verbatim, then verifies the copy table by table.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>

#include "store/export.hpp"
#include "store/store.hpp"

namespace smppgw::daemon {

// What verification compares of one table: its rows and an order-independent digest of them
// (the sum of a hash of each row's fields), so the backends' different key orders agree.
struct TableDigest {
  std::uint64_t rows = 0;
  std::uint64_t digest = 0;
  friend bool operator==(const TableDigest&, const TableDigest&) = default;
};

// Every table's digest, and the subscription records per campaign (subscribed, opted_out)
// as counted from the rows themselves.
struct StoreDigest {
  std::map<store::ExportTable, TableDigest> tables;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> per_campaign;
};

// Reads every table of `s` in chunks of `chunk` rows.
store::Result<StoreDigest> digest_store(const store::Store& s, std::size_t chunk = 10000);

// The command: the report on `out`, errors on `err`. Returns the exit status: 0 when the copy
// is complete and verified, 1 for a bad configuration, a store that cannot be opened, a
// destination that is not empty (nothing is written then), a failed copy or a mismatch (each
// difference printed).
int migrate_store(const std::string& from_config, const std::string& to_config, std::ostream& out,
                  std::ostream& err);

}  // namespace smppgw::daemon
