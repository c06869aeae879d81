#include "protocol/delivery_receipt.hpp"

#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

DeliveryReceipt parsed(std::string_view text) {
  auto r = parse_delivery_receipt(text);
  EXPECT_TRUE(r) << text;
  return r ? *r : DeliveryReceipt{};
}

TEST(DeliveryReceipt, ParsesTheAppendixBForm) {
  const auto r = parsed(
      "id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done date:2511241531 stat:DELIVRD "
      "err:000 text:Hello");
  EXPECT_EQ(r.id, "5F2A01");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.submit_date, "2511241530");
  EXPECT_EQ(r.done_date, "2511241531");
  EXPECT_EQ(r.stat, "DELIVRD");
  EXPECT_EQ(r.state, MessageState::delivered);
  EXPECT_EQ(r.error, "000");
  EXPECT_EQ(r.text, "Hello");
}

TEST(DeliveryReceipt, ToleratesCaseAndExtraSpaces) {
  const auto r = parsed(
      "ID: 870928761  Sub:001   DLVRD:000 Submit  Date:251124153012 done_date:251124153100 "
      "Stat: undeliv  Err:  012 Text:  two  spaces");
  EXPECT_EQ(r.id, "870928761");
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.submit_date, "251124153012");
  EXPECT_EQ(r.done_date, "251124153100");
  EXPECT_EQ(r.stat, "undeliv");
  EXPECT_EQ(r.state, MessageState::undeliverable);
  EXPECT_EQ(r.error, "012");
  EXPECT_EQ(r.text, " two  spaces");
}

TEST(DeliveryReceipt, ToleratesMissingAndReorderedFields) {
  const auto r = parsed("stat:EXPIRED id:abc-123-DEF");
  EXPECT_EQ(r.id, "abc-123-DEF");
  EXPECT_EQ(r.state, MessageState::expired);
  EXPECT_FALSE(r.submitted);
  EXPECT_TRUE(r.submit_date.empty());
  EXPECT_TRUE(r.text.empty());
  const auto bare = parsed("id:42");
  EXPECT_EQ(bare.id, "42");
  EXPECT_EQ(bare.state, MessageState::unknown);
}

TEST(DeliveryReceipt, TextTakesTheRestOfTheString) {
  const auto r = parsed("id:1 stat:DELIVRD err:000 text:see stat:REJECTD id:2 later");
  EXPECT_EQ(r.id, "1");
  EXPECT_EQ(r.state, MessageState::delivered);
  EXPECT_EQ(r.text, "see stat:REJECTD id:2 later");
  EXPECT_EQ(parsed("id:1 text:").text, "");
}

TEST(DeliveryReceipt, KeysMustStartAWord) {
  const auto r = parsed("id:77 stat:DELIVRD xerr:5");
  EXPECT_EQ(r.stat, "DELIVRD xerr:5");  // "xerr:" is not a key; it stays in the value
  EXPECT_TRUE(r.error.empty());
}

TEST(DeliveryReceipt, RequiresAnId) {
  auto r = parse_delivery_receipt("sub:001 dlvrd:001 stat:DELIVRD");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, TextErrc::invalid_receipt);
  EXPECT_FALSE(parse_delivery_receipt(""));
  EXPECT_FALSE(parse_delivery_receipt("hello there"));
  EXPECT_FALSE(parse_delivery_receipt("id: sub:001 stat:DELIVRD"));  // empty id
}

TEST(DeliveryReceipt, SurvivesArbitraryText) {
  // Fragments of real receipts glued at random: the scanner must not crash or misread.
  const char* pieces[] = {
      "id:",  "ID:",   " ", "sub:", "dlvrd:", "submit date:", "done", " date:", "stat:", "DELIVRD",
      "err:", "text:", ":", "0",    "5F",     "\xC3\xA9",     "  ",   "_",      "x"};
  std::uint32_t seed = 7;
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    const int n = static_cast<int>(seed % 12);
    for (int i = 0; i < n; ++i) {
      seed = seed * 1664525u + 1013904223u;
      s += pieces[(seed >> 16) % std::size(pieces)];
    }
    seed = seed * 1664525u + 1013904223u;
    auto r = parse_delivery_receipt(s);
    if (r) {
      EXPECT_FALSE(r->id.empty()) << s;
      EXPECT_NE(s.find(r->id), std::string::npos) << s;
    }
  }
}

