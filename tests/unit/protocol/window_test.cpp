// The window of outstanding requests (protocol/window.hpp).
#include "protocol/window.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

WindowEntry entry(std::uint32_t seq, std::chrono::seconds deadline, bool internal = false) {
  return WindowEntry{seq, CommandId::submit_sm, seq * 10, t0 + deadline, internal};
}

TEST(Window, CountsFreeSlots) {
  Window w(2);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.free(), 2u);
  w.add(entry(1, 5s));
  EXPECT_EQ(w.free(), 1u);
  w.add(entry(2, 5s));
  EXPECT_TRUE(w.full());
  w.add(entry(3, 5s));  // unbind may exceed the window
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w.free(), 0u);
}

TEST(Window, ZeroCapacityMeansOne) {
  EXPECT_EQ(Window(0).capacity(), 1u);
}

TEST(Window, TakeRemovesOnlyThatRequest) {
  Window w(4);
  w.add(entry(1, 5s));
  w.add(entry(2, 6s));
  w.add(entry(3, 7s));
  const auto taken = w.take(2);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->user_tag, 20u);
  EXPECT_FALSE(w.take(2));
  EXPECT_EQ(w.get(2), nullptr);
  ASSERT_EQ(w.entries().size(), 2u);
  EXPECT_EQ(w.entries()[0].sequence_number, 1u);  // send order kept
  EXPECT_EQ(w.entries()[1].sequence_number, 3u);
}

TEST(Window, EarliestDeadlineIsNotAlwaysTheOldest) {
  Window w(4);
  EXPECT_FALSE(w.earliest_deadline());
  w.add(entry(1, 10s));  // a bind waits longer than a submit
  w.add(entry(2, 5s));
  EXPECT_EQ(w.earliest_deadline(), t0 + 5s);
}

TEST(Window, FindsTheSessionsOwnRequests) {
  Window w(4);
  w.add(entry(1, 5s));
  EXPECT_FALSE(w.has_internal(CommandId::submit_sm));
  w.add(WindowEntry{2, CommandId::enquire_link, 0, t0 + 5s, true});
  EXPECT_TRUE(w.has_internal(CommandId::enquire_link));
  w.clear();
  EXPECT_TRUE(w.empty());
}

TEST(Window, ExpiredListsOnlyPastDeadlinesInSendOrder) {
  Window w(8);
  for (std::uint32_t seq = 1; seq <= 5; ++seq) w.add(entry(seq, std::chrono::seconds(seq)));
  ASSERT_TRUE(w.take(2));
  const auto due = w.expired(t0 + 4s);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].sequence_number, 1u);
  EXPECT_EQ(due[1].sequence_number, 3u);
  EXPECT_EQ(due[2].sequence_number, 4u);
  EXPECT_TRUE(w.expired(t0).empty());
}

TEST(Window, ExpiredFindsAnEarlierDeadlineAddedLater) {
  Window w(4);
  w.add(entry(1, 10s));
  w.add(entry(2, 5s));
  const auto due = w.expired(t0 + 6s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].sequence_number, 2u);
}

// A large window under steady traffic: responses out of order, slots reused for ever.
TEST(Window, StaysConsistentUnderOutOfOrderResponses) {
  Window w(1000);
  std::uint32_t next = 1;
  std::uint32_t oldest = 1;
  for (int round = 0; round < 50; ++round) {
    while (!w.full()) {
      w.add(entry(next, std::chrono::seconds(next)));
      ++next;
    }
    // Answer the even ones newest first, then the rest oldest first.
    for (std::uint32_t seq = next - 1; seq >= oldest; --seq) {
      if (seq % 2 == 0) {
        ASSERT_TRUE(w.take(seq)) << seq;
      }
    }
    for (std::uint32_t seq = oldest; seq < next; ++seq) {
      if (seq % 2 != 0) {
        ASSERT_TRUE(w.take(seq)) << seq;
      }
    }
    EXPECT_TRUE(w.empty());
    EXPECT_FALSE(w.earliest_deadline());
    oldest = next;
  }
  w.add(entry(next, 1s));
  EXPECT_EQ(w.earliest_deadline(), t0 + 1s);
  EXPECT_EQ(w.entries().size(), 1u);
}

}  // namespace
}  // namespace smppgw::smpp
