# listener.cmake — the SMPP listener (SMSC role, SPEC §5): carriers that bind to us.
# Included by daemon/CMakeLists.txt. listener_accounts.cpp (the bind check) is pure and
# needs only the configuration types and OpenSSL's constant-time comparison.
smppgw_library(smppgw_listener
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/listener_accounts.cpp
  PUBLIC_LIBS smppgw_conf OpenSSL::Crypto)
