#include "protocol/segmenter.hpp"

#include <gtest/gtest.h>

#include "protocol/message_text.hpp"
#include "protocol/user_data_header.hpp"

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

SegmentedMessage segmented(std::string_view text, std::uint8_t reference = 0x2A) {
  auto a = analyze(text);
  EXPECT_TRUE(a);
  auto s = segment(*a, reference);
  EXPECT_TRUE(s);
  return s ? *s : SegmentedMessage{};
}

// Parts without their UDH, decoded again: must give back the analyzed text.
std::string decode_back(const SegmentedMessage& m) {
  std::vector<MessagePayload> payloads;
  const std::size_t udh = m.parts.size() > 1 ? kConcatUdh8Octets : 0;
  for (const auto& p : m.parts) payloads.push_back({Bytes(p.begin() + udh, p.end()), udh});
  return decode_message_parts(m.data_coding, payloads).text;
}

TEST(Segmenter, SingleGsm7PartHasNoUdh) {
  const auto m = segmented("hello");
  EXPECT_EQ(m.data_coding, 0x00);
  EXPECT_EQ(m.esm_class_flags, 0x00);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0], (Bytes{0x68, 0x65, 0x6C, 0x6C, 0x6F}));
}

TEST(Segmenter, ExactlyOneFullMessage) {
  const auto m = segmented(repeat("a", 160));
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0].size(), 160u);
}

TEST(Segmenter, LongGsm7TextGetsAn8BitReferenceUdh) {
  const auto m = segmented(repeat("a", 161), 0x2A);
  EXPECT_EQ(m.esm_class_flags, kEsmClassUdhi);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(Bytes(m.parts[0].begin(), m.parts[0].begin() + 6),
            (Bytes{0x05, 0x00, 0x03, 0x2A, 0x02, 0x01}));
  EXPECT_EQ(Bytes(m.parts[1].begin(), m.parts[1].begin() + 6),
            (Bytes{0x05, 0x00, 0x03, 0x2A, 0x02, 0x02}));
  EXPECT_EQ(m.parts[0].size(), 6u + 153);
  EXPECT_EQ(m.parts[1].size(), 6u + 8);
  EXPECT_EQ(decode_back(m), repeat("a", 161));
}

TEST(Segmenter, EscapePairStaysInOnePart) {
  const std::string text = repeat("a", 152) + "\xE2\x82\xAC" + repeat("b", 10);
  const auto m = segmented(text);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].size(), 6u + 152);
  EXPECT_NE(m.parts[0].back(), 0x1B);
  EXPECT_EQ(m.parts[1][6], 0x1B);
  EXPECT_EQ(m.parts[1][7], 0x65);
  EXPECT_EQ(decode_back(m), text);
}

TEST(Segmenter, Ucs2PartsHold67Units) {
  const std::string text = repeat("\xD0\xB4", 71);
  const auto m = segmented(text);
  EXPECT_EQ(m.data_coding, 0x08);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].size(), 6u + 134);
  EXPECT_EQ(m.parts[1].size(), 6u + 8);
  EXPECT_EQ(decode_back(m), text);
}

TEST(Segmenter, SurrogatePairStaysInOnePart) {
  const std::string text = repeat("\xD0\xB4", 66) + "\xF0\x9F\x98\x80" + repeat("\xD0\xB4", 5);
  const auto m = segmented(text);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].size(), 6u + 132);
  EXPECT_EQ(Bytes(m.parts[1].begin() + 6, m.parts[1].begin() + 10),
            (Bytes{0xD8, 0x3D, 0xDE, 0x00}));
  EXPECT_EQ(decode_back(m), text);
}

TEST(Segmenter, EveryPartFitsOneSms) {
  const std::string text = repeat("x{", 400) + repeat("y", 7);
  const auto m = segmented(text);
  for (const auto& p : m.parts) EXPECT_LE(p.size(), 6u + 153);
  EXPECT_EQ(decode_back(m), text);
}

TEST(Segmenter, RefusesMoreThan255Parts) {
  auto a = analyze(repeat("a", 153 * 255 + 1));
  ASSERT_TRUE(a);
  auto s = segment(*a, 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, TextErrc::too_many_segments);
}

TEST(Segmenter, EmptyTextHasNoParts) {
  EXPECT_TRUE(segmented("").parts.empty());
}

}  // namespace
}  // namespace smppgw::smpp
