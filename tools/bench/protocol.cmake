# SMPP codec and framer throughput (protocol/codec.hpp, protocol/framer.hpp), Google Benchmark.
smppgw_bench(smppgw_protocol_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/protocol_bench.cpp
  LIBS smppgw_protocol_codec benchmark::benchmark)
