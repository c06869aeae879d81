# Unit tests of the text part of protocol/ (protocol/text.cmake), one file per source file.
smppgw_test(smppgw_protocol_text_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/utf8_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gsm7_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ucs2_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/latin1_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ia5_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/message_text_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/user_data_header_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/emoji_shortcodes_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text_analysis_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/segmenter_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/incoming_part_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/delivery_receipt_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/receipt_builder_test.cpp
  LIBS smppgw_protocol_text
  LABELS unit protocol)

# The committed emoji tables must be what tools/emoji/generate.mjs makes from the pinned data.
# Runs where the generator's packages are installed (`npm ci --prefix tools/emoji`).
find_program(SMPPGW_NODE node)
if(SMPPGW_NODE AND EXISTS ${PROJECT_SOURCE_DIR}/tools/emoji/node_modules/gemoji)
  add_test(NAME emoji_tables_up_to_date
    COMMAND ${SMPPGW_NODE} ${PROJECT_SOURCE_DIR}/tools/emoji/generate.mjs --check)
  set_tests_properties(emoji_tables_up_to_date PROPERTIES LABELS "unit;protocol")
endif()
