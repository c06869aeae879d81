#include "protocol/text_error.hpp"

#include <cstdio>

namespace smppgw::smpp {

std::string TextError::message() const {
  char buf[128];
  switch (code) {
    case TextErrc::invalid_utf8:
      std::snprintf(buf, sizeof buf, "invalid UTF-8 at byte %zu", offset);
      break;
    case TextErrc::not_representable:
      std::snprintf(buf, sizeof buf, "character U+%04X at byte %zu cannot be encoded",
                    static_cast<unsigned>(code_point), offset);
      break;
    case TextErrc::invalid_udh:
      std::snprintf(buf, sizeof buf, "user data header is longer than the message (byte %zu)",
                    offset);
      break;
    case TextErrc::invalid_receipt:
      std::snprintf(buf, sizeof buf, "not a delivery receipt: no \"id:\" value");
      break;
    case TextErrc::too_many_segments:
      std::snprintf(buf, sizeof buf, "message needs more than 255 parts");
      break;
  }
  return buf;
}

}  // namespace smppgw::smpp
