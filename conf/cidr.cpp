// Address blocks of listener accounts' `allow` lists.
#include "conf/cidr.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace smppgw::conf {
namespace {

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

tl::expected<Cidr, std::string> Cidr::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return tl::unexpected("\"" + std::string(text) + "\" is not an address block (" +
                          std::string(why) + "); write it as 203.0.113.0/24, 127.0.0.1/32 or " +
                          "2001:db8::/32");
  };
  Cidr c;
  c.text_ = std::string(text);
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  if (inet_pton(AF_INET, address.c_str(), c.bytes_.data()) == 1) {
    c.v6_ = false;
  } else if (inet_pton(AF_INET6, address.c_str(), c.bytes_.data()) == 1) {
    c.v6_ = true;
  } else {
    return bad("not a numeric IPv4 or IPv6 address");
  }
  const int max = c.v6_ ? 128 : 32;
  c.prefix_ = max;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    int n = -1;
    const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (ec != std::errc{} || end != len.data() + len.size() || len.empty() || n < 0 || n > max)
      return bad(c.v6_ ? "the prefix length must be 0 to 128"
                       : "the prefix length must be 0 to 32");
    c.prefix_ = n;
  }
  // Host bits set below the prefix usually mean a typo in the prefix length.
  std::array<std::uint8_t, 16> masked{};
  const int size = c.v6_ ? 16 : 4;
  for (int i = 0; i < size; ++i) {
    const int bits = std::min(8, std::max(0, c.prefix_ - i * 8));
    const auto mask = static_cast<std::uint8_t>(bits == 0 ? 0 : (0xFF << (8 - bits)));
    masked[static_cast<std::size_t>(i)] = c.bytes_[static_cast<std::size_t>(i)] & mask;
  }
  if (masked != c.bytes_) return bad("address bits are set below the prefix length");
  return c;
}

bool Cidr::contains(const std::uint8_t* bytes, std::size_t size) const {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (size == 16 && !v6_ && std::memcmp(bytes, kMapped, 12) == 0) {
    bytes += 12;
    size = 4;
  }
  if (size == 4 && !v6_) return prefix_matches(bytes, bytes_.data(), prefix_);
  if (size == 16 && v6_) return prefix_matches(bytes, bytes_.data(), prefix_);
  return false;
}

bool Cidr::contains(std::string_view address) const {
  const std::string text(address);
  std::uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return contains(buf, 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return contains(buf, 16);
  return false;
}

}  // namespace smppgw::conf
