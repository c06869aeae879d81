// Sequence numbers of our requests (protocol/sequence.hpp): 1..0x7FFFFFFF, wrapping to 1.
#include "protocol/sequence.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

TEST(SequenceCounter, StartsAtOneAndIncrements) {
  SequenceCounter counter;
  EXPECT_EQ(counter.next(), 1u);
  EXPECT_EQ(counter.next(), 2u);
  EXPECT_EQ(counter.peek(), 3u);
}

TEST(SequenceCounter, WrapsAfter7FFFFFFF) {
  SequenceCounter counter(0x7FFFFFFF);
  EXPECT_EQ(counter.next(), 0x7FFFFFFFu);
  EXPECT_EQ(counter.next(), 1u);  // never 0, never bit 31
}

TEST(SequenceCounter, OutOfRangeStartFallsBackToOne) {
  EXPECT_EQ(SequenceCounter(0).next(), 1u);
  EXPECT_EQ(SequenceCounter(0x80000000).next(), 1u);
  EXPECT_EQ(SequenceCounter(0xFFFFFFFF).next(), 1u);
}

}  // namespace
}  // namespace smppgw::smpp
