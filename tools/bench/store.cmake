# Store benchmarks (issue 3): durable MO-shaped write requests through the writer, the mean
# group size, and a million-phone Manual Opt-Out. Runs in a temporary directory on the disk
# that holds $TMPDIR (or SMPPGW_BENCH_DIR).
smppgw_bench(smppgw_store_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_bench.cpp
  LIBS smppgw_store)
