# Unit tests of the session part of protocol/ (protocol/session.cmake), one file per source file.
smppgw_test(smppgw_protocol_session_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/bind_state_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sequence_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/window_test.cpp
  LIBS smppgw_protocol_session
  LABELS unit protocol)
