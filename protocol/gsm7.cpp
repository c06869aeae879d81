#include "protocol/gsm7.hpp"

#include <algorithm>
#include <array>

#include "protocol/utf8.hpp"

namespace smppgw::smpp {
namespace {

// Basic table, septet → Unicode (smpp-notes §10). 0x1B (ESC) is not a character.
constexpr std::array<char32_t, 128> kBasic = {
    U'@',      U'\u00A3', U'$',      U'\u00A5', U'\u00E8', U'\u00E9', U'\u00F9', U'\u00EC',
    U'\u00F2', U'\u00C7', U'\n',     U'\u00D8', U'\u00F8', U'\r',     U'\u00C5', U'\u00E5',
    U'\u0394', U'_',      U'\u03A6', U'\u0393', U'\u039B', U'\u03A9', U'\u03A0', U'\u03A8',
    U'\u03A3', U'\u0398', U'\u039E', 0,         U'\u00C6', U'\u00E6', U'\u00DF', U'\u00C9',
    U' ',      U'!',      U'"',      U'#',      U'\u00A4', U'%',      U'&',      U'\'',
    U'(',      U')',      U'*',      U'+',      U',',      U'-',      U'.',      U'/',
    U'0',      U'1',      U'2',      U'3',      U'4',      U'5',      U'6',      U'7',
    U'8',      U'9',      U':',      U';',      U'<',      U'=',      U'>',      U'?',
    U'\u00A1', U'A',      U'B',      U'C',      U'D',      U'E',      U'F',      U'G',
    U'H',      U'I',      U'J',      U'K',      U'L',      U'M',      U'N',      U'O',
    U'P',      U'Q',      U'R',      U'S',      U'T',      U'U',      U'V',      U'W',
    U'X',      U'Y',      U'Z',      U'\u00C4', U'\u00D6', U'\u00D1', U'\u00DC', U'\u00A7',
    U'\u00BF', U'a',      U'b',      U'c',      U'd',      U'e',      U'f',      U'g',
    U'h',      U'i',      U'j',      U'k',      U'l',      U'm',      U'n',      U'o',
    U'p',      U'q',      U'r',      U's',      U't',      U'u',      U'v',      U'w',
    U'x',      U'y',      U'z',      U'\u00E4', U'\u00F6', U'\u00F1', U'\u00FC', U'\u00E0',
};

struct Extension {
  std::uint8_t septet;
  char32_t code_point;
};

// Extension table (after ESC). 0x0D (CR2) and 0x1B (SS2) are reserved controls, not characters.
constexpr std::array<Extension, 10> kExtension = {{
    {0x0A, U'\f'},
    {0x14, U'^'},
    {0x28, U'{'},
    {0x29, U'}'},
    {0x2F, U'\\'},
    {0x3C, U'['},
    {0x3D, U'~'},
    {0x3E, U']'},
    {0x40, U'|'},
    {0x65, U'\u20AC'},
}};

// Reverse lookup for U+0000..U+03FF (Latin and Greek cover every GSM character except €),
// built once at compile time. Entry: 0 = none, else 0x80 | septet (basic) or 0x100 | septet.
constexpr std::size_t kReverseSize = 0x400;
constexpr auto kReverse = [] {
  std::array<std::uint16_t, kReverseSize> r{};
  for (std::size_t s = 0; s < kBasic.size(); ++s) {
    if (s == kGsm7Escape) continue;
    r[kBasic[s]] = static_cast<std::uint16_t>(0x80 | s);
  }
  for (const auto& e : kExtension) {
    if (e.code_point < kReverseSize) r[e.code_point] = static_cast<std::uint16_t>(0x100 | e.septet);
  }
  return r;
}();

}  // namespace

std::optional<Gsm7Code> gsm7_code(char32_t cp) {
  if (cp < kReverseSize) {
    const std::uint16_t e = kReverse[cp];
    if (e == 0) return std::nullopt;
    return Gsm7Code{static_cast<std::uint8_t>(e & 0x7F), (e & 0x100) != 0};
  }
  if (cp == U'\u20AC') return Gsm7Code{0x65, true};
  return std::nullopt;
}

std::size_t gsm7_cost(char32_t cp) {
  const auto code = gsm7_code(cp);
  return code ? code->cost() : 0;
}

tl::expected<std::size_t, TextError> gsm7_septet_count(std::string_view utf8) {
  std::size_t septets = 0;
  auto error = for_each_code_point(utf8, [&septets](char32_t cp, std::size_t at) {
    const std::size_t cost = gsm7_cost(cp);
    if (cost == 0) return std::optional(TextError{TextErrc::not_representable, at, cp});
    septets += cost;
    return std::optional<TextError>();
  });
  if (error) return tl::unexpected(*error);
  return septets;
}

tl::expected<std::vector<std::uint8_t>, TextError> gsm7_encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  auto error = for_each_code_point(utf8, [&out](char32_t cp, std::size_t at) {
    const auto code = gsm7_code(cp);
    if (!code) return std::optional(TextError{TextErrc::not_representable, at, cp});
    if (code->escaped) out.push_back(kGsm7Escape);
    out.push_back(code->septet);
    return std::optional<TextError>();
  });
  if (error) return tl::unexpected(*error);
  return out;
}

