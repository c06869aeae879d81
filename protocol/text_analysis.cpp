#include "protocol/text_analysis.hpp"

#include <cstdint>

#include "protocol/emoji_shortcodes.hpp"
#include "protocol/gsm7.hpp"
#include "protocol/ucs2.hpp"
#include "protocol/utf8.hpp"

namespace smppgw::smpp {
namespace {

// One character's position and its cost in both encodings, computed once.
struct Character {
  std::size_t offset;       // byte offset in the text
  std::uint8_t gsm7_cost;   // 0 (not representable), 1 or 2 septets
  std::uint8_t ucs2_units;  // 1 or 2 UTF-16 code units
  std::size_t cost(MessageEncoding e) const {
    return e == MessageEncoding::gsm7 ? gsm7_cost : ucs2_units;
  }
};

std::size_t single_capacity(MessageEncoding e) {
  return e == MessageEncoding::gsm7 ? kGsm7SingleSeptets : kUcs2SingleUnits;
}

std::size_t multi_capacity(MessageEncoding e) {
  return e == MessageEncoding::gsm7 ? kGsm7PartSeptets : kUcs2PartUnits;
}

}  // namespace

std::size_t TextAnalysis::part_capacity() const {
  return segments > 1 ? multi_capacity(encoding) : single_capacity(encoding);
}

tl::expected<TextAnalysis, TextError> analyze(std::string_view utf8, AnalyzeOptions options) {
  // Validate the caller's text first so that an error offset points into what they wrote.
  if (auto valid = utf8_validate(utf8); !valid) return tl::unexpected(valid.error());
  TextAnalysis a;
  a.text = options.expand_shortcodes ? expand_shortcodes(utf8) : std::string(utf8);

  std::vector<Character> chars;
  chars.reserve(a.text.size());
  bool all_gsm7 = true;
  for (std::size_t pos = 0; pos < a.text.size();) {
    const std::size_t at = pos;
    auto cp = utf8_next(a.text, pos);
    if (!cp) return tl::unexpected(cp.error());  // unreachable for validated input
    const auto septets = static_cast<std::uint8_t>(gsm7_cost(*cp));
    chars.push_back({at, septets, static_cast<std::uint8_t>(utf16_units(*cp))});
    if (septets == 0) all_gsm7 = false;
  }
  a.encoding = all_gsm7 ? MessageEncoding::gsm7 : MessageEncoding::ucs2;

  for (const auto& c : chars) a.units += c.cost(a.encoding);
  const std::size_t single = single_capacity(a.encoding);
  if (a.units == 0) {
    a.remaining = single;
    return a;
  }
  if (a.units <= single) {
    a.segments = 1;
    a.remaining = single - a.units;
    a.part_starts.push_back(0);
    return a;
  }
  // Greedy split at character boundaries: a character that does not fit whole starts a part.
  const std::size_t capacity = multi_capacity(a.encoding);
  std::size_t used = 0;
  for (const auto& c : chars) {
    const std::size_t units = c.cost(a.encoding);
    if (a.part_starts.empty() || used + units > capacity) {
      a.part_starts.push_back(c.offset);
      used = 0;
    }
    used += units;
  }
  a.segments = a.part_starts.size();
  a.remaining = capacity - used;
  return a;
}

bool exceeds_max_segments(const TextAnalysis& analysis, std::size_t max_segments) {
  return analysis.segments > max_segments || analysis.segments > kMaxUdhSegments;
}

}  // namespace smppgw::smpp
