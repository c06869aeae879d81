#include "tools/sim/control_command.hpp"

#include "tools/sim/receipt_stat.hpp"
#include "tools/sim/value_parsers.hpp"

namespace smppgw::sim {

namespace {

// Splits off the next space-separated word; `rest` keeps what follows the word, starting
// at the space after it (so that `mo` can take its text verbatim).
std::string_view next_word(std::string_view& rest) {
  const auto start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const auto end = rest.find(' ');
  const std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return word;
}

std::vector<std::string_view> words_of(std::string_view rest) {
  std::vector<std::string_view> out;
  for (auto w = next_word(rest); !w.empty(); w = next_word(rest)) out.push_back(w);
  return out;
}

tl::expected<std::uint8_t, std::string> parse_octet(std::string_view text, const char* what) {
  auto value = parse_number(text, 0xFF);
  if (!value) return tl::unexpected(std::string(what) + ": " + value.error());
  return static_cast<std::uint8_t>(*value);
}

tl::expected<std::uint32_t, std::string> parse_every(const std::vector<std::string_view>& words,
                                                     std::size_t index) {
  if (words.size() <= index) return 1U;
  auto every = parse_number(words[index], 0xFFFFFFFF);
  if (!every || *every == 0) {
    return tl::unexpected("K (every K-th) must be a number >= 1, got '" +
                          std::string(words[index]) + "'");
  }
  return static_cast<std::uint32_t>(*every);
}

tl::expected<std::string, std::string> checked_stat(std::string_view stat) {
  if (!find_receipt_stat(stat)) {
    return tl::unexpected("unknown receipt stat '" + std::string(stat) + "' (one of " +
                          std::string(receipt_stat_names()) + ")");
  }
  return std::string(stat);
}

tl::expected<ControlCommand, std::string> parse_mo(std::string_view rest) {
  const auto from = next_word(rest);
  const auto to = next_word(rest);
  if (from.empty() || to.empty()) return tl::unexpected(std::string("usage: mo FROM TO TEXT"));
  auto from_ok = parse_address(from);
  if (!from_ok) return tl::unexpected("mo FROM: " + from_ok.error());
  auto to_ok = parse_address(to);
  if (!to_ok) return tl::unexpected("mo TO: " + to_ok.error());
  // The text is everything after the one space that follows TO.
  if (!rest.empty()) rest.remove_prefix(1);
  return MoCommand{std::move(*from_ok), std::move(*to_ok), std::string(rest)};
}

tl::expected<ControlCommand, std::string> parse_mo_raw(std::vector<std::string_view> w) {
  constexpr std::string_view kUsage = "usage: mo-raw HEX DCS ESM [FROM TO] [sar REF TOTAL SEQ]";
  MoRawCommand cmd;
  // The SAR TLVs come last, so FROM TO stay positional.
  if (w.size() >= 8 && w[w.size() - 4] == "sar") {
    auto reference = parse_number(w[w.size() - 3], 0xFFFF);
    if (!reference) return tl::unexpected("mo-raw sar REF: " + reference.error());
    auto total = parse_octet(w[w.size() - 2], "mo-raw sar TOTAL");
    if (!total) return tl::unexpected(total.error());
    auto sequence = parse_octet(w[w.size() - 1], "mo-raw sar SEQ");
    if (!sequence) return tl::unexpected(sequence.error());
    cmd.sar = SarTlvs{static_cast<std::uint16_t>(*reference), *total, *sequence};
    w.resize(w.size() - 4);
  }
  if (w.size() != 4 && w.size() != 6) return tl::unexpected(std::string(kUsage));
  auto bytes = parse_hex(w[1]);
  if (!bytes) return tl::unexpected("mo-raw HEX: " + bytes.error());
  constexpr std::size_t kMaxShortMessage = 254;  // sm_length is one octet, smpp-notes §3
  if (bytes->size() > kMaxShortMessage) {
    return tl::unexpected("mo-raw HEX: short_message has at most 254 octets, got " +
                          std::to_string(bytes->size()));
  }
  cmd.short_message = std::move(*bytes);
  auto dcs = parse_octet(w[2], "mo-raw DCS");
  if (!dcs) return tl::unexpected(dcs.error());
  auto esm = parse_octet(w[3], "mo-raw ESM");
  if (!esm) return tl::unexpected(esm.error());
  cmd.data_coding = *dcs;
  cmd.esm_class = *esm;
  if (w.size() == 6) {
    auto from = parse_address(w[4]);
    if (!from) return tl::unexpected("mo-raw FROM: " + from.error());
    auto to = parse_address(w[5]);
    if (!to) return tl::unexpected("mo-raw TO: " + to.error());
    cmd.from = std::move(*from);
    cmd.to = std::move(*to);
  }
  return cmd;
}

tl::expected<ControlCommand, std::string> parse_receipt(const std::vector<std::string_view>& w) {
  if (w.size() != 3 && w.size() != 4)
    return tl::unexpected(std::string("usage: receipt MESSAGE_ID STAT [ERR]"));
  constexpr std::size_t kMaxMessageId = 64;  // message_id C(65), smpp-notes §3
  if (w[1].size() > kMaxMessageId) {
    return tl::unexpected(std::string("receipt MESSAGE_ID has at most 64 characters"));
  }
  auto stat = checked_stat(w[2]);
  if (!stat) return tl::unexpected(stat.error());
  ReceiptCommand cmd{std::string(w[1]), std::move(*stat), std::nullopt};
  if (w.size() == 4) {
    const auto err = w[3];
    if (err.size() != 3 || err.find_first_not_of("0123456789") != std::string_view::npos) {
      return tl::unexpected("receipt ERR is three digits (e.g. 000), got '" + std::string(err) +
                            "'");
    }
    cmd.err = std::string(err);
  }
  return cmd;
}

tl::expected<ControlCommand, std::string> parse_set(const std::vector<std::string_view>& w) {
  const std::string usage =
      "usage: set submit-status S [K] | set receipt-stat STAT [K] | set receipt-delay DUR | "
      "set receipts on|off | set next-id ID [RECEIPT_ID]";
  if (w.size() < 3) return tl::unexpected(usage);
  const auto what = w[1];
  if (what == "submit-status" && w.size() <= 4) {
    auto status = parse_number(w[2], 0xFFFFFFFF);
    if (!status) return tl::unexpected("set submit-status: " + status.error());
    auto every = parse_every(w, 3);
    if (!every) return tl::unexpected(every.error());
    return SetSubmitStatus{static_cast<std::uint32_t>(*status), *every};
  }
  if (what == "receipt-stat" && w.size() <= 4) {
    auto stat = checked_stat(w[2]);
    if (!stat) return tl::unexpected(stat.error());
    auto every = parse_every(w, 3);
    if (!every) return tl::unexpected(every.error());
    return SetReceiptStat{std::move(*stat), *every};
  }
  if (what == "receipt-delay" && w.size() == 3) {
    auto delay = parse_duration(w[2]);
    if (!delay) return tl::unexpected("set receipt-delay: " + delay.error());
    return SetReceiptDelay{*delay};
  }
  if (what == "receipts" && w.size() == 3 && (w[2] == "on" || w[2] == "off")) {
    return SetReceipts{w[2] == "on"};
  }
  if (what == "next-id" && w.size() <= 4) {
    constexpr std::size_t kMaxMessageId = 64;  // message_id C(65), smpp-notes §3
    for (std::size_t i = 2; i < w.size(); ++i) {
      if (w[i].size() > kMaxMessageId)
        return tl::unexpected(std::string("set next-id: ids have at most 64 characters"));
    }
    SetNextId cmd{std::string(w[2]), std::nullopt};
    if (w.size() == 4) cmd.receipt_id = std::string(w[3]);
    return cmd;
  }
  return tl::unexpected(usage);
}

tl::expected<ControlCommand, std::string> no_arguments(const std::vector<std::string_view>& w,
                                                       ControlCommand cmd) {
  if (w.size() != 1) return tl::unexpected("'" + std::string(w[0]) + "' takes no arguments");
  return cmd;
}

}  // namespace

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

tl::expected<ControlCommand, std::string> parse_control_command(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::string_view rest = line;
  const auto verb = next_word(rest);
  if (verb.empty()) return tl::unexpected(std::string("empty command"));
  if (verb == "mo") return parse_mo(rest);
  const auto words = words_of(line);
  if (verb == "mo-raw") return parse_mo_raw(words);
  if (verb == "receipt") return parse_receipt(words);
  if (verb == "set") return parse_set(words);
  if (verb == "drop") return no_arguments(words, DropCommand{});
  if (verb == "unbind") return no_arguments(words, UnbindCommand{});
  if (verb == "stats") return no_arguments(words, StatsCommand{});
  if (verb == "quit") return no_arguments(words, QuitCommand{});
  return tl::unexpected(
      "unknown command '" + std::string(verb) +
      "' (mo, mo-raw, receipt, drop, unbind, set, stats, quit; see tools/sim/README.md)");
}

}  // namespace smppgw::sim
