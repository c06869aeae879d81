# listener.cmake — the SMPP listener (SMSC role, SPEC §5): carriers that bind to us.
# Included by daemon/CMakeLists.txt before daemon.cmake. listener_accounts.cpp (the bind
# check) is pure: the configuration types and OpenSSL's constant-time comparison.
# listener.cpp runs on MoPipeline, Dispatcher and SmppConnection of smppgw_daemon, which in
# turn starts the Listener: the two static libraries name each other, and CMake links such a
# cycle by repeating them on the link line.
smppgw_library(smppgw_listener
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/listener_accounts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/listener.cpp
    ${CMAKE_CURRENT_LIST_DIR}/receipt_queue.cpp
  PUBLIC_LIBS smppgw_conf smppgw_daemon OpenSSL::Crypto)
