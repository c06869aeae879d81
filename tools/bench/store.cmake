# Store benchmarks (issue 3): durable MO-shaped write requests through the writer, the mean
# group size, and a million-phone Manual Opt-Out. Runs in a temporary directory on the disk
# that holds $TMPDIR (or SMPPGW_BENCH_DIR).
smppgw_bench(smppgw_store_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_bench.cpp
  LIBS smppgw_store)

# The same MO shape on the bare LMDB C API, without the store's indexes: the ceiling of any
# LMDB schema on this machine, to read store_mo_commit against.
smppgw_bench(smppgw_lmdb_floor_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/lmdb_floor_bench.cpp
  LIBS PkgConfig::LMDB)

# The store benchmarks on the PostgreSQL backend (issue 13), on a throwaway cluster of their
# own (tools/pg-cluster, fsync on); they say so and print nothing without PostgreSQL.
smppgw_bench(smppgw_pg_store_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_store_bench.cpp
  LIBS smppgw_store_postgres)
target_compile_definitions(smppgw_pg_store_bench PRIVATE
  SMPPGW_PG_CLUSTER="${PROJECT_SOURCE_DIR}/tools/pg-cluster")
