// "host:port" listen addresses of the configuration.
#include "conf/endpoint.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace smppgw::conf {

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

tl::expected<Endpoint, std::string> parse_endpoint(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return tl::unexpected("\"" + std::string(text) + "\" is not a listen address (" +
                          std::string(why) +
                          "); write a numeric address and a port: 127.0.0.1:8080, 0.0.0.0:2776 or "
                          "[::1]:8080");
  };
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("an IPv6 address needs brackets and a port");
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) return bad("not an IPv6 address");
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    in_addr a4{};
    if (host.find(':') != std::string::npos) return bad("an IPv6 address needs brackets");
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) return bad("not a numeric IPv4 address");
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty() ||
      port > 65535)
    return bad("the port must be a number from 0 to 65535");
  return Endpoint{std::move(host), static_cast<std::uint16_t>(port)};
}

}  // namespace smppgw::conf
