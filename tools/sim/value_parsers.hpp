// Parsers for the values smppgw-sim reads on its command line and its control input:
// numbers (decimal or 0x-hex), durations ("250ms", "2s", "1m", or plain milliseconds),
// host:port and hex octet strings. Errors are messages that name the bad text.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace smppgw::sim {

// "88", "0x58": an unsigned value no larger than `max`.
tl::expected<std::uint64_t, std::string> parse_number(std::string_view text, std::uint64_t max);

// A rate: a non-negative decimal number, fractions allowed ("0.5", "100000").
tl::expected<double, std::string> parse_rate(std::string_view text);

// "250ms", "2s", "1m", "0" or "1500" (milliseconds).
tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

struct HostPort {
  std::string host;  // numeric IPv4 address
  std::uint16_t port = 0;
};
// "127.0.0.1:2775"; the port may be 0 (pick a free one) when listening.
tl::expected<HostPort, std::string> parse_host_port(std::string_view text);

// "48656c6c6f" → bytes; "-" or "" → empty. Case-insensitive, even number of digits.
tl::expected<std::vector<std::uint8_t>, std::string> parse_hex(std::string_view text);

// An SMPP address as the sim accepts it: 1..20 printable ASCII characters, no spaces
// (C-Octet String of at most 21 octets with the NUL).
tl::expected<std::string, std::string> parse_address(std::string_view text);

}  // namespace smppgw::sim
