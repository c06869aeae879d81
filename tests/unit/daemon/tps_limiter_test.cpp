#include "daemon/tps_limiter.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using smppgw::daemon::TpsLimiter;
using namespace std::chrono_literals;

namespace {

using Clock = TpsLimiter::Clock;
using Times = std::vector<Clock::time_point>;
const Clock::time_point t0{};
constexpr Clock::duration kTick{1};

// Sends as fast as the limiter lets it, from `from` until `until`.
Times greedy(TpsLimiter& limiter, Clock::time_point from, Clock::time_point until) {
  Times sent;
  auto now = from;
  while (now < until) {
    if (limiter.try_take(now)) {
      sent.push_back(now);
      continue;
    }
    const auto at = limiter.ready_at(now);
    EXPECT_GT(at, now);
    now = at;
  }
  return sent;
}

// The most sends of `times` (sorted) inside one closed window [a, a + window]. The fullest
// window starts at a send, so trying each send as the start is exhaustive.
std::size_t fullest_closed_window(const Times& times, Clock::duration window) {
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto end = std::upper_bound(times.begin() + static_cast<std::ptrdiff_t>(i), times.end(),
                                      times[i] + window);
    most = std::max(most, static_cast<std::size_t>(end - times.begin()) - i);
  }
  return most;
}

// The same over the closed windows that end at a send at or after `from` (the windows the
// limit in force since `from` governs).
std::size_t fullest_window_ending_after(const Times& times, Clock::duration window,
                                        Clock::time_point from) {
  std::size_t most = 0;
  for (std::size_t j = 0; j < times.size(); ++j) {
    if (times[j] < from) continue;
    const auto begin = std::lower_bound(times.begin(), times.end(), times[j] - window);
    most = std::max(most, j + 1 - static_cast<std::size_t>(begin - times.begin()));
  }
  return most;
}

}  // namespace

TEST(TpsLimiter, UnlimitedAlwaysGives) {
  TpsLimiter limiter(0);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(limiter.try_take(t0));
  EXPECT_EQ(limiter.ready_at(t0), t0);
  EXPECT_TRUE(limiter.unlimited());
}

TEST(TpsLimiter, OneAtATimeEvenlySpaced) {
  TpsLimiter limiter(5);
  EXPECT_TRUE(limiter.try_take(t0));
  EXPECT_FALSE(limiter.try_take(t0));
  EXPECT_EQ(limiter.ready_at(t0), t0 + 200ms + kTick);
  EXPECT_FALSE(limiter.try_take(t0 + 200ms));
  EXPECT_TRUE(limiter.try_take(t0 + 200ms + kTick));
}

TEST(TpsLimiter, NoBurstAfterAPause) {
  // The old token bucket sent 10 at once here and 19 within the next second.
  TpsLimiter limiter(10);
  ASSERT_TRUE(limiter.try_take(t0));
  const auto later = t0 + 1h;
  EXPECT_TRUE(limiter.try_take(later));
  EXPECT_FALSE(limiter.try_take(later));
  EXPECT_FALSE(limiter.try_take(later + 99ms));
  const auto sent = greedy(limiter, later + 1ms, later + 10s);
  EXPECT_LE(fullest_closed_window(sent, 1s), 10u);
}

TEST(TpsLimiter, IntervalTimesRateExceedsTheWindow) {
  // rate × interval == window would fit rate + 1 sends into a closed window; 1 s / 3 and
  // 1 s / 7 are not whole nanoseconds, so rounding down would fit them into a half-open one.
  for (std::uint32_t rate : {1u, 3u, 5u, 7u, 50u, 999u, 1'000'000u}) {
    TpsLimiter limiter(rate);
    EXPECT_GT(limiter.interval() * rate, Clock::duration(1s)) << rate;
    EXPECT_LE(limiter.interval() * rate, Clock::duration(1s) + kTick * rate) << rate;
  }
}

TEST(TpsLimiter, AtMostRateInAnyClosedWindowAndNoLessWhenBusy) {
  for (std::uint32_t rate : {1u, 3u, 5u, 7u, 20u, 50u, 1000u}) {
    for (Clock::duration window : {Clock::duration(1s), Clock::duration(1020ms)}) {
      TpsLimiter limiter(rate, window);
      const auto sent = greedy(limiter, t0, t0 + 5s);
      // Exactly at the edges: rate + 1 sends never fit in [a, a + window] ...
      EXPECT_EQ(fullest_closed_window(sent, window), rate) << rate;
      for (std::size_t i = 0; i + rate < sent.size(); ++i) {
        ASSERT_GT(sent[i + rate] - sent[i], window) << rate << " at " << i;
      }
      // ... and a busy sender loses no more than a tick per send to that.
      for (std::size_t i = 0; i + rate < sent.size(); ++i) {
        ASSERT_LE(sent[i + rate] - sent[i], window + kTick * rate) << rate << " at " << i;
      }
    }
  }
}

TEST(TpsLimiter, ArbitraryAttemptTimesKeepTheWindow) {
  std::mt19937_64 random(12);
  for (std::uint32_t rate : {2u, 5u, 50u}) {
    TpsLimiter limiter(rate);
    std::uniform_int_distribution<std::int64_t> step_us(0, 3'000'000 / rate);
    Times sent;
    auto now = t0;
    for (int i = 0; i < 20'000; ++i) {
      now += std::chrono::microseconds(step_us(random));
      if (limiter.try_take(now)) sent.push_back(now);
    }
    ASSERT_GT(sent.size(), 100u);
    EXPECT_LE(fullest_closed_window(sent, 1s), rate) << rate;
  }
}

