// The invariants of the PostgreSQL store checked by SQL over the tables of schema version 2
// (store/postgres/schema.cpp), the same list store/lmdb/write_txn.cpp keeps for LMDB: exact
// counts with no zero rows, counters at or above every id, carrier ids pointing at their parts,
// audit ids dense, every row decodable. The store's unit suite runs it after each test.
#pragma once

#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

namespace smppgw::store::postgres::test {

// Every violation found over `conn`'s search_path (empty: consistent).
std::vector<std::string> check_invariants(Connection& conn);

}  // namespace smppgw::store::postgres::test
