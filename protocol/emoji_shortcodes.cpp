#include "protocol/emoji_shortcodes.hpp"

#include <algorithm>
#include <array>

namespace smppgw::smpp {
namespace {

constexpr EmojiShortcode kTable[] = {
#include "protocol/emoji_table.inc"
};

// The generator sorts; check it here so that a hand edit cannot break the binary search.
constexpr bool sorted_by_name() {
  for (std::size_t i = 1; i < std::size(kTable); ++i) {
    if (!(kTable[i - 1].name < kTable[i].name)) return false;
  }
  return true;
}
static_assert(sorted_by_name(), "emoji_table.inc must be sorted by name; regenerate it");

// Longest name in the data is well below this; it bounds the scan after a ':'.
constexpr std::size_t kMaxNameLength = 64;

constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
}

}  // namespace

std::span<const EmojiShortcode> emoji_shortcodes() {
  return kTable;
}

std::optional<std::string_view> find_emoji(std::string_view name) {
  const auto* it =
      std::lower_bound(std::begin(kTable), std::end(kTable), name,
                       [](const EmojiShortcode& e, std::string_view n) { return e.name < n; });
  if (it == std::end(kTable) || it->name != name) return std::nullopt;
  return it->emoji;
}

std::string expand_shortcodes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) break;
    out.append(text, pos, colon - pos);
    std::size_t end = colon + 1;
    while (end < text.size() && end - colon <= kMaxNameLength && is_name_char(text[end])) ++end;
    if (end < text.size() && text[end] == ':' && end > colon + 1) {
      if (auto emoji = find_emoji(text.substr(colon + 1, end - colon - 1))) {
        out.append(*emoji);
        pos = end + 1;
        continue;
      }
    }
    // Not a known shortcode: keep the text up to (not including) the next ':', which may open
    // a real shortcode (":foo:smile:").
    out.append(text, colon, end - colon);
    pos = end;
  }
  out.append(text, pos, std::string_view::npos);
  return out;
}

}  // namespace smppgw::smpp
