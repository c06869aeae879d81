#include "protocol/emoji_shortcodes.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "protocol/utf8.hpp"

namespace smppgw::smpp {
namespace {

TEST(EmojiShortcodes, KnowsGitHubAndSlackNames) {
  EXPECT_EQ(find_emoji("smile"), "\xF0\x9F\x98\x84");
  EXPECT_EQ(find_emoji("thumbsup"), "\xF0\x9F\x91\x8D");
  EXPECT_EQ(find_emoji("+1"), "\xF0\x9F\x91\x8D");
  EXPECT_EQ(find_emoji("-1"), "\xF0\x9F\x91\x8E");
  EXPECT_EQ(find_emoji("heart"), "\xE2\x9D\xA4\xEF\xB8\x8F");
  EXPECT_EQ(find_emoji("slightly_smiling_face"), "\xF0\x9F\x99\x82");
  EXPECT_FALSE(find_emoji("no_such_emoji_name"));
  EXPECT_FALSE(find_emoji(""));
}

TEST(EmojiShortcodes, TableIsSortedValidAndLarge) {
  const auto table = emoji_shortcodes();
  EXPECT_GT(table.size(), 1500u);  // the generated data set, not a hand-typed handful
  EXPECT_TRUE(std::is_sorted(table.begin(), table.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));
  for (const auto& e : table) {
    EXPECT_TRUE(utf8_validate(e.emoji)) << e.name;
    EXPECT_EQ(e.name.find(':'), std::string_view::npos) << e.name;
    EXPECT_EQ(find_emoji(e.name), e.emoji) << e.name;
  }
}

TEST(EmojiShortcodes, ExpandsKnownNames) {
  EXPECT_EQ(expand_shortcodes("Thanks :thumbsup: see you :smile:"),
            "Thanks \xF0\x9F\x91\x8D see you \xF0\x9F\x98\x84");
  EXPECT_EQ(expand_shortcodes(":+1::heart:"), "\xF0\x9F\x91\x8D\xE2\x9D\xA4\xEF\xB8\x8F");
  // Slack's skin-tone modifier after an emoji gives the toned emoji.
  EXPECT_EQ(expand_shortcodes(":+1::skin-tone-2:"), "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBB");
}

TEST(EmojiShortcodes, LeavesUnknownNamesAndColonsAsWritten) {
  EXPECT_EQ(expand_shortcodes(":emoji: at 10:30: ok"), ":emoji: at 10:30: ok");
  EXPECT_EQ(expand_shortcodes("a: b :"), "a: b :");
  EXPECT_EQ(expand_shortcodes("::"), "::");
  EXPECT_EQ(expand_shortcodes(":Smile:"), ":Smile:");  // names are lower case
  EXPECT_EQ(expand_shortcodes(""), "");
  EXPECT_EQ(expand_shortcodes("no colons"), "no colons");
}

TEST(EmojiShortcodes, AnUnknownNameDoesNotHideTheNextShortcode) {
  EXPECT_EQ(expand_shortcodes(":foo:smile:"), ":foo\xF0\x9F\x98\x84");
  EXPECT_EQ(expand_shortcodes("::smile:"), ":\xF0\x9F\x98\x84");
  EXPECT_EQ(expand_shortcodes("time 10:30 :smile:"), "time 10:30 \xF0\x9F\x98\x84");
}

TEST(EmojiShortcodes, ExpandingTwiceChangesNothingMore) {
  // The dispatcher analyzes the stored (already expanded) text again before sending.
  const char* pieces[] = {":", "smile", "+1", "one", "10", "x", " ", "::", "heart", "-"};
  std::uint32_t seed = 3;
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    for (int i = 0; i < 8; ++i) {
      seed = seed * 1664525u + 1013904223u;
      s += pieces[(seed >> 16) % std::size(pieces)];
    }
    const std::string once = expand_shortcodes(s);
    EXPECT_EQ(expand_shortcodes(once), once) << s;
  }
}

}  // namespace
}  // namespace smppgw::smpp
