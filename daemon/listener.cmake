# listener.cmake — the SMPP listener (SMSC role, SPEC §5): carriers that bind to us.
# Included by daemon/CMakeLists.txt. listener_accounts.cpp (the bind check) is pure and
# needs only the configuration types and OpenSSL's constant-time comparison.
set(_smppgw_listener_sources ${CMAKE_CURRENT_LIST_DIR}/listener_accounts.cpp)
set(_smppgw_listener_libs smppgw_conf OpenSSL::Crypto)

# listener.cpp drives MoPipeline and Dispatcher in the SMSC role (MO as submit_sm, MT as
# deliver_sm): it joins the library once dispatcher.hpp has those additions (MtCommand,
# /work/listener-integration.patch). Re-checked whenever dispatcher.hpp changes.
set(_smppgw_dispatcher_hpp ${CMAKE_CURRENT_LIST_DIR}/dispatcher.hpp)
if(EXISTS ${_smppgw_dispatcher_hpp})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_smppgw_dispatcher_hpp})
  file(READ ${_smppgw_dispatcher_hpp} _smppgw_dispatcher_text)
  string(FIND "${_smppgw_dispatcher_text}" "enum class MtCommand" _smppgw_mt_command_at)
  if(NOT _smppgw_mt_command_at EQUAL -1)
    list(APPEND _smppgw_listener_sources ${CMAKE_CURRENT_LIST_DIR}/listener.cpp)
    list(APPEND _smppgw_listener_libs smppgw_daemon)
  endif()
endif()

smppgw_library(smppgw_listener
  SOURCES ${_smppgw_listener_sources}
  PUBLIC_LIBS ${_smppgw_listener_libs})
