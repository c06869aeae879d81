// Keyword-matching normalisation of MO text (SPEC §4). See mo_text.hpp for the rules; the
// folding tables below are deliberately small and explicit rather than a full Unicode
// database: they cover the forms subscribers' phones produce (full-width keyboards, styled
// "fancy text" letters, accented Latin, Greek, Cyrillic).
#include "conf/mo_text.hpp"

namespace smppgw::conf {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `i`, advancing it; malformed input yields U+FFFD and advances by
// one byte so that decoding always progresses.
char32_t decode(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return kReplacement;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

void encode(char32_t cp, std::string& out) {
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

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == '-' || cp == '_';
}

bool is_invisible(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD ||
         (cp >= 0xFE00 && cp <= 0xFE0F);  // variation selectors
}

bool is_quote(char32_t cp) {
  return cp == '"' || cp == '\'' || cp == '`' || cp == 0xAB || cp == 0xBB ||
         (cp >= 0x2018 && cp <= 0x201F);
}

bool is_trailing_punct(char32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

// Look-alike forms → ASCII, then lower case.
char32_t fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;  // full-width ASCII
  if (cp >= 0x1D400 && cp <= 0x1D6A3) {                       // mathematical A-Z a-z styles
    const char32_t k = (cp - 0x1D400) % 52;
    cp = k < 26 ? U'a' + k : U'a' + (k - 26);
  }
  if (cp >= 0x24B6 && cp <= 0x24CF) cp = U'a' + (cp - 0x24B6);     // Ⓐ..Ⓩ
  if (cp >= 0x24D0 && cp <= 0x24E9) cp = U'a' + (cp - 0x24D0);     // ⓐ..ⓩ
  if (cp >= 0x1F130 && cp <= 0x1F149) cp = U'a' + (cp - 0x1F130);  // squared Latin
  if (cp >= 0x1F170 && cp <= 0x1F189) cp = U'a' + (cp - 0x1F170);  // negative squared Latin
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x80) return cp;
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;  // Latin-1 capitals
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
      cp != 0x178 && cp != 0x17F) {
    // Latin Extended-A pairs: even capital/odd small, except 0x139..0x148 and 0x179..0x17E
    // where the pairs start on odd code points.
    const bool odd_pairs = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_pairs ? (cp % 2 == 1) : (cp % 2 == 0)) return cp + 1;
    return cp;
  }
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek capitals
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic А..Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                 // Cyrillic Ѐ..Џ
  return cp;
}

bool is_letter_cp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp == kReplacement) return false;
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  // Punctuation, symbols, arrows, box drawing, dingbats, CJK punctuation, private use,
  // specials, emoji and pictographs, variation selectors: not letters.
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;
  if (cp >= 0xFE00 && cp <= 0xFE6F) return false;
  if (cp >= 0xFF00 && cp <= 0xFF20) return false;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;
  if (cp >= 0xE0000) return false;
  return true;
}

}  // namespace

std::string normalize_mo_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = decode(text, i);
    if (is_invisible(cp)) continue;
    if (cp == 0x3000) cp = ' ';
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (out.empty() && is_quote(cp)) continue;  // leading quote marks
    if (pending_space) out.push_back(' ');
    pending_space = false;
    encode(fold(cp), out);
  }
  // Trailing quote marks, punctuation and spaces, in any order ("STOP!!", "stop ?", "'stop.'").
  for (;;) {
    if (out.empty()) break;
    std::size_t start = out.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) --start;
    std::size_t j = start;
    const char32_t last = decode(out, j);
    if (last == ' ' || is_trailing_punct(last) || is_quote(last)) {
      out.resize(start);
    } else {
      break;
    }
  }
  return out;
}

std::string compact_term(std::string_view normalized) {
  std::string out;
  out.reserve(normalized.size());
  for (char c : normalized)
    if (c != ' ') out.push_back(c);
  return out;
}

bool letter_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return false;
  return is_letter_cp(decode(text, offset));
}

}  // namespace smppgw::conf
