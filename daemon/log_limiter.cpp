// LogLimiter: the first occurrence of a condition logged, the rest counted and summarised
// once per interval (see log_limiter.hpp).
#include "daemon/log_limiter.hpp"

#include <utility>

namespace smppgw::daemon {

LogLimiter::Decision LogLimiter::note(std::string_view key, std::string_view message,
                                      Clock::time_point now) {
  Decision d;
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    keys_.emplace(std::string(key), State{now, 0, {}});
    d.log = true;
    return d;
  }
  State& s = it->second;
  if (now - s.last_line >= interval_) {
    if (s.held == 0) {  // quiet for a whole interval: a new episode
      s.last_line = now;
      d.log = true;
      return d;
    }
    d.summary = Summary{it->first, s.held + 1, now - s.last_line, std::string(message)};
    s.last_line = now;
    s.held = 0;
    s.last_message.clear();
    return d;
  }
  ++s.held;
  s.last_message.assign(message);
  return d;
}

std::vector<LogLimiter::Summary> LogLimiter::flush(Clock::time_point now, bool everything) {
  std::vector<Summary> out;
  for (auto it = keys_.begin(); it != keys_.end();) {
    State& s = it->second;
    if (!everything && now - s.last_line < interval_) {
      ++it;
      continue;
    }
    if (s.held == 0) {  // nothing since its last line for an interval: forget it
      it = keys_.erase(it);
      continue;
    }
    out.push_back(Summary{it->first, s.held, now - s.last_line, std::move(s.last_message)});
    s.last_line = now;
    s.held = 0;
    s.last_message.clear();
    ++it;
  }
  return out;
}

std::string summary_line(const LogLimiter::Summary& s) {
  std::string n = std::to_string(s.count);
  for (auto i = static_cast<std::ptrdiff_t>(n.size()) - 3; i > 0; i -= 3) {
    n.insert(static_cast<std::size_t>(i), ",");
  }
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(s.span).count();
  if (secs < 1) secs = 1;
  return n + " more in the last " + std::to_string(secs) + " s; the last: " + s.message;
}

}  // namespace smppgw::daemon
