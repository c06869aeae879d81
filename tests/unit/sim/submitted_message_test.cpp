#include "tools/sim/submitted_message.hpp"

#include <gtest/gtest.h>

namespace smppgw::sim {
namespace {

smpp::SubmitSm submit(smpp::Bytes sm, std::uint8_t dcs, std::uint8_t esm) {
  smpp::SubmitSm s;
  s.source = {3, 0, "12345"};
  s.destination = {1, 1, "14155550100"};
  s.short_message = std::move(sm);
  s.data_coding = dcs;
  s.esm_class = esm;
  return s;
}

TEST(SubmittedMessage, InternationalNumbersGetAPlus) {
  const auto m = describe_submit(submit({'H', 'i'}, 0, 0));
  EXPECT_EQ(m.from, "12345");
  EXPECT_EQ(m.to, "+14155550100");
  EXPECT_EQ(m.text, "Hi");
  EXPECT_FALSE(m.concat);
  EXPECT_EQ(address_text({1, 1, "+1415"}), "+1415");
  EXPECT_EQ(address_text({0, 1, "1415"}), "1415");
}

TEST(SubmittedMessage, Gsm7WithUdh) {
  const auto m = describe_submit(submit({5, 0, 3, 9, 3, 2, 'a', 0x1B, 0x65}, 0, 0x40));
  ASSERT_TRUE(m.concat);
  EXPECT_EQ(m.concat->reference, 9);
  EXPECT_EQ(m.concat->total, 3);
  EXPECT_EQ(m.concat->sequence, 2);
  EXPECT_EQ(m.text, "a€");
}

TEST(SubmittedMessage, Ucs2) {
  const auto m = describe_submit(submit({0x00, 'h', 0xD8, 0x3D, 0xDE, 0x00}, 8, 0));
  EXPECT_EQ(m.text, "h😀");
}

TEST(SubmittedMessage, SarTlvsAndPayload) {
  auto s = submit({}, 0, 0);
  s.tlvs.message_payload = smpp::Bytes{'l', 'o', 'n', 'g'};
  s.tlvs.sar_msg_ref_num = 300;
  s.tlvs.sar_total_segments = 2;
  s.tlvs.sar_segment_seqnum = 1;
  const auto m = describe_submit(s);
  EXPECT_EQ(m.text, "long");
  ASSERT_TRUE(m.concat);
  EXPECT_EQ(m.concat->reference, 300);
}

TEST(SubmittedMessage, BinaryIsHexAndBadUdhIsFlagged) {
  EXPECT_EQ(describe_submit(submit({0xCA, 0xFE}, 4, 0)).text, "cafe");
  const auto m = describe_submit(submit({9, 0, 3}, 0, 0x40));
  EXPECT_TRUE(m.udh_malformed);
  EXPECT_FALSE(m.concat);
}

TEST(SubmittedMessage, DataSm) {
  smpp::DataSm d;
  d.source = {0, 0, "12345"};
  d.destination = {1, 1, "14155550100"};
  d.tlvs.message_payload = smpp::Bytes{'o', 'k'};
  const auto m = describe_data_sm(d);
  EXPECT_EQ(m.text, "ok");
  EXPECT_EQ(m.to, "+14155550100");
}

}  // namespace
}  // namespace smppgw::sim
