# Text part of protocol/: character sets (UTF-8, GSM 03.38, UCS-2, Latin-1, IA5), MO text
# decoding, emoji shortcodes, MT analysis and segmentation, MO reassembly, delivery receipts.
# Plain bytes and strings only: no dependency on the PDU codec.
smppgw_library(smppgw_protocol_text
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/text_error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/utf8.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gsm7.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ucs2.cpp
    ${CMAKE_CURRENT_LIST_DIR}/latin1.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ia5.cpp
    ${CMAKE_CURRENT_LIST_DIR}/message_text.cpp
    ${CMAKE_CURRENT_LIST_DIR}/user_data_header.cpp
    ${CMAKE_CURRENT_LIST_DIR}/emoji_shortcodes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text_analysis.cpp
    ${CMAKE_CURRENT_LIST_DIR}/segmenter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/incoming_part.cpp
    ${CMAKE_CURRENT_LIST_DIR}/delivery_receipt.cpp
    ${CMAKE_CURRENT_LIST_DIR}/receipt_builder.cpp
  PUBLIC_LIBS tl::expected)
# emoji_shortcodes.cpp includes the generated table; rebuild when it is regenerated.
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/emoji_shortcodes.cpp APPEND PROPERTY
  OBJECT_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/emoji_table.inc)
target_link_libraries(smppgw_protocol INTERFACE smppgw_protocol_text)
