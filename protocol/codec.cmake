# The SMPP 3.4 wire codec (codec.hpp) and the stream framer (framer.hpp).
smppgw_library(smppgw_protocol_codec
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/codec.cpp
    ${CMAKE_CURRENT_LIST_DIR}/framer.cpp
  PUBLIC_LIBS tl::expected)
target_link_libraries(smppgw_protocol INTERFACE smppgw_protocol_codec)
