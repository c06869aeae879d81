// daemon/receipt_queue: what waits for a window slot is bounded and can be dropped at once.
// Sending (flush) runs on a real connection: see the listener integration tests.
#include "daemon/receipt_queue.hpp"

#include <gtest/gtest.h>

namespace smppgw::daemon {
namespace {

smpp::DeliverSm receipt(int n) {
  smpp::DeliverSm r;
  r.esm_class = smpp::esm::smsc_delivery_receipt;
  r.tlvs.receipted_message_id = std::to_string(n);
  return r;
}

TEST(ReceiptQueue, HoldsAtMostTheLimitAndRefusesBeyond) {
  ReceiptQueue q;
  for (std::size_t i = 0; i < ReceiptQueue::kMaxQueued; ++i) {
    ASSERT_TRUE(q.push(receipt(static_cast<int>(i))));
  }
  EXPECT_EQ(q.size(), ReceiptQueue::kMaxQueued);
  EXPECT_FALSE(q.push(receipt(-1)));
  EXPECT_EQ(q.size(), ReceiptQueue::kMaxQueued);
  EXPECT_EQ(q.clear(), ReceiptQueue::kMaxQueued);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_TRUE(q.push(receipt(0)));
}

}  // namespace
}  // namespace smppgw::daemon
