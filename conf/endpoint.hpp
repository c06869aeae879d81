// A listen address "host:port" as written in the configuration (admin.listen,
// smpp.listen.address). IPv6 hosts are written in brackets: "[::1]:8080".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::conf {

struct Endpoint {
  std::string host;  // a numeric IPv4/IPv6 address, without brackets
  std::uint16_t port = 0;

  // "127.0.0.1:8080" or "[::1]:8080".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Accepts "a.b.c.d:port" and "[v6]:port"; the host must be a numeric address (no DNS at
// load time: a daemon that listens must not depend on a resolver to start).
tl::expected<Endpoint, std::string> parse_endpoint(std::string_view text);

}  // namespace smppgw::conf
