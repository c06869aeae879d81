// LogLimiter with a fake clock: the first occurrence logged, then one summary per interval
// with the count and the last message, the final one from flush(), keys apart.
#include "daemon/log_limiter.hpp"

#include <gtest/gtest.h>

using namespace smppgw::daemon;
using namespace std::chrono_literals;

namespace {
const LogLimiter::Clock::time_point t0{std::chrono::hours(1)};
}

TEST(LogLimiter, FirstOccurrenceLoggedTheRestCountedIntoOneSummaryPerInterval) {
  LogLimiter l(10s);
  auto d = l.note("mo_not_stored a", "disk full 1", t0);
  EXPECT_TRUE(d.log);
  EXPECT_FALSE(d.summary);
  // 48,213 more within the interval: no line at all.
  for (int i = 0; i < 48'213; ++i) {
    d = l.note("mo_not_stored a", "disk full " + std::to_string(i + 2), t0 + 1ms * i / 10);
    ASSERT_FALSE(d.log);
    ASSERT_FALSE(d.summary);
  }
  EXPECT_TRUE(l.flush(t0 + 9s).empty());  // not due yet
  // The first occurrence once the interval passed gives the summary, this one included.
  d = l.note("mo_not_stored a", "disk full last", t0 + 10s);
  EXPECT_FALSE(d.log);
  ASSERT_TRUE(d.summary);
  EXPECT_EQ(d.summary->count, 48'214u);
  EXPECT_EQ(d.summary->message, "disk full last");
  EXPECT_EQ(d.summary->span, 10s);
  EXPECT_EQ(summary_line(*d.summary), "48,214 more in the last 10 s; the last: disk full last");
}

TEST(LogLimiter, FlushGivesTheFinalSummaryWhenItGoesQuietThenForgetsTheKey) {
  LogLimiter l(10s);
  EXPECT_TRUE(l.note("k", "m1", t0).log);
  EXPECT_FALSE(l.note("k", "m2", t0 + 1s).log);
  EXPECT_FALSE(l.note("k", "m3", t0 + 2s).log);
  auto due = l.flush(t0 + 10s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], (LogLimiter::Summary{"k", 2, 10s, "m3"}));
  EXPECT_TRUE(l.flush(t0 + 15s).empty());
  EXPECT_EQ(l.tracked(), 1u);
  EXPECT_TRUE(l.flush(t0 + 20s).empty());  // an interval with nothing: forgotten
  EXPECT_EQ(l.tracked(), 0u);
  EXPECT_TRUE(l.note("k", "again", t0 + 21s).log);  // a new episode is logged at once
}

TEST(LogLimiter, AnOccurrenceAfterAQuietIntervalIsLoggedItself) {
  LogLimiter l(10s);
  EXPECT_TRUE(l.note("k", "a", t0).log);
  auto d = l.note("k", "b", t0 + 30s);  // nothing held, no flush meanwhile
  EXPECT_TRUE(d.log);
  EXPECT_FALSE(d.summary);
  EXPECT_FALSE(l.note("k", "c", t0 + 31s).log);
}

TEST(LogLimiter, KeysAreLimitedApart) {
  LogLimiter l(10s);
  EXPECT_TRUE(l.note("link_down a", "x", t0).log);
  EXPECT_TRUE(l.note("link_down b", "y", t0).log);
  EXPECT_FALSE(l.note("link_down a", "x2", t0 + 1s).log);
  EXPECT_FALSE(l.note("link_down a", "x3", t0 + 2s).log);
  EXPECT_FALSE(l.note("link_down b", "y2", t0 + 3s).log);
  auto due = l.flush(t0 + 10s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0], (LogLimiter::Summary{"link_down a", 2, 10s, "x3"}));
  EXPECT_EQ(due[1], (LogLimiter::Summary{"link_down b", 1, 10s, "y2"}));
  EXPECT_TRUE(l.tracks("link_down a"));
  EXPECT_FALSE(l.tracks("link_down c"));
}

TEST(LogLimiter, AtMostOneLinePerIntervalUnderASteadyFlood) {
  LogLimiter l(10s);
  int lines = 0;
  // 1,000 occurrences a second for a minute, flushed every second.
  for (int ms = 0; ms < 60'000; ++ms) {
    const auto now = t0 + std::chrono::milliseconds(ms);
    const auto d = l.note("k", "refused", now);
    lines += (d.log ? 1 : 0) + (d.summary ? 1 : 0);
    if (ms % 1000 == 999) lines += static_cast<int>(l.flush(now).size());
  }
  lines += static_cast<int>(l.flush(t0 + 70s).size());
  EXPECT_LE(lines, 8);  // the first line, 6 summaries, the final one
  EXPECT_GE(lines, 7);
}

TEST(LogLimiter, FlushEverythingAtStop) {
  LogLimiter l(10s);
  (void)l.note("k", "a", t0);
  (void)l.note("k", "b", t0 + 1s);
  auto due = l.flush(t0 + 2s, true);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 1u);
  EXPECT_EQ(summary_line(due[0]), "1 more in the last 2 s; the last: b");
}