TEST(TpsLimiter, TimeBeforeTheLastSendIsRefused) {
  TpsLimiter limiter(1000);
  ASSERT_TRUE(limiter.try_take(t0 + 10ms));
  EXPECT_FALSE(limiter.try_take(t0));
  EXPECT_FALSE(limiter.try_take(t0 + 10ms));
  EXPECT_EQ(limiter.ready_at(t0), t0 + 11ms + kTick);
}

TEST(TpsLimiter, ACutCountsTheSendsOfTheLastWindow) {
  TpsLimiter limiter(50);
  auto sent = greedy(limiter, t0, t0 + 3s);
  const auto cut = t0 + 3s;
  limiter.set_rate(5);
  EXPECT_EQ(limiter.rate(), 5u);
  const auto after = greedy(limiter, cut, cut + 5s);
  ASSERT_FALSE(after.empty());
  // The window holding the first new send holds at most 4 of the old ones: it waits until
  // the 5th latest old send is a whole window behind.
  EXPECT_EQ(after.front(), sent[sent.size() - 5] + 1s + kTick);
  sent.insert(sent.end(), after.begin(), after.end());
  EXPECT_EQ(fullest_window_ending_after(sent, 1s, cut), 5u);
  EXPECT_EQ(fullest_closed_window(sent, 1s), 50u);
}

TEST(TpsLimiter, ARaiseIsNoBurst) {
  TpsLimiter limiter(5);
  auto sent = greedy(limiter, t0, t0 + 3s);
  const auto raise = sent.back() + 10ms;
  limiter.set_rate(20);
  // Spaced from the last send at the new interval, not at once.
  EXPECT_FALSE(limiter.try_take(raise));
  EXPECT_EQ(limiter.ready_at(raise), sent.back() + 50ms + kTick);
  const auto after = greedy(limiter, raise, raise + 5s);
  sent.insert(sent.end(), after.begin(), after.end());
  EXPECT_EQ(fullest_closed_window(sent, 1s), 20u);
  EXPECT_EQ(fullest_window_ending_after(sent, 1s, raise), 20u);
}

TEST(TpsLimiter, RateChangesBackAndForthWithinOneWindow) {
  // 50 → 5 → 20 within a second: the log kept every send of the last window, so the raise
  // to 20 still counts the sends made at 50.
  TpsLimiter limiter(50);
  auto sent = greedy(limiter, t0, t0 + 2s);
  const auto cut = t0 + 2s;
  limiter.set_rate(5);
  limiter.set_rate(20);
  const auto after = greedy(limiter, cut + 100ms, cut + 4s);
  sent.insert(sent.end(), after.begin(), after.end());
  EXPECT_EQ(fullest_window_ending_after(sent, 1s, cut), 20u);
  EXPECT_EQ(fullest_closed_window(sent, 1s), 50u);
}

TEST(TpsLimiter, ALimitAfterUnlimitedWaitsOneWindow) {
  TpsLimiter limiter(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.try_take(t0 + std::chrono::microseconds(i)));
  const auto last = t0 + 999us;
  limiter.set_rate(5);
  // What went out unlimited was not counted: it must leave the window first.
  EXPECT_EQ(limiter.ready_at(last), last + 1s + kTick);
  EXPECT_FALSE(limiter.try_take(last + 1s));
  EXPECT_TRUE(limiter.try_take(last + 1s + kTick));
  EXPECT_FALSE(limiter.try_take(last + 1s + kTick));
}

TEST(TpsLimiter, ZeroLiftsTheLimit) {
  TpsLimiter limiter(2);
  ASSERT_TRUE(limiter.try_take(t0));
  limiter.set_rate(0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.try_take(t0));
  EXPECT_EQ(limiter.interval(), Clock::duration::zero());
}

TEST(TpsLimiter, ANewLimitBeforeAnySendStartsAtOnce) {
  TpsLimiter limiter(5);
  limiter.set_rate(20);
  EXPECT_TRUE(limiter.try_take(t0 + 1s));
  EXPECT_FALSE(limiter.try_take(t0 + 1s));
}

TEST(TpsLimiter, SharedByThreadsKeepsTheWindow) {
  // Two senders (two links of one account) attempt on their own schedules, interleaved in
  // whatever order the threads run: what the limiter let through holds the limit.
  TpsLimiter limiter(50);
  std::mutex mutex;
  Times sent;
  auto sender = [&](std::int64_t offset_us) {
    Times mine;
    for (std::int64_t i = 0; i < 20'000; ++i) {
      const auto now = t0 + std::chrono::microseconds(i * 250 + offset_us);
      if (limiter.try_take(now)) mine.push_back(now);
    }
    std::lock_guard lock(mutex);
    sent.insert(sent.end(), mine.begin(), mine.end());
  };
  std::thread a(sender, 0);
  std::thread b(sender, 111);
  a.join();
  b.join();
  std::sort(sent.begin(), sent.end());
  ASSERT_GT(sent.size(), 100u);
  EXPECT_LE(fullest_closed_window(sent, 1s), 50u);
}
