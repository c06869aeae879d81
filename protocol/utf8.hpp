// UTF-8, the text form at every interface of smppgw (SPEC §3): strict validation, decoding to
// code points and encoding back. Strict means what RFC 3629 says: no overlong forms, no
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';
inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

// True when `code_point` is a Unicode scalar value (not a surrogate, not above U+10FFFF).
constexpr bool is_scalar_value(char32_t code_point) {
  return code_point <= kMaxCodePoint && (code_point < 0xD800 || code_point > 0xDFFF);
}

// Reads one code point starting at `pos`; on success advances `pos` past it.
// The error's offset is the byte where the malformed sequence starts.
tl::expected<char32_t, TextError> utf8_next(std::string_view text, std::size_t& pos);

// Calls `visit(code_point, offset)` for each code point of `utf8` in order (offset: its first
// byte). Stops at the first malformed sequence and returns its error, or at the first error
// `visit` returns (a std::optional<TextError>). The encoders' one decoding loop.
template <class Visit>
std::optional<TextError> for_each_code_point(std::string_view utf8, Visit&& visit) {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::size_t at = pos;
    auto cp = utf8_next(utf8, pos);
    if (!cp) return cp.error();
    if (std::optional<TextError> e = visit(*cp, at)) return e;
  }
  return std::nullopt;
}

// One octet per code point, for the single-byte alphabets (IA5: up to 0x7F, Latin-1: up to
// 0xFF); a code point above `max` is not representable.
tl::expected<std::vector<std::uint8_t>, TextError> utf8_to_octets(std::string_view utf8,
                                                                  char32_t max);

// Checks the whole text; the error names the first bad byte.
tl::expected<void, TextError> utf8_validate(std::string_view text);

// Whole text to code points.
tl::expected<std::u32string, TextError> utf8_decode(std::string_view text);

// Appends one code point; a non-scalar value (surrogate, > U+10FFFF) is written as U+FFFD so
// that the output is always valid UTF-8.
void utf8_append(std::string& out, char32_t code_point);

// Code points to UTF-8 (non-scalar values become U+FFFD, as in utf8_append).
std::string utf8_encode(std::u32string_view code_points);

}  // namespace smppgw::smpp
