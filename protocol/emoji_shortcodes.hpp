// `:name:` emoji shortcodes (GitHub/Slack names such as :smile:, :thumbsup:, :+1:) expanded to
// the emoji before a message is encoded (SPEC §3). The table is generated from gemoji and
// emojibase-data by tools/emoji/generate.mjs into emoji_table.inc; an unknown name stays as
// written.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smppgw::smpp {

struct EmojiShortcode {
  std::string_view name;   // without colons, e.g. "thumbsup"
  std::string_view emoji;  // UTF-8
};

// Every known name, sorted by name (byte order).
std::span<const EmojiShortcode> emoji_shortcodes();

// The emoji for a name (without colons), or nullopt.
std::optional<std::string_view> find_emoji(std::string_view name);

// Replaces each `:name:` with a known name by its emoji; everything else, including unknown
// names and lone colons ("10:30"), is copied unchanged. Names are [a-z0-9_+-]+.
std::string expand_shortcodes(std::string_view text);

}  // namespace smppgw::smpp