std::string gsm7_decode(std::span<const std::uint8_t> septets) {
  std::string out;
  out.reserve(septets.size());
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const std::uint8_t s = septets[i];
    if (s > 0x7F) {
      utf8_append(out, kReplacementCharacter);
      continue;
    }
    if (s != kGsm7Escape) {
      utf8_append(out, kBasic[s]);
      continue;
    }
    if (i + 1 == septets.size()) break;  // lone ESC at the end: nothing to show
    const std::uint8_t x = septets[++i];
    if (x > 0x7F) {
      utf8_append(out, kReplacementCharacter);
      continue;
    }
    char32_t cp = 0;
    for (const auto& e : kExtension) {
      if (e.septet == x) cp = e.code_point;
    }
    // Unknown extension (including CR2 and SS2): show the basic character, or a space for ESC.
    if (cp == 0) cp = x == kGsm7Escape ? U' ' : kBasic[x];
    utf8_append(out, cp);
  }
  return out;
}

std::vector<std::uint8_t> gsm7_pack(std::span<const std::uint8_t> septets, unsigned fill_bits) {
  const std::size_t bits = fill_bits + 7 * septets.size();
  std::vector<std::uint8_t> out((bits + 7) / 8, 0);
  std::size_t bit = fill_bits;
  for (std::uint8_t s : septets) {
    const unsigned v = s & 0x7F;
    const std::size_t octet = bit / 8;
    const unsigned shift = bit % 8;
    out[octet] = static_cast<std::uint8_t>(out[octet] | ((v << shift) & 0xFF));
    if (shift > 1) out[octet + 1] = static_cast<std::uint8_t>(out[octet + 1] | (v >> (8 - shift)));
    bit += 7;
  }
  return out;
}

std::vector<std::uint8_t> gsm7_unpack(std::span<const std::uint8_t> packed, unsigned fill_bits,
                                      std::optional<std::size_t> septet_count) {
  const std::size_t total_bits = packed.size() * 8;
  if (total_bits <= fill_bits) return {};
  const std::size_t available = (total_bits - fill_bits) / 7;
  const bool inferred = !septet_count.has_value();
  const std::size_t count = inferred ? available : std::min(*septet_count, available);
  std::vector<std::uint8_t> out;
  out.reserve(count);
  std::size_t bit = fill_bits;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t octet = bit / 8;
    const unsigned shift = bit % 8;
    unsigned v = packed[octet] >> shift;
    if (shift > 1) v |= static_cast<unsigned>(packed[octet + 1]) << (8 - shift);
    out.push_back(static_cast<std::uint8_t>(v & 0x7F));
    bit += 7;
  }
  // Exactly 7 spare bits at the end could hold either a real septet or padding.
  if (inferred && !out.empty() && (total_bits - fill_bits) % 7 == 0 &&
      (out.back() == 0x0D || out.back() == 0x00)) {
    out.pop_back();
  }
  return out;
}

}  // namespace smppgw::smpp
