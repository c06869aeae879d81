# daemon.cmake — the smppgwd process: runtime, carrier links, MO pipeline, MT dispatcher.
# Included by daemon/CMakeLists.txt after engine/ and admin/ (when they exist).

set(_smppgw_daemon_sources
  backoff.cpp
  logging.cpp
  options.cpp
  service_notifier.cpp
  token_bucket.cpp
)
list(TRANSFORM _smppgw_daemon_sources PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)

set(_smppgw_daemon_libs smppgw_asio spdlog::spdlog PkgConfig::SYSTEMD tl::expected)
foreach(lib smppgw_engine smppgw_store smppgw_conf smppgw_protocol smppgw_admin)
  if(TARGET ${lib})
    list(APPEND _smppgw_daemon_libs ${lib})
  endif()
endforeach()

smppgw_library(smppgw_daemon SOURCES ${_smppgw_daemon_sources} PUBLIC_LIBS ${_smppgw_daemon_libs})
target_compile_definitions(smppgw_daemon PRIVATE SMPPGW_VERSION="${PROJECT_VERSION}")

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp)
  add_executable(smppgwd ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp)
  target_link_libraries(smppgwd PRIVATE smppgw_daemon)
  target_compile_definitions(smppgwd PRIVATE SMPPGW_VERSION="${PROJECT_VERSION}")
  smppgw_warnings(smppgwd)
  install(TARGETS smppgwd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
