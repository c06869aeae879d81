# The sans-I/O SMPP session (session.hpp) and its allowed-PDU table (bind_state.hpp).
smppgw_library(smppgw_protocol_session
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/bind_state.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session.cpp
  PUBLIC_LIBS smppgw_protocol_codec)
target_link_libraries(smppgw_protocol INTERFACE smppgw_protocol_session)
