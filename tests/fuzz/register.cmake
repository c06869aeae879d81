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
set(SMPPGW_FUZZ_SECONDS 20 CACHE STRING "Seconds fuzz_pdu runs under ctest")

set(SMPPGW_FUZZ_SECONDS_SHORT 10 CACHE STRING
  "Seconds each fuzz target other than fuzz_pdu runs under ctest")

# One bounded run of the fuzzer NAME from its seed corpus corpus/CORPUS (run-fuzz.sh).
function(smppgw_fuzz_test name corpus seconds)
  add_test(NAME ${name}
    COMMAND sh ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/run-fuzz.sh
      ${SMPPGW_FUZZ_BUILD_DIR}/${name}
      ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/corpus/${corpus}
      ${CMAKE_BINARY_DIR}/fuzz/${name}
      ${seconds})
  set_tests_properties(${name} PROPERTIES
    SKIP_RETURN_CODE 77
    LABELS fuzz
    TIMEOUT 180)
endfunction()

# fuzz_pdu: framer + decoder + re-encode, seeded with the golden vectors (corpus/pdu).
smppgw_fuzz_test(fuzz_pdu pdu ${SMPPGW_FUZZ_SECONDS})
# fuzz_text: character sets, MO decoding and UDH, MT analysis + segmentation, reassembly.
smppgw_fuzz_test(fuzz_text text ${SMPPGW_FUZZ_SECONDS_SHORT})
# fuzz_receipt: delivery receipt parsing and message-id matching.
smppgw_fuzz_test(fuzz_receipt receipt ${SMPPGW_FUZZ_SECONDS_SHORT})
# fuzz_csv, fuzz_multipart: the Manual Opt-Out upload parsers, whatever the chunking.
smppgw_fuzz_test(fuzz_csv csv ${SMPPGW_FUZZ_SECONDS_SHORT})
smppgw_fuzz_test(fuzz_multipart multipart ${SMPPGW_FUZZ_SECONDS_SHORT})
# fuzz_config: any YAML text through the configuration loader.
smppgw_fuzz_test(fuzz_config config ${SMPPGW_FUZZ_SECONDS_SHORT})
# fuzz_records: the store's record decoders and the bulk audit row.
smppgw_fuzz_test(fuzz_records records ${SMPPGW_FUZZ_SECONDS_SHORT})
