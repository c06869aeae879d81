// The control protocol of `smppgw-sim smsc --control stdin` (tools/sim/README.md): one
// command per line. This file turns a line into a command value; the smsc loop acts on it.
// A bad line gives a message naming what is wrong, and the loop changes nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

namespace smppgw::sim {

// mo FROM TO TEXT — TEXT is the rest of the line, verbatim.
struct MoCommand {
  std::string from;
  std::string to;
  std::string text;
  friend bool operator==(const MoCommand&, const MoCommand&) = default;
};

// The SAR TLVs of a part (smpp-notes §9): what a carrier that does not use a UDH sends.
struct SarTlvs {
  std::uint16_t reference = 0;
  std::uint8_t total = 0;
  std::uint8_t sequence = 0;
  friend bool operator==(const SarTlvs&, const SarTlvs&) = default;
};

// mo-raw HEX DCS ESM [FROM TO] [sar REF TOTAL SEQ]
struct MoRawCommand {
  std::vector<std::uint8_t> short_message;
  std::uint8_t data_coding = 0;
  std::uint8_t esm_class = 0;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<SarTlvs> sar;
  friend bool operator==(const MoRawCommand&, const MoRawCommand&) = default;
};

// receipt MESSAGE_ID STAT [ERR]
struct ReceiptCommand {
  std::string message_id;
  std::string stat;
  std::optional<std::string> err;  // three digits when given
  friend bool operator==(const ReceiptCommand&, const ReceiptCommand&) = default;
};

struct DropCommand {
  friend bool operator==(const DropCommand&, const DropCommand&) = default;
};
struct UnbindCommand {
  friend bool operator==(const UnbindCommand&, const UnbindCommand&) = default;
};
struct StatsCommand {
  friend bool operator==(const StatsCommand&, const StatsCommand&) = default;
};
struct QuitCommand {
  friend bool operator==(const QuitCommand&, const QuitCommand&) = default;
};

// set submit-status S [K]
struct SetSubmitStatus {
  std::uint32_t status = 0;
  std::uint32_t every = 1;
  friend bool operator==(const SetSubmitStatus&, const SetSubmitStatus&) = default;
};
// set receipt-stat STAT [K]
struct SetReceiptStat {
  std::string stat;
  std::uint32_t every = 1;
  friend bool operator==(const SetReceiptStat&, const SetReceiptStat&) = default;
};
// set receipt-delay DUR
struct SetReceiptDelay {
  std::chrono::milliseconds delay{0};
  friend bool operator==(const SetReceiptDelay&, const SetReceiptDelay&) = default;
};
// set receipts on|off
struct SetReceipts {
  bool on = false;
  friend bool operator==(const SetReceipts&, const SetReceipts&) = default;
};

// set next-id ID [RECEIPT_ID] — the next accepted submit is answered with ID verbatim (ids
// as carriers write them: "0A1b2C", "00012345"); its receipts write RECEIPT_ID (default ID).
struct SetNextId {
  std::string id;
  std::optional<std::string> receipt_id;
  friend bool operator==(const SetNextId&, const SetNextId&) = default;
};

using ControlCommand = std::variant<MoCommand, MoRawCommand, ReceiptCommand, DropCommand,
                                    UnbindCommand, StatsCommand, QuitCommand, SetSubmitStatus,
                                    SetReceiptStat, SetReceiptDelay, SetReceipts, SetNextId>;

// True for a line with nothing but spaces, tabs and a line end: the loop skips it.
bool is_blank_line(std::string_view line);

// Parses one line (a trailing "\r" or "\n" is ignored).
tl::expected<ControlCommand, std::string> parse_control_command(std::string_view line);

}  // namespace smppgw::sim
