# Shared build helpers: warnings, test and benchmark registration.

# smppgw_warnings(target): the project's warning set; -Werror under SMPPGW_WERROR (CI).
function(smppgw_warnings target)
  # -Wmismatched-new-delete: g++ 12 reports Boost 1.74's awaitable frames falsely.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers
    -Wno-mismatched-new-delete)
  if(SMPPGW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# smppgw_library(name SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# A static library with the project's include root and warnings.
function(smppgw_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
  smppgw_warnings(${name})
endfunction()

# smppgw_test(name SOURCES ... LIBS ... [LABELS ...])
# A GoogleTest binary; each TEST is its own ctest case (discovered before the run,
# so building stays fast).
function(smppgw_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  smppgw_warnings(${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(ARG_LABELS)
    # A list passed through PROPERTIES would be flattened: escape its separators.
    string(REPLACE ";" "\\;" labels "${ARG_LABELS}")
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${labels}" TIMEOUT ${ARG_TIMEOUT}
      EXTRA_ARGS --gtest_color=no)
  else()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
      PROPERTIES TIMEOUT ${ARG_TIMEOUT}
      EXTRA_ARGS --gtest_color=no)
  endif()
endfunction()

# smppgw_bench(name SOURCES ... LIBS ...)
# A benchmark program; `tools/dev bench` runs every program in <build>/bench and
# keeps the lines of the form {"bench":NAME,"value":N,"unit":U}.
function(smppgw_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
  smppgw_warnings(${name})
endfunction()
