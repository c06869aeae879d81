// Log aggregation for conditions that can repeat at line rate (MO refused by a full store,
// a flapping link, a peer sending garbage, wrong credentials retried): per condition key,
// the first occurrence is logged at once, then at most one summary line per interval with
// the count and the last message. Pure logic, time passed in (tests use a fake clock);
// log_limited.hpp is the process-wide wrapper the call sites use.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::daemon {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kDefaultInterval = std::chrono::seconds(10);

  explicit LogLimiter(Clock::duration interval = kDefaultInterval) : interval_(interval) {}

  // A line held back and now due: `count` occurrences of `key` since its last line, over
  // `span`; `message` is the last of them.
  struct Summary {
    std::string key;
    std::uint64_t count = 0;
    Clock::duration span{};
    std::string message;
    friend bool operator==(const Summary&, const Summary&) = default;
  };

  // What to write for one occurrence of `key`.
  struct Decision {
    bool log = false;                // write `message` itself now (first of a quiet period)
    std::optional<Summary> summary;  // or this summary, which includes the occurrence
  };

  // One occurrence of `key` with `message` at `now`. The first of a quiet period is logged;
  // later ones are counted, and the one that finds the interval elapsed since the key's
  // last line gives the summary instead of waiting for flush().
  Decision note(std::string_view key, std::string_view message, Clock::time_point now);

  // The summaries due at `now` (held occurrences whose key's last line is an interval old),
  // in key order; call it about once a second so a condition that went quiet gets its final
  // count. A key with nothing held for a whole interval is forgotten: its next occurrence
  // is logged at once. With `everything` (at stop) every held count is due.
  std::vector<Summary> flush(Clock::time_point now, bool everything = false);

  // Keys currently tracked (for tests and the bound on memory).
  std::size_t tracked() const { return keys_.size(); }
  bool tracks(std::string_view key) const { return keys_.find(key) != keys_.end(); }

 private:
  struct State {
    Clock::time_point last_line{};  // when the key's last line (message or summary) was written
    std::uint64_t held = 0;         // occurrences since then
    std::string last_message;
  };
  Clock::duration interval_;
  std::map<std::string, State, std::less<>> keys_;
};

// "48,213 more in the last 10 s; the last: <message>": the count with thousands separators
// and the span in whole seconds (at least 1).
std::string summary_line(const LogLimiter::Summary& s);

}  // namespace smppgw::daemon
