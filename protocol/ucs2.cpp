#include "protocol/ucs2.hpp"

#include "protocol/utf8.hpp"

namespace smppgw::smpp {

tl::expected<std::size_t, TextError> ucs2_unit_count(std::string_view utf8) {
  std::size_t units = 0;
  auto error = for_each_code_point(utf8, [&units](char32_t cp, std::size_t) {
    units += utf16_units(cp);
    return std::optional<TextError>();
  });
  if (error) return tl::unexpected(*error);
  return units;
}

tl::expected<std::vector<std::uint8_t>, TextError> ucs2_encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size() * 2);
  const auto put = [&out](char32_t unit) {
    out.push_back(static_cast<std::uint8_t>(unit >> 8));
    out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
  };
  auto error = for_each_code_point(utf8, [&put](char32_t cp, std::size_t) {
    if (cp > 0xFFFF) {
      const char32_t v = cp - 0x10000;
      put(0xD800 + (v >> 10));
      put(0xDC00 + (v & 0x3FF));
    } else {
      put(cp);
    }
    return std::optional<TextError>();
  });
  if (error) return tl::unexpected(*error);
  return out;
}

std::string ucs2_decode(std::span<const std::uint8_t> octets) {
  std::string out;
  out.reserve(octets.size() + octets.size() / 2);
  const std::size_t units = octets.size() / 2;
  const auto unit = [&octets](std::size_t i) {
    return static_cast<char32_t>((octets[2 * i] << 8) | octets[2 * i + 1]);
  };
  for (std::size_t i = 0; i < units; ++i) {
    const char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const char32_t low = unit(i + 1);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        utf8_append(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
    }
    // utf8_append turns a lone surrogate into U+FFFD.
    utf8_append(out, u);
  }
  if (octets.size() % 2 != 0) utf8_append(out, kReplacementCharacter);
  return out;
}

}  // namespace smppgw::smpp
