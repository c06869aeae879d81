// The command line of smppgw-sim (tools/sim/README.md): `smsc` and `esme` modes and their
// options, parsed into plain values before any socket is opened. A bad option gives a
// message that names it; the program then exits 2 without doing anything.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "tools/sim/value_parsers.hpp"

namespace smppgw::sim {

enum class IdFormat { hex, dec };
enum class ReceiptIdFormat { same, hex, dec };
enum class BindKind { transceiver, transmitter, receiver };

// One MO given on the command line or in a file: "FROM>TO:TEXT".
struct MoSpec {
  std::string from;
  std::string to;
  std::string text;
  friend bool operator==(const MoSpec&, const MoSpec&) = default;
};
tl::expected<MoSpec, std::string> parse_mo_spec(std::string_view text);

struct SmscOptions {
  HostPort listen;
  std::optional<std::string> system_id;
  std::optional<std::string> password;
  IdFormat id_format = IdFormat::hex;
  ReceiptIdFormat receipt_id_format = ReceiptIdFormat::same;
  std::uint64_t id_start = 0xA0000000;
  bool receipts = false;
  std::chrono::milliseconds receipt_delay{100};
  std::string receipt_stat = "DELIVRD";
  std::uint32_t receipt_stat_every = 1;
  std::uint32_t submit_status = 0;
  std::uint32_t submit_status_every = 1;
  std::optional<std::uint64_t> drop_after;
  std::vector<MoSpec> mo;         // --mo, then the lines of --mo-file, in order
  std::optional<double> mo_rate;  // rate mode when set (0 = window-limited)
  std::uint64_t mo_count = 0;     // 0 = until stopped
  std::uint32_t mo_window = 100;
  std::string mo_from = "+14155500000";
  std::optional<std::uint64_t> mo_phones;
  std::string mo_to = "12345";
  std::string mo_text = "HELLO";
  bool exit_when_done = false;
  std::optional<std::uint64_t> exit_after_submits;
  bool control_stdin = false;
  bool events = false;
  bool json = false;
  std::chrono::milliseconds enquire_link{30'000};
};

struct EsmeOptions {
  HostPort connect;
  std::string system_id;
  std::string password;
  BindKind bind = BindKind::transceiver;
  double rate = 0;
  std::uint64_t count = 1000;
  std::uint32_t window = 100;
  std::uint32_t connections = 1;
  std::string from = "12345";
  std::string to_prefix = "+1415555";
  std::uint32_t to_width = 4;
  std::string text = "HELLO";
  std::uint8_t registered_delivery = 0;
  // Stay bound this long after the last submit_sm_resp (to take receipts and MO).
  std::chrono::milliseconds linger{0};
  bool events = false;
  bool json = false;
};

struct HelpRequested {};

using SimOptions = std::variant<SmscOptions, EsmeOptions, HelpRequested>;

// argv[0] is skipped; argv[1] is the mode.
tl::expected<SimOptions, std::string> parse_sim_options(const std::vector<std::string>& args);

// The usage text printed by --help and after a command-line error.
const char* sim_usage();

}  // namespace smppgw::sim
