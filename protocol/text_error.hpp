// Errors of the text layer (encodings, segmentation, receipts) as values.
// A TextError names what was wrong and where, so the caller can tell the user what to fix
// (e.g. "invalid UTF-8 at byte 12"); none of these are thrown.
#pragma once

#include <cstddef>
#include <string>

namespace smppgw::smpp {

enum class TextErrc {
  invalid_utf8,       // input is not well-formed UTF-8 (overlong, surrogate, > U+10FFFF, truncated)
  not_representable,  // a character has no code in the target character set
  invalid_udh,        // a User Data Header whose lengths run past the data
  invalid_receipt,    // text that is not a delivery receipt (no "id:" field)
  too_many_segments,  // more parts than the 8-bit UDH (255) can number
};

struct TextError {
  TextErrc code;
  std::size_t offset = 0;   // byte offset in the input where the problem starts
  char32_t code_point = 0;  // the offending character for not_representable

  // One sentence for logs and API errors, e.g. "character U+1F600 at byte 4 is not in GSM 03.38".
  std::string message() const;
};

}  // namespace smppgw::smpp
