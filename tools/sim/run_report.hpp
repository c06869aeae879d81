// The end-of-run report of smppgw-sim: counts, throughput and latency percentiles, as one
// human line per direction on stderr and, with --json, one JSON line on stdout
// (tools/sim/README.md, "Report").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/sim/latency_histogram.hpp"

namespace smppgw::sim {

// One kind of request the sim sent and the responses it got.
struct RequestStats {
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;      // answered with status 0
  std::uint64_t failed = 0;  // answered with another status
  std::uint64_t lost = 0;    // no answer before the connection closed
  std::optional<std::chrono::steady_clock::time_point> first_sent;
  std::optional<std::chrono::steady_clock::time_point> last_answer;
  LatencyHistogram latency;

  void on_sent(std::chrono::steady_clock::time_point now);
  void on_answer(std::chrono::steady_clock::time_point sent_at,
                 std::chrono::steady_clock::time_point now, bool ok);
  // Answers per second over [first sent, last answer]; 0 when nothing was answered.
  [[nodiscard]] double per_second() const;
  [[nodiscard]] double seconds() const;
};

// Requests the sim received and answered (submit_sm at the smsc, deliver_sm at the esme).
struct ReceivedStats {
  std::uint64_t count = 0;
  std::uint64_t ok = 0;  // answered with status 0
  std::optional<std::chrono::steady_clock::time_point> first;
  std::optional<std::chrono::steady_clock::time_point> last;

  void on_received(std::chrono::steady_clock::time_point now, bool answered_ok);
  // Requests per second over [first, last]; with one request or none, 0.
  [[nodiscard]] double per_second() const;
  [[nodiscard]] double seconds() const;
};

// {"p50":..,"p90":..,"p99":..,"max":..} in milliseconds with microsecond precision.
nlohmann::ordered_json latency_json(const LatencyHistogram& histogram);
// "p50 3.100 p90 5.000 p99 7.200 max 9.800"
std::string latency_text(const LatencyHistogram& histogram);

}  // namespace smppgw::sim
