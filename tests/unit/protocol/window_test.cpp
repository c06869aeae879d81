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

}  // namespace
}  // namespace smppgw::smpp
