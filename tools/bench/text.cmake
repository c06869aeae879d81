# analyze() + segment() throughput on typical MT texts (protocol/text_analysis, segmenter).
smppgw_bench(smppgw_text_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/text_bench.cpp
  LIBS smppgw_protocol_text)
