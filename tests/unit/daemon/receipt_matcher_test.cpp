#include "daemon/receipt_matcher.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "protocol/delivery_receipt.hpp"

using namespace smppgw;
using daemon::is_receipt;
using daemon::read_receipt;

namespace {
std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}
}  // namespace

TEST(ReceiptInfo, RecognisedByEsmClassOrTlv) {
  smpp::Tlvs none;
  EXPECT_TRUE(is_receipt(0x04, none));
  EXPECT_TRUE(is_receipt(0x20, none));
  EXPECT_FALSE(is_receipt(0x00, none));
  EXPECT_FALSE(is_receipt(0x40, none));  // UDHI alone: a long MO
  smpp::Tlvs with_id;
  with_id.receipted_message_id = "5F2A01";
  EXPECT_TRUE(is_receipt(0x00, with_id));
}

TEST(ReceiptInfo, TextReceiptDelivered) {
  auto r = read_receipt({}, bytes("id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done "
                                  "date:2511241531 stat:DELIVRD err:000 text:Hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->carrier_message_id, "5F2A01");
  EXPECT_TRUE(r->final);
  EXPECT_EQ(r->part_status, store::PartStatus::delivered);
  EXPECT_TRUE(r->error.empty());
}

TEST(ReceiptInfo, FailureCarriesStatAndError) {
  auto r = read_receipt({}, bytes("id:42 sub:001 dlvrd:000 stat:UNDELIV err:001 text:"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->part_status, store::PartStatus::failed);
  EXPECT_EQ(r->error, "UNDELIV err:001");
  auto e = read_receipt({}, bytes("id:43 stat:EXPIRED err:000"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->part_status, store::PartStatus::expired);
}

TEST(ReceiptInfo, TlvsWinOverText) {
  smpp::Tlvs tlvs;
  tlvs.receipted_message_id = "870928761";
  tlvs.message_state = 5;  // UNDELIVERABLE
  auto r = read_receipt(tlvs, bytes("id:33E95179 stat:DELIVRD err:000"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->carrier_message_id, "870928761");
  EXPECT_EQ(r->part_status, store::PartStatus::failed);
}

TEST(ReceiptInfo, IntermediateStateIsNotFinal) {
  auto r = read_receipt({}, bytes("id:77 stat:ENROUTE err:000"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->final);
}

TEST(ReceiptInfo, NoIdNoReceipt) {
  EXPECT_FALSE(read_receipt({}, bytes("stat:DELIVRD")));
  EXPECT_FALSE(read_receipt({}, {}));
}

// The dispatcher keys a submitted part by canonical_message_id of the id as the carrier
// wrote it in submit_sm_resp; the matcher looks a receipt up by message_id_candidates of its
// id. A receipt writing the id in the other base (or without the padding) must hit the key.
TEST(ReceiptKey, ReceiptWritingTheIdTheOtherWayFindsTheKey) {
  const std::string hex_resp = "0A1b2C";  // 0x0A1B2C = 662316
  auto receipt = read_receipt({}, bytes("id:662316 sub:001 dlvrd:001 stat:DELIVRD err:000"));
  ASSERT_TRUE(receipt);
  auto c = smpp::message_id_candidates(receipt->carrier_message_id);
  EXPECT_NE(std::find(c.begin(), c.end(), smpp::canonical_message_id(hex_resp)), c.end());

  const std::string padded_resp = "00012345";  // decimal, zero padded
  smpp::Tlvs tlvs;
  tlvs.receipted_message_id = "3039";  // 12345 written in hex
  tlvs.message_state = 2;
  receipt = read_receipt(tlvs, {});
  ASSERT_TRUE(receipt);
  c = smpp::message_id_candidates(receipt->carrier_message_id);
  EXPECT_NE(std::find(c.begin(), c.end(), smpp::canonical_message_id(padded_resp)), c.end());

  // And an unrelated id does not.
  c = smpp::message_id_candidates("662317");
  EXPECT_EQ(std::find(c.begin(), c.end(), smpp::canonical_message_id(hex_resp)), c.end());
}
