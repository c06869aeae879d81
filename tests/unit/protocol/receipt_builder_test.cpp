// protocol/receipt_builder: the receipt deliver_sm an SMSC sends, read back with
// parse_delivery_receipt and checked field by field.
#include "protocol/receipt_builder.hpp"

#include <gtest/gtest.h>

#include "protocol/delivery_receipt.hpp"

namespace smppgw::smpp {
namespace {

using std::chrono::system_clock;

ReceiptFields delivered_fields() {
  ReceiptFields f;
  f.message_id = "4711-2";
  f.submit_source = Address{1, 1, "14155550100"};
  f.submit_destination = Address{3, 0, "12345"};
  f.submitted_at = system_clock::from_time_t(1700000000);  // 2023-11-14 22:13:20 UTC
  f.done_at = system_clock::from_time_t(1700000100);
  f.stat = std::string(stat_code(MessageState::delivered));
  f.message_state = static_cast<std::uint8_t>(MessageState::delivered);
  f.original_text = "Hello from the clinic, see you at 5";
  return f;
}

TEST(ReceiptBuilder, DeliveredReceiptGoesBackToTheSubmitterAndParses) {
  const auto pdu = build_delivery_receipt(delivered_fields());
  EXPECT_EQ(pdu.source.addr, "12345");
  EXPECT_EQ(pdu.source.ton, 3);
  EXPECT_EQ(pdu.destination.addr, "14155550100");
  EXPECT_EQ(pdu.esm_class, esm::smsc_delivery_receipt);
  EXPECT_EQ(pdu.data_coding, 0);
  EXPECT_EQ(pdu.tlvs.receipted_message_id, "4711-2");
  EXPECT_EQ(pdu.tlvs.message_state, static_cast<std::uint8_t>(MessageState::delivered));
  const std::string text(pdu.short_message.begin(), pdu.short_message.end());
  EXPECT_EQ(text,
            "id:4711-2 sub:001 dlvrd:001 submit date:2311142213 done date:2311142215 "
            "stat:DELIVRD err:000 text:Hello from the clini");
  auto parsed = parse_delivery_receipt(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->id, "4711-2");
  EXPECT_EQ(parsed->state, MessageState::delivered);
  EXPECT_EQ(parsed->delivered, 1u);
  EXPECT_EQ(parsed->error, "000");
}

TEST(ReceiptBuilder, FailureCountsNothingDeliveredAndKeepsItsStatAndError) {
  auto f = delivered_fields();
  f.stat = "UNDELIV";
  f.message_state = static_cast<std::uint8_t>(MessageState::undeliverable);
  f.err = "034";
  const auto pdu = build_delivery_receipt(f);
  auto parsed = parse_delivery_receipt(std::string_view(
      reinterpret_cast<const char*>(pdu.short_message.data()), pdu.short_message.size()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->delivered, 0u);
  EXPECT_EQ(parsed->state, MessageState::undeliverable);
  EXPECT_EQ(parsed->error, "034");
}

TEST(ReceiptBuilder, ExcerptIsPlainAsciiWhateverTheOriginalText) {
  auto f = delivered_fields();
  f.original_text = "Caf\xC3\xA9 @ 5$ \xF0\x9F\x98\x80 ok_go";  // é, @, $, 😀, _
  const auto pdu = build_delivery_receipt(f);
  const std::string text(pdu.short_message.begin(), pdu.short_message.end());
  EXPECT_EQ(text.substr(text.find("text:")), "text:Caf? ? 5? ? ok?go");
}

}  // namespace
}  // namespace smppgw::smpp
