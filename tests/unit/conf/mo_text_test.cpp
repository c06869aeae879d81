#include "conf/mo_text.hpp"

#include <gtest/gtest.h>

namespace smppgw::conf {
namespace {

struct Case {
  const char* input;
  const char* normalized;
};

TEST(MoText, NormalisesAsSpecSection4Says) {
  const Case cases[] = {
      {"STOP", "stop"},
      {"  Stop please  ", "stop please"},
      {"stop.", "stop"},
      {"STOP!!!", "stop"},
      {"stop ?", "stop"},
      {"Stop ! ", "stop"},
      {"stop all", "stop all"},
      {"STOP   \t ALL", "stop all"},
      {"OPT-OUT", "opt out"},
      {"opt_out", "opt out"},
      {"opt - out", "opt out"},
      {"\"STOP\"", "stop"},
      {"\xE2\x80\x9CStop\xE2\x80\x9D", "stop"},                                  // “Stop”
      {"\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\xAF\xEF\xBC\xB0", "stop"},              // ＳＴＯＰ
      {"\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\xAF\xEF\xBC\xB0\xEF\xBC\x81", "stop"},  // ＳＴＯＰ！
      {"STOP\xE3\x80\x80"
       "ALL",
       "stop all"},  // ideographic space
      {"\xF0\x9D\x90\x92\xF0\x9D\x90\x93\xF0\x9D\x90\x8E\xF0\x9D\x90\x8F", "stop"},  // 𝐒𝐓𝐎𝐏
      {"\xE2\x93\x88\xE2\x93\x89\xE2\x93\x84\xE2\x93\x85", "stop"},                  // ⓈⓉⓄⓅ
      {"S\xE2\x80\x8BTOP", "stop"},                                              // zero-width space
      {"STOP\xC2\xA0NOW", "stop now"},                                           // no-break space
      {"\xC3\x89T\xC3\x89", "\xC3\xA9t\xC3\xA9"},                                // ÉTÉ → été
      {"\xD0\xA1\xD0\xA2\xD0\x9E\xD0\x9F", "\xD1\x81\xD1\x82\xD0\xBE\xD0\xBF"},  // СТОП → стоп
      {"Stopping by later?", "stopping by later"},
      {"wait...", "wait"},
      {"ok\xE2\x80\xA6", "ok"},  // ellipsis
      {"", ""},
      {"   ", ""},
      {"?!.", ""},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},          // 😀 kept
      {"\xFF\xFEstop", "\xEF\xBF\xBD\xEF\xBF\xBDstop"},  // invalid UTF-8 → U+FFFD
  };
  for (const auto& c : cases) EXPECT_EQ(normalize_mo_text(c.input), c.normalized) << c.input;
}

TEST(MoText, CompactTermDropsSpaces) {
  EXPECT_EQ(compact_term("opt out"), "optout");
  EXPECT_EQ(compact_term("stop"), "stop");
}

TEST(MoText, LetterAtTellsWordsApart) {
  EXPECT_TRUE(letter_at("stopping", 4));
  EXPECT_FALSE(letter_at("stop please", 4));
  EXPECT_FALSE(letter_at("stop2", 4));
  EXPECT_FALSE(letter_at("stop", 4));
  EXPECT_TRUE(letter_at("stop\xC3\xA9", 4));           // é
  EXPECT_TRUE(letter_at("stop\xD1\x8B", 4));           // ы
  EXPECT_TRUE(letter_at("stop\xE4\xB8\xAD", 4));       // 中
  EXPECT_FALSE(letter_at("stop\xF0\x9F\x98\x80", 4));  // 😀
  EXPECT_FALSE(letter_at("stop\xE2\x9C\x8B", 4));      // ✋
  EXPECT_FALSE(letter_at("stop\xEF\xBF\xBD", 4));      // replacement character
}

}  // namespace
}  // namespace smppgw::conf
