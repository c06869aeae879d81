#include "tools/sim/delivery_receipt_builder.hpp"

#include <gtest/gtest.h>

#include "protocol/delivery_receipt.hpp"

namespace smppgw::sim {
namespace {

TEST(DeliveryReceiptBuilder, MessageIdRenderings) {
  EXPECT_EQ(format_message_id(0xA0000000, IdFormat::hex), "A0000000");
  EXPECT_EQ(format_message_id(0xA0000000, IdFormat::dec), "2684354560");
  // The daemon's matcher sees both renderings as one id.
  EXPECT_TRUE(smpp::message_ids_match("A0000000", "2684354560"));
}

TEST(DeliveryReceiptBuilder, ReceiptParsesBackWithTheProtocolLibrary) {
  ReceiptInput in;
  in.message_id = "A0000003";
  in.submit_source = {3, 0, "12345"};
  in.submit_destination = {1, 1, "14155550100"};
  in.submitted_at = std::chrono::sys_days{std::chrono::November / 24 / 2025} +
                    std::chrono::hours(15) + std::chrono::minutes(30);
  in.done_at = in.submitted_at + std::chrono::minutes(1);
  in.stat = *find_receipt_stat("UNDELIV");
  in.err = "001";
  in.original_text = "Welcome to Spring deals! Reply STOP to end";
  const auto pdu = build_delivery_receipt(in);
  EXPECT_EQ(pdu.esm_class, 0x04);
  EXPECT_EQ(pdu.source.addr, "14155550100");
  EXPECT_EQ(pdu.destination.addr, "12345");
  EXPECT_EQ(pdu.tlvs.receipted_message_id, "A0000003");
  EXPECT_EQ(pdu.tlvs.message_state, 5);
  const std::string text(pdu.short_message.begin(), pdu.short_message.end());
  EXPECT_EQ(text,
            "id:A0000003 sub:001 dlvrd:000 submit date:2511241530 done date:2511241531 "
            "stat:UNDELIV err:001 text:Welcome to Spring de");
  auto parsed = smpp::parse_delivery_receipt(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->id, "A0000003");
  EXPECT_EQ(parsed->state, smpp::MessageState::undeliverable);
  EXPECT_EQ(parsed->error, "001");
}

TEST(DeliveryReceiptBuilder, NonAsciiTextIsReplaced) {
  ReceiptInput in;
  in.message_id = "1";
  in.stat = *find_receipt_stat("DELIVRD");
  in.err = "000";
  in.original_text = "caf\xc3\xa9 @home";
  const auto pdu = build_delivery_receipt(in);
  const std::string text(pdu.short_message.begin(), pdu.short_message.end());
  EXPECT_NE(text.find("dlvrd:001"), std::string::npos);
  EXPECT_NE(text.find("text:caf? ?home"), std::string::npos) << text;
}

TEST(ReceiptStat, Table) {
  EXPECT_EQ(find_receipt_stat("DELIVRD")->message_state, 2);
  EXPECT_TRUE(find_receipt_stat("ACCEPTD")->success);
  EXPECT_FALSE(find_receipt_stat("REJECTD")->success);
  EXPECT_EQ(find_receipt_stat("REJECTD")->message_state, 8);
  EXPECT_FALSE(find_receipt_stat("delivrd"));
}

}  // namespace
}  // namespace smppgw::sim
