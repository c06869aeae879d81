// daemon/receipt_queue: what waits for a window slot is bounded and handed back whole when
// the bind closes. Sending (flush) and answers run on a real connection: see the listener
// integration tests.
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
  auto taken = q.take_unanswered();
  ASSERT_EQ(taken.size(), ReceiptQueue::kMaxQueued);
  EXPECT_EQ(taken.front().tlvs.receipted_message_id, "0");  // oldest first
  EXPECT_EQ(q.size(), 0u);
  EXPECT_TRUE(q.push(receipt(0)));
}

TEST(ReceiptQueue, AnsweringAnUnknownSequenceChangesNothing) {
  ReceiptQueue q;
  ASSERT_TRUE(q.push(receipt(1)));
  q.answered(42);  // nothing of ours was sent with it
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.in_flight(), 0u);
  EXPECT_EQ(q.take_unanswered().size(), 1u);
  EXPECT_TRUE(q.take_unanswered().empty());
}

}  // namespace
}  // namespace smppgw::daemon