TEST(DeliveryReceipt, MapsEveryStatValue) {
  const std::pair<const char*, MessageState> cases[] = {
      {"DELIVRD", MessageState::delivered}, {"EXPIRED", MessageState::expired},
      {"DELETED", MessageState::deleted},   {"UNDELIV", MessageState::undeliverable},
      {"ACCEPTD", MessageState::accepted},  {"UNKNOWN", MessageState::unknown},
      {"REJECTD", MessageState::rejected},  {"ENROUTE", MessageState::enroute},
  };
  for (const auto& [stat, state] : cases) {
    EXPECT_EQ(message_state_from_stat(stat), state) << stat;
    EXPECT_EQ(stat_code(state), stat);
    EXPECT_EQ(parsed(std::string("id:1 stat:") + stat + " err:000").state, state) << stat;
  }
  EXPECT_EQ(message_state_from_stat("delivered"), MessageState::delivered);
  EXPECT_EQ(message_state_from_stat("FAILED"), MessageState::undeliverable);
  EXPECT_EQ(message_state_from_stat("WHATEVER"), MessageState::unknown);
  EXPECT_EQ(message_state_from_stat(""), MessageState::unknown);
}

TEST(DeliveryReceipt, MapsMessageStateTlvValues) {
  EXPECT_EQ(message_state_from_value(1), MessageState::enroute);
  EXPECT_EQ(message_state_from_value(2), MessageState::delivered);
  EXPECT_EQ(message_state_from_value(5), MessageState::undeliverable);
  EXPECT_EQ(message_state_from_value(8), MessageState::rejected);
  EXPECT_EQ(message_state_from_value(0), MessageState::scheduled);
  EXPECT_EQ(message_state_from_value(9), MessageState::skipped);
  EXPECT_FALSE(message_state_from_value(10));
  EXPECT_FALSE(message_state_from_value(255));
}

TEST(DeliveryReceipt, OutcomesForTheOutbox) {
  EXPECT_EQ(delivery_outcome(MessageState::enroute), DeliveryOutcome::pending);
  EXPECT_EQ(delivery_outcome(MessageState::delivered), DeliveryOutcome::delivered);
  EXPECT_EQ(delivery_outcome(MessageState::accepted), DeliveryOutcome::delivered);
  EXPECT_EQ(delivery_outcome(MessageState::expired), DeliveryOutcome::expired);
  EXPECT_EQ(delivery_outcome(MessageState::undeliverable), DeliveryOutcome::failed);
  EXPECT_EQ(delivery_outcome(MessageState::rejected), DeliveryOutcome::failed);
  EXPECT_EQ(delivery_outcome(MessageState::unknown), DeliveryOutcome::failed);
  EXPECT_EQ(delivery_outcome(MessageState::deleted), DeliveryOutcome::failed);
}

TEST(MessageId, HexFromSubmitRespMatchesDecimalInReceipt) {
  EXPECT_EQ(canonical_message_id("5F2A01"), "6236673");
  EXPECT_EQ(canonical_message_id("6236673"), "6236673");
  EXPECT_EQ(canonical_message_id("33E95179"), canonical_message_id("870928761"));
  EXPECT_TRUE(message_ids_match("5F2A01", "6236673"));
  EXPECT_TRUE(message_ids_match("6236673", "5F2A01"));
  EXPECT_TRUE(message_ids_match("33E95179", "870928761"));
}

TEST(MessageId, PaddingCaseAndSpacesDoNotMatter) {
  EXPECT_EQ(canonical_message_id("0006236673"), "6236673");
  EXPECT_EQ(canonical_message_id(" 5f2a01 "), "6236673");
  EXPECT_EQ(canonical_message_id("005F2A01"), "6236673");
  EXPECT_TRUE(message_ids_match("0000000255", "ff"));
  EXPECT_TRUE(message_ids_match("ABCDEF", "abcdef"));
}

TEST(MessageId, AllDigitHexIdsNeedTheLinkFormat) {
  // "123456" from submit_sm_resp meaning 0x123456; the receipt says 1193046.
  EXPECT_NE(canonical_message_id("123456"), canonical_message_id("1193046"));
  EXPECT_EQ(canonical_message_id("123456", MessageIdFormat::hexadecimal),
            canonical_message_id("1193046", MessageIdFormat::decimal));
  EXPECT_TRUE(message_ids_match("123456", "1193046"));
}

TEST(MessageId, NonNumericAndHugeIdsStayOpaque) {
  EXPECT_EQ(canonical_message_id("MSG-00A1-Z"), "msg-00a1-z");
  EXPECT_EQ(canonical_message_id("5F2A01", MessageIdFormat::opaque), "5f2a01");
  EXPECT_EQ(canonical_message_id("12G4", MessageIdFormat::hexadecimal), "12g4");
  // 80 bits: does not fit 64, compared as written (lower case).
  EXPECT_EQ(canonical_message_id("FFFFFFFFFFFFFFFFFFFF"), "ffffffffffffffffffff");
  EXPECT_FALSE(message_ids_match("msg-1", "msg-2"));
  EXPECT_FALSE(message_ids_match("5F2A01", "6236674"));
  EXPECT_EQ(message_id_candidates("10"), (std::vector<std::string>{"10", "16"}));
}

}  // namespace
}  // namespace smppgw::smpp
