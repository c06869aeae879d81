#include "protocol/text_analysis.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kEuro = "\xE2\x82\xAC";          // extension table: 2 septets
const std::string kCyrillicDe = "\xD0\xB4";        // д: not GSM, 1 UCS-2 unit
const std::string kGrinning = "\xF0\x9F\x98\x80";  // U+1F600: 2 UCS-2 units

TextAnalysis analyzed(std::string_view text, AnalyzeOptions options = {}) {
  auto a = analyze(text, options);
  EXPECT_TRUE(a) << (a ? "" : a.error().message());
  return a ? *a : TextAnalysis{};
}

TEST(TextAnalysis, EmptyTextHasNoSegmentsAndAFullWindow) {
  const auto a = analyzed("");
  EXPECT_EQ(a.encoding, MessageEncoding::gsm7);
  EXPECT_EQ(a.units, 0u);
  EXPECT_EQ(a.segments, 0u);
  EXPECT_EQ(a.remaining, 160u);
  EXPECT_TRUE(a.part_starts.empty());
}

TEST(TextAnalysis, Gsm7SingleMessageHolds160Septets) {
  const auto a = analyzed(repeat("a", 160));
  EXPECT_EQ(a.encoding, MessageEncoding::gsm7);
  EXPECT_EQ(a.units, 160u);
  EXPECT_EQ(a.segments, 1u);
  EXPECT_EQ(a.remaining, 0u);
}

TEST(TextAnalysis, Gsm7At161SeptetsSplitsInto153PerPart) {
  const auto a = analyzed(repeat("a", 161));
  EXPECT_EQ(a.units, 161u);
  EXPECT_EQ(a.segments, 2u);
  EXPECT_EQ(a.remaining, 153u * 2 - 161);
  EXPECT_EQ(a.part_starts, (std::vector<std::size_t>{0, 153}));
  EXPECT_EQ(a.part_capacity(), 153u);
  EXPECT_EQ(analyzed(repeat("a", 306)).segments, 2u);
  EXPECT_EQ(analyzed(repeat("a", 306)).remaining, 0u);
  EXPECT_EQ(analyzed(repeat("a", 307)).segments, 3u);
  EXPECT_EQ(analyzed(repeat("a", 307)).remaining, 152u);
}

TEST(TextAnalysis, ExtensionCharactersCountTwo) {
  const auto a = analyzed("{}[]");
  EXPECT_EQ(a.encoding, MessageEncoding::gsm7);
  EXPECT_EQ(a.units, 8u);
  EXPECT_EQ(a.remaining, 152u);
  // 158 + € = 160 still fits one message; 159 + € = 161 does not.
  EXPECT_EQ(analyzed(repeat("a", 158) + kEuro).segments, 1u);
  EXPECT_EQ(analyzed(repeat("a", 159) + kEuro).segments, 2u);
  EXPECT_EQ(analyzed(repeat("a", 159) + kEuro).units, 161u);
}

TEST(TextAnalysis, ExtensionCharacterIsNotSplitAcrossParts) {
  // 152 septets then € (2): it would straddle 153, so part 2 starts with it.
  const std::string text = repeat("a", 152) + kEuro + repeat("b", 10);
  const auto a = analyzed(text);
  EXPECT_EQ(a.units, 164u);
  EXPECT_EQ(a.segments, 2u);
  EXPECT_EQ(a.part_starts, (std::vector<std::size_t>{0, 152}));
  EXPECT_EQ(a.remaining, 153u - 12);
  // Part 1 carries 152 septets, so 2 × 153 = 306 septets may need 3 parts.
  const auto b = analyzed(repeat("a", 152) + kEuro + repeat("b", 152));
  EXPECT_EQ(b.units, 306u);
  EXPECT_EQ(b.segments, 3u);
}

TEST(TextAnalysis, Ucs2SingleMessageHolds70Units) {
  const auto a = analyzed(repeat(kCyrillicDe, 70));
  EXPECT_EQ(a.encoding, MessageEncoding::ucs2);
  EXPECT_EQ(a.units, 70u);
  EXPECT_EQ(a.segments, 1u);
  EXPECT_EQ(a.remaining, 0u);
}

