// The final states a receipt can report (smpp-notes §8): the `stat:` text a carrier writes,
// the message_state TLV value that goes with it, and the `err:` code the sim puts beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace smppgw::sim {

struct ReceiptStat {
  std::string_view text;       // "DELIVRD"
  std::uint8_t message_state;  // 2
  bool success;                // DELIVRD, ACCEPTD and ENROUTE carry err:000
};

// The stat named `text` (exact, upper case), or nothing for an unknown name.
std::optional<ReceiptStat> find_receipt_stat(std::string_view text);

// "DELIVRD UNDELIV ..." for error messages.
std::string_view receipt_stat_names();

}  // namespace smppgw::sim
