#include "tools/sim/receipt_stat.hpp"

#include <array>

namespace smppgw::sim {

namespace {
// message_state values of SMPP 3.4 §5.2.28 (smpp-notes §8).
constexpr std::array<ReceiptStat, 8> kStats{{
    {"ENROUTE", 1, true},
    {"DELIVRD", 2, true},
    {"EXPIRED", 3, false},
    {"DELETED", 4, false},
    {"UNDELIV", 5, false},
    {"ACCEPTD", 6, true},
    {"UNKNOWN", 7, false},
    {"REJECTD", 8, false},
}};
}  // namespace

std::optional<ReceiptStat> find_receipt_stat(std::string_view text) {
  for (const auto& stat : kStats) {
    if (stat.text == text) return stat;
  }
  return std::nullopt;
}

std::string_view receipt_stat_names() {
  return "ENROUTE DELIVRD EXPIRED DELETED UNDELIV ACCEPTD UNKNOWN REJECTD";
}

}  // namespace smppgw::sim
