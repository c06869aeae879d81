# Registers the libFuzzer targets of tests/fuzz (a separate clang project, see CMakeLists.txt
# there) as short bounded ctest runs of the main build. Included by tests/CMakeLists.txt.
# The fuzz build directory comes from the SMPPGW_FUZZ_BUILD_DIR cache variable, defaulting to
# the environment variable of the same name (tools/dev), then to <source>/build-fuzz.
if(DEFINED ENV{SMPPGW_FUZZ_BUILD_DIR})
  set(_fuzz_build_default $ENV{SMPPGW_FUZZ_BUILD_DIR})
else()
  set(_fuzz_build_default ${PROJECT_SOURCE_DIR}/build-fuzz)
endif()
set(SMPPGW_FUZZ_BUILD_DIR ${_fuzz_build_default} CACHE PATH "Build directory of tests/fuzz")
set(SMPPGW_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs under ctest")

# fuzz_pdu: framer + decoder + re-encode, seeded with the golden vectors (corpus/pdu).
add_test(NAME fuzz_pdu
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run-fuzz.sh
    ${SMPPGW_FUZZ_BUILD_DIR}/fuzz_pdu
    ${CMAKE_CURRENT_LIST_DIR}/corpus/pdu
    ${CMAKE_BINARY_DIR}/fuzz/fuzz_pdu
    ${SMPPGW_FUZZ_SECONDS})
set_tests_properties(fuzz_pdu PROPERTIES
  SKIP_RETURN_CODE 77
  LABELS fuzz
  TIMEOUT 180)
