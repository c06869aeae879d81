// An address block "10.0.0.0/8", "127.0.0.1/32" or "2001:db8::/32" from a listener
// account's `allow` list (SPEC §5: binds are accepted only from allowed source addresses).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::conf {

class Cidr {
 public:
  // "a.b.c.d/len", "v6/len", or a bare address (a single host: /32 or /128). Host bits
  // below the prefix must be zero: "10.0.0.1/8" is refused so that the operator notices.
  static tl::expected<Cidr, std::string> parse(std::string_view text);

  // True when `address` (numeric IPv4 or IPv6 text; an IPv4-mapped IPv6 address such as
  // "::ffff:127.0.0.1" counts as its IPv4 address) lies in the block. Unparsable → false.
  [[nodiscard]] bool contains(std::string_view address) const;
  // The same for raw network-order bytes (4 for IPv4, 16 for IPv6).
  [[nodiscard]] bool contains(const std::uint8_t* bytes, std::size_t size) const;

  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] bool is_v6() const { return v6_; }
  [[nodiscard]] int prefix_length() const { return prefix_; }

  friend bool operator==(const Cidr& a, const Cidr& b) {
    return a.v6_ == b.v6_ && a.prefix_ == b.prefix_ && a.bytes_ == b.bytes_;
  }

 private:
  std::array<std::uint8_t, 16> bytes_{};
  bool v6_ = false;
  int prefix_ = 0;
  std::string text_;
};

}  // namespace smppgw::conf