TEST(TextAnalysis, Ucs2At71UnitsSplitsInto67PerPart) {
  const auto a = analyzed(repeat(kCyrillicDe, 71));
  EXPECT_EQ(a.segments, 2u);
  EXPECT_EQ(a.remaining, 67u * 2 - 71);
  EXPECT_EQ(a.part_starts, (std::vector<std::size_t>{0, 67 * 2}));
  EXPECT_EQ(analyzed(repeat(kCyrillicDe, 134)).segments, 2u);
  EXPECT_EQ(analyzed(repeat(kCyrillicDe, 135)).segments, 3u);
}

TEST(TextAnalysis, EmojiCostTwoUcs2Units) {
  const auto a = analyzed("Hi " + kGrinning);
  EXPECT_EQ(a.encoding, MessageEncoding::ucs2);
  EXPECT_EQ(a.units, 5u);
  EXPECT_EQ(a.remaining, 65u);
  EXPECT_EQ(analyzed(repeat(kGrinning, 35)).segments, 1u);
  EXPECT_EQ(analyzed(repeat(kGrinning, 36)).segments, 2u);
}

TEST(TextAnalysis, SurrogatePairIsNotSplitAcrossParts) {
  // 66 units then an emoji (2): it would straddle 67, so part 2 starts with it.
  const std::string text = repeat(kCyrillicDe, 66) + kGrinning + repeat(kCyrillicDe, 5);
  const auto a = analyzed(text);
  EXPECT_EQ(a.units, 73u);
  EXPECT_EQ(a.segments, 2u);
  EXPECT_EQ(a.part_starts, (std::vector<std::size_t>{0, 66 * 2}));
  EXPECT_EQ(a.remaining, 67u - 7);
}

TEST(TextAnalysis, OneNonGsmCharacterMakesTheWholeTextUcs2) {
  const auto a = analyzed(repeat("a", 100) + kCyrillicDe);
  EXPECT_EQ(a.encoding, MessageEncoding::ucs2);
  EXPECT_EQ(a.units, 101u);
  EXPECT_EQ(a.segments, 2u);
  // An extension character costs 1 unit in UCS-2.
  EXPECT_EQ(analyzed(kEuro + kCyrillicDe).units, 2u);
}

TEST(TextAnalysis, ExpandsShortcodesBeforeCounting) {
  const auto a = analyzed("Hi :smile:");
  EXPECT_EQ(a.text, "Hi \xF0\x9F\x98\x84");
  EXPECT_EQ(a.encoding, MessageEncoding::ucs2);
  EXPECT_EQ(a.units, 5u);
  const auto unknown = analyzed("Hi :nosuchname:");
  EXPECT_EQ(unknown.text, "Hi :nosuchname:");
  EXPECT_EQ(unknown.encoding, MessageEncoding::gsm7);
  const auto raw = analyzed("Hi :smile:", {.expand_shortcodes = false});
  EXPECT_EQ(raw.encoding, MessageEncoding::gsm7);
  EXPECT_EQ(raw.units, 10u);
}

TEST(TextAnalysis, RejectsInvalidUtf8) {
  auto a = analyze(":smile: ok \xC0\xAF");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, TextErrc::invalid_utf8);
  EXPECT_EQ(a.error().offset, 11u);  // in the caller's text, before expansion
}

TEST(TextAnalysis, MaxSegments) {
  EXPECT_FALSE(exceeds_max_segments(analyzed(repeat("a", 1530))));  // 10 × 153
  EXPECT_TRUE(exceeds_max_segments(analyzed(repeat("a", 1531))));
  EXPECT_FALSE(exceeds_max_segments(analyzed(repeat("a", 1531)), 11));
  EXPECT_TRUE(exceeds_max_segments(analyzed(repeat("a", 161)), 1));
  EXPECT_TRUE(exceeds_max_segments(analyzed(repeat("a", 153 * 256)), 1000));  // UDH limit
}

}  // namespace
}  // namespace smppgw::smpp
