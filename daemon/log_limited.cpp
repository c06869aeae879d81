// The process-wide LogLimiter and its counters (see log_limited.hpp).
#include "daemon/log_limited.hpp"

#include <mutex>

#include "daemon/admin/metrics.hpp"

namespace smppgw::daemon {
namespace {

// Keys are condition + subject; past this many (a scan from many addresses) new subjects
// share one key per condition, so memory stays bounded.
constexpr std::size_t kMaxKeys = 4096;

struct Counters {
  admin::Counter* events = nullptr;
  admin::Counter* suppressed = nullptr;
};

struct Aggregator {
  std::mutex mutex;
  LogLimiter limiter;
  std::array<Counters, kLogConditions> counters{};
};

Aggregator& aggregator() {
  static Aggregator a;  // never destroyed before the last log line: a function-local static
  return a;
}

constexpr std::array<std::string_view, kLogConditions> kNames = {
    "mo_not_stored",      "mo_refused",        "protocol_error", "link_down",  "bind_refused",
    "connection_refused", "receipt_unmatched", "submit_refused", "store_write"};

// The condition is the key's text before the first space.
LogCondition condition_of(std::string_view key) {
  const auto name = key.substr(0, key.find(' '));
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<LogCondition>(i);
  }
  return LogCondition::protocol_error;  // not reached: every key is built by log_limited
}

void write_summary(const LogLimiter::Summary& s) {
  const auto c = condition_of(s.key);
  spdlog::log(log_level(c), "[{}] {}", to_string(c), summary_line(s));
}

}  // namespace

std::string_view to_string(LogCondition c) {
  return kNames[static_cast<std::size_t>(c)];
}

spdlog::level::level_enum log_level(LogCondition c) {
  switch (c) {
    case LogCondition::mo_not_stored:
    case LogCondition::store_write:
      return spdlog::level::err;
    default:
      return spdlog::level::warn;
  }
}

void attach_log_metrics(admin::MetricsRegistry* metrics) {
  auto& a = aggregator();
  std::lock_guard lock(a.mutex);
  for (std::size_t i = 0; i < kLogConditions; ++i) {
    if (metrics == nullptr) {
      a.counters[i] = {};
      continue;
    }
    const admin::Labels labels{{"condition", std::string(kNames[i])}};
    a.counters[i].events = &metrics->counter(
        admin::metric::kLogEvents, "Occurrences of conditions logged with aggregation", labels);
    a.counters[i].suppressed = &metrics->counter(
        admin::metric::kLogSuppressed,
        "Occurrences not written as their own log line (counted in a summary line)", labels);
  }
}

void log_limited(LogCondition condition, std::string_view subject, std::string message) {
  auto& a = aggregator();
  LogLimiter::Decision d;
  {
    std::lock_guard lock(a.mutex);
    std::string key = std::string(to_string(condition)) + " " + std::string(subject);
    if (a.limiter.tracked() >= kMaxKeys && !a.limiter.tracks(key)) {
      key = std::string(to_string(condition)) + " *";
    }
    d = a.limiter.note(key, message, LogLimiter::Clock::now());
    const auto& counters = a.counters[static_cast<std::size_t>(condition)];
    if (counters.events != nullptr) counters.events->add();
    if (!d.log && counters.suppressed != nullptr) counters.suppressed->add();
  }
  // Written outside the lock: spdlog's sink has its own.
  if (d.log) spdlog::log(log_level(condition), "{}", message);
  if (d.summary) write_summary(*d.summary);
}

void flush_log_limits(bool everything) {
  auto& a = aggregator();
  std::vector<LogLimiter::Summary> due;
  {
    std::lock_guard lock(a.mutex);
    due = a.limiter.flush(LogLimiter::Clock::now(), everything);
  }
  for (const auto& s : due) write_summary(s);
}

}  // namespace smppgw::daemon
