#include "tools/sim/run_report.hpp"

#include <cmath>
#include <cstdio>

namespace smppgw::sim {

namespace {
double ms(std::chrono::nanoseconds ns) {
  return std::round(static_cast<double>(ns.count()) / 1000.0) / 1000.0;  // µs precision
}
double span_seconds(const std::optional<std::chrono::steady_clock::time_point>& a,
                    const std::optional<std::chrono::steady_clock::time_point>& b) {
  if (!a || !b || *b <= *a) return 0;
  return std::chrono::duration<double>(*b - *a).count();
}
}  // namespace

void RequestStats::on_sent(std::chrono::steady_clock::time_point now) {
  ++sent;
  if (!first_sent) first_sent = now;
}

void RequestStats::on_answer(std::chrono::steady_clock::time_point sent_at,
                             std::chrono::steady_clock::time_point now, bool answer_ok) {
  ++(answer_ok ? ok : failed);
  last_answer = now;
  latency.record(now - sent_at);
}

double RequestStats::seconds() const {
  return span_seconds(first_sent, last_answer);
}

double RequestStats::per_second() const {
  const double s = seconds();
  return s > 0 ? static_cast<double>(ok + failed) / s : 0;
}

void ReceivedStats::on_received(std::chrono::steady_clock::time_point now, bool answered_ok) {
  ++count;
  if (answered_ok) ++ok;
  if (!first) first = now;
  last = now;
}

double ReceivedStats::seconds() const {
  return span_seconds(first, last);
}

double ReceivedStats::per_second() const {
  const double s = seconds();
  // count-1 intervals between the first and the last request.
  return s > 0 && count > 1 ? static_cast<double>(count - 1) / s : 0;
}

nlohmann::ordered_json latency_json(const LatencyHistogram& h) {
  return {{"p50", ms(h.percentile(50))},
          {"p90", ms(h.percentile(90))},
          {"p99", ms(h.percentile(99))},
          {"max", ms(h.max())}};
}

std::string latency_text(const LatencyHistogram& h) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "p50 %.3f p90 %.3f p99 %.3f max %.3f", ms(h.percentile(50)),
                ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()));
  return buf;
}

}  // namespace smppgw::sim
