// The `max_tps` limit of one carrier account (SPEC §5): at most `rate` submit_sm PDUs (each
// part of a long message counts, smpp-notes §11.5) in any window of length `window`, sent one
// at a time and evenly spaced. Thread-safe: every link of the account shares one
// (tps_limiters.hpp). Time is passed in, so it is tested with a fake clock.
//
// Why this shape. The token bucket it replaces started full and refilled continuously: after a
// pause it sent a full bucket at once and a second's refill during the next second, up to twice
// the limit within one second, which a carrier counting per sliding second answers with
// ESME_RTHROTTLED or by cutting the bind. Two rules instead, both needed:
//  - Pacing (GCRA / virtual scheduling with no burst tolerance): a send comes at least
//    `interval` after the previous one, interval = the smallest whole number of clock ticks
//    *above* window / rate. Then rate × interval > window, so rate + 1 sends span more than
//    the window and no closed window [a, a + window] holds more than `rate`. Exactly
//    window / rate would put rate + 1 sends on both edges of a closed window, and rounded down
//    (1 s / 3 in nanoseconds) it would let rate + 1 into a half-open one.
//  - The window log: the times of the sends of the last window; a send waits until fewer
//    than `rate` of them are in [now - window, now]. Under a constant rate pacing implies it;
//    it decides after set_rate() lowers the limit, so that the submits already sent count
//    against the new limit and no window ending after the change holds more than it.
// A window log alone would be exact too but bursty (`rate` at once, then a pause); pacing
// alone could not honour a lowered limit in the window that straddles the change.
// Rate 0 is unlimited and keeps no log, only the time of its last send: a limit set later
// sends nothing until one window after it (what went out uncounted must age out first).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace smppgw::daemon {

class TpsLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` sends per `window`; 0 means unlimited (SPEC §2 `max_tps: 0`). `window` is at least
  // one clock tick.
  explicit TpsLimiter(std::uint32_t rate, Clock::duration window = std::chrono::seconds(1));

  // Takes the next send slot if it is due at `now`: false (and nothing taken) otherwise.
  // Calls from several threads may pass times a little out of order; a `now` before the
  // last send taken is refused (it would not be spaced from it).
  bool try_take(Clock::time_point now);

  // The earliest time at or after `now` at which try_take() can succeed, if nobody else takes
  // a slot first. `now` itself when unlimited.
  [[nodiscard]] Clock::time_point ready_at(Clock::time_point now) const;

  // A new limit, in force for the next try_take(): pacing restarts from the last send at the
  // new interval (no burst on a raise), and the sends of the last window count against it
  // (no window over the new limit after a cut).
  void set_rate(std::uint32_t rate);

  [[nodiscard]] std::uint32_t rate() const;
  [[nodiscard]] bool unlimited() const { return rate() == 0; }
  [[nodiscard]] Clock::duration window() const { return window_; }
  // The pacing interval in force (zero when unlimited).
  [[nodiscard]] Clock::duration interval() const;

 private:
  [[nodiscard]] Clock::time_point ready_at_locked(Clock::time_point now) const;

  const Clock::duration window_;
  mutable std::mutex mutex_;
  std::uint32_t rate_;
  Clock::duration interval_{};
  std::optional<Clock::time_point> last_;  // the last send taken, limited or not
  Clock::time_point next_{};               // pacing: no send before this
  // Sends of the last window, oldest first (only while limited; at most what one window held).
  std::deque<Clock::time_point> log_;
};

}  // namespace smppgw::daemon
