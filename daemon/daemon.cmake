# daemon.cmake — the smppgwd process: runtime, carrier links, MO pipeline, MT dispatcher.
# Included by daemon/CMakeLists.txt after engine/ and admin/ (when they exist).

set(_smppgw_daemon_sources
  admin_bridge.cpp
  backoff.cpp
  carrier_message_id.cpp
  daemon.cpp
  dispatcher.cpp
  link.cpp
  log_limited.cpp
  log_limiter.cpp
  logging.cpp
  migrate_store.cpp
  mo_part_expiry.cpp
  mo_pipeline.cpp
  mo_text.cpp
  open_store.cpp
  options.cpp
  outbox_claims.cpp
  outbox_wakeup.cpp
  receipt_matcher.cpp
  service_notifier.cpp
  settings.cpp
  smpp_connection.cpp
  tps_limiter.cpp
  tps_limiters.cpp
  writer_submit.cpp
)
list(TRANSFORM _smppgw_daemon_sources PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)

set(_smppgw_daemon_libs smppgw_asio spdlog::spdlog PkgConfig::SYSTEMD tl::expected)
foreach(lib smppgw_engine smppgw_store smppgw_store_postgres smppgw_conf smppgw_protocol smppgw_admin)
  if(TARGET ${lib})
    list(APPEND _smppgw_daemon_libs ${lib})
  endif()
endforeach()

smppgw_library(smppgw_daemon SOURCES ${_smppgw_daemon_sources} PUBLIC_LIBS ${_smppgw_daemon_libs})
# The listener (listener.cmake) is its own library on top of this one, and daemon.cpp starts
# it: a cycle between two static libraries, which CMake links by repeating them.
if(TARGET smppgw_listener)
  target_link_libraries(smppgw_daemon PUBLIC smppgw_listener)
endif()
target_compile_definitions(smppgw_daemon PRIVATE SMPPGW_VERSION="${PROJECT_VERSION}")

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp)
  add_executable(smppgwd ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp)
  target_link_libraries(smppgwd PRIVATE smppgw_daemon)
  target_compile_definitions(smppgwd PRIVATE SMPPGW_VERSION="${PROJECT_VERSION}")
  smppgw_warnings(smppgwd)
  install(TARGETS smppgwd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The admin page's files (embedded in the binary; also installed for reference and for a
# reverse proxy that may serve them itself).
if(DEFINED SMPPGW_ADMIN_WEB_ASSETS)
  install(FILES ${SMPPGW_ADMIN_WEB_ASSETS} DESTINATION ${CMAKE_INSTALL_DATADIR}/smppgw/web)
endif()
