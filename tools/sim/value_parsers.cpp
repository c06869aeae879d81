#include "tools/sim/value_parsers.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>

namespace smppgw::sim {

namespace {
std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

tl::expected<std::uint64_t, std::string> parse_number(std::string_view text, std::uint64_t max) {
  int base = 10;
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return tl::unexpected("expected a number (decimal or 0x-hex), got " + quoted(text));
  }
  if (value > max) {
    return tl::unexpected("number " + quoted(text) + " is larger than " + std::to_string(max));
  }
  return value;
}

tl::expected<double, std::string> parse_rate(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value < 0) {
    return tl::unexpected("expected a rate (a number >= 0 per second), got " + quoted(text));
  }
  return value;
}

tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  std::string_view number = text;
  std::uint64_t scale = 1;
  if (number.ends_with("ms")) {
    number.remove_suffix(2);
  } else if (number.ends_with("s")) {
    number.remove_suffix(1);
    scale = 1000;
  } else if (number.ends_with("m")) {
    number.remove_suffix(1);
    scale = 60'000;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  constexpr std::uint64_t kMaxMs = 24ULL * 3600 * 1000;  // a day: anything longer is a typo
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      value > kMaxMs / scale) {
    return tl::unexpected("expected a duration like 250ms, 2s, 1m or milliseconds, got " +
                          quoted(text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * scale));
}

tl::expected<HostPort, std::string> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return tl::unexpected("expected HOST:PORT (e.g. 127.0.0.1:2775), got " + quoted(text));
  }
  HostPort out;
  out.host = std::string(text.substr(0, colon));
  in_addr addr{};
  if (inet_pton(AF_INET, out.host.c_str(), &addr) != 1) {
    return tl::unexpected("expected a numeric IPv4 address before ':', got " + quoted(text));
  }
  auto port = parse_number(text.substr(colon + 1), 65535);
  if (!port || text.substr(colon + 1).starts_with("0x")) {
    return tl::unexpected("expected a port 0..65535 after ':', got " + quoted(text));
  }
  out.port = static_cast<std::uint16_t>(*port);
  return out;
}

tl::expected<std::vector<std::uint8_t>, std::string> parse_hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  if (text == "-") return out;
  if (text.size() % 2 != 0) {
    return tl::unexpected("hex octets need an even number of digits, got " + quoted(text));
  }
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return tl::unexpected("not a hex digit at position " + std::to_string(hi < 0 ? i : i + 1) +
                            " of " + quoted(text));
    }
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

tl::expected<std::string, std::string> parse_address(std::string_view text) {
  constexpr std::size_t kMaxAddress = 20;  // source_addr/destination_addr C(21), smpp-notes §3
  if (text.empty() || text.size() > kMaxAddress) {
    return tl::unexpected("an address has 1 to 20 characters, got " + quoted(text));
  }
  for (char c : text) {
    if (c <= ' ' || c > '~') {
      return tl::unexpected("an address is printable ASCII without spaces, got " + quoted(text));
    }
  }
  return std::string(text);
}

}  // namespace smppgw::sim
