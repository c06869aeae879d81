// carrier_message_id: the id the dispatcher records for an acknowledged part, kept as the
// carrier wrote it, keyed by the form a receipt writing it another way is looked up by.
#include "daemon/carrier_message_id.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "protocol/delivery_receipt.hpp"

using smppgw::daemon::carrier_message_id;
using smppgw::daemon::CarrierMessageId;

namespace {

// What ReceiptMatcher::apply tries for a receipt's id, in order.
bool receipt_finds(const std::string& receipt_id, const CarrierMessageId& id) {
  const auto c = smppgw::smpp::message_id_candidates(receipt_id);
  return std::find(c.begin(), c.end(), id.receipt_key) != c.end();
}

}  // namespace

TEST(CarrierMessageId, KeptAsWrittenKeyedCanonically) {
  EXPECT_EQ(carrier_message_id("0A1b2C", 7, 0), (CarrierMessageId{"0A1b2C", "662316"}));
  EXPECT_EQ(carrier_message_id("00012345", 7, 1), (CarrierMessageId{"00012345", "12345"}));
  // Not a number: the key is the id lower-cased, the id keeps its case.
  EXPECT_EQ(carrier_message_id("Msg-XY9", 7, 0), (CarrierMessageId{"Msg-XY9", "msg-xy9"}));
  // Already canonical: both the same (the store then keeps no separate key).
  EXPECT_EQ(carrier_message_id("6236673", 7, 0), (CarrierMessageId{"6236673", "6236673"}));
}

TEST(CarrierMessageId, AReceiptWritingTheIdAnotherWayFindsTheKey) {
  const auto hex = carrier_message_id("0A1b2C", 7, 0);
  EXPECT_TRUE(receipt_finds("662316", hex));  // decimal
  EXPECT_TRUE(receipt_finds("0a1b2c", hex));  // case
  EXPECT_TRUE(receipt_finds("A1B2C", hex));   // no padding
  EXPECT_TRUE(receipt_finds("0A1b2C", hex));  // as written
  EXPECT_FALSE(receipt_finds("662317", hex));

  const auto padded = carrier_message_id("00012345", 7, 0);
  EXPECT_TRUE(receipt_finds("12345", padded));
  EXPECT_TRUE(receipt_finds("3039", padded));  // 12345 in hex
  EXPECT_FALSE(receipt_finds("12346", padded));

  const auto opaque = carrier_message_id("Msg-XY9", 7, 0);
  EXPECT_TRUE(receipt_finds("MSG-xy9", opaque));
}

TEST(CarrierMessageId, NoIdGivesADistinctPlaceholderPerPart) {
  EXPECT_EQ(carrier_message_id("", 42, 2), (CarrierMessageId{"none:42:2", "none:42:2"}));
  EXPECT_EQ(carrier_message_id("  ", 42, 0), (CarrierMessageId{"none:42:0", "none:42:0"}));
  EXPECT_NE(carrier_message_id("", 42, 0), carrier_message_id("", 42, 1));
}
