# Admin API benchmarks against the real smppgwd (issue 6): optout_csv_1m_s,
# optout_csv_1m_rss_mb, http_reply_rps. Needs curl (tools/dev setup installs it).
if(TARGET smppgwd)
  smppgw_bench(admin_bench
    SOURCES
      ${CMAKE_CURRENT_LIST_DIR}/admin_bench.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/admin/daemon_process.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/admin/http_client.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/admin/logged_process.cpp
    LIBS)
  target_compile_definitions(admin_bench PRIVATE SMPPGWD_BINARY="$<TARGET_FILE:smppgwd>")
  add_dependencies(admin_bench smppgwd)
endif()
