# Unit tests of the codec part of protocol/ (protocol/codec.cmake), one file per source file.
smppgw_test(smppgw_protocol_codec_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/codec_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/framer_test.cpp
  LIBS smppgw_protocol_codec
  LABELS unit protocol)
