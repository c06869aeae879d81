#include "protocol/utf8.hpp"

namespace smppgw::smpp {

tl::expected<char32_t, TextError> utf8_next(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  const auto fail = [start] { return tl::unexpected(TextError{TextErrc::invalid_utf8, start}); };
  if (start >= text.size()) return fail();
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(start);
  if (lead < 0x80) {
    pos = start + 1;
    return lead;
  }
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {  // 0xC0/0xC1 could only start overlong forms
    length = 2;
    cp = lead & 0x1F;
    min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
    min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return fail();
  }
  if (text.size() - start < length) return fail();
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char c = byte(start + i);
    if ((c & 0xC0) != 0x80) return fail();
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || !is_scalar_value(cp)) return fail();
  pos = start + length;
  return cp;
}

tl::expected<void, TextError> utf8_validate(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // ASCII fast path: most message text is plain ASCII.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    auto cp = utf8_next(text, pos);
    if (!cp) return tl::unexpected(cp.error());
  }
  return {};
}

tl::expected<std::u32string, TextError> utf8_decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto cp = utf8_next(text, pos);
    if (!cp) return tl::unexpected(cp.error());
    out.push_back(*cp);
  }
  return out;
}

tl::expected<std::vector<std::uint8_t>, TextError> utf8_to_octets(std::string_view utf8,
                                                                  char32_t max) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  auto error = for_each_code_point(utf8, [&out, max](char32_t cp, std::size_t at) {
    if (cp > max) return std::optional(TextError{TextErrc::not_representable, at, cp});
    out.push_back(static_cast<std::uint8_t>(cp));
    return std::optional<TextError>();
  });
  if (error) return tl::unexpected(*error);
  return out;
}

void utf8_append(std::string& out, char32_t cp) {
  if (!is_scalar_value(cp)) cp = kReplacementCharacter;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string utf8_encode(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) utf8_append(out, cp);
  return out;
}

}  // namespace smppgw::smpp
