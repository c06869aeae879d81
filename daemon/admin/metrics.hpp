// The daemon's metrics registry, rendered by GET /metrics in Prometheus text format
// (SPEC §6). Hot paths (links, the writer) update relaxed atomics only: no lock, no
// allocation. Series are registered once (at start-up or when a link appears) under a
// mutex, which the scrape also takes; a reference returned by a registration stays valid
// for the registry's lifetime.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::admin {

// A monotonic counter (Prometheus "counter").
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (queue depth, window in use, link state).
class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// A latency histogram with fixed buckets in seconds (Prometheus "histogram"). The bucket
// bounds suit store commits: an fsync takes 0.1–20 ms on common disks.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  void observe_seconds(double seconds);

  struct Snapshot {
    std::array<std::uint64_t, kBounds.size()> cumulative{};  // count of observations ≤ bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

// Labels of one series, e.g. {{"link","carrier-a"},{"kind","stop"}}; order is kept.
using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  // Returns the series `name{labels}`, creating it on first use. `help` is recorded on the
  // first registration of `name`. A name is one type: asking for a counter under a gauge's
  // name is a programming error (assert).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {});

  // The whole registry in Prometheus text exposition format 0.0.4, families sorted by name.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    Type type = Type::counter;
    std::string help;
    // Series by their rendered label text ("{link=\"a\"}"); deques keep addresses stable.
    std::map<std::string, std::size_t> index;
    std::deque<Counter> counters;
    std::deque<Gauge> gauges;
    std::deque<Histogram> histograms;
  };
  Family& family(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// Renders label text: {a="x",b="y"} with Prometheus escaping ("\\", "\"", "\n").
std::string render_labels(const Labels& labels);

// Every metric the daemon exports (SPEC §6 /metrics), in this one list: the Grafana
// dashboard and the Prometheus rules under monitoring/ are checked against it, and the
// daemon's real /metrics against it (monitoring/check_monitoring.py).
namespace metric {
inline constexpr std::string_view kMoTotal = "smppgw_mo_total";                // {link,kind}
inline constexpr std::string_view kMtTotal = "smppgw_mt_total";                // {link,status}
inline constexpr std::string_view kQueueDepth = "smppgw_outbox_queued";        // {short_code}
inline constexpr std::string_view kWindowInUse = "smppgw_link_window_in_use";  // {link}
inline constexpr std::string_view kLinkUp = "smppgw_link_up";  // {link} 1 bound, 0 not
inline constexpr std::string_view kCommitSeconds = "smppgw_store_commit_seconds";  // histogram
inline constexpr std::string_view kHttpRequests = "smppgw_http_requests_total";    // {code}
inline constexpr std::string_view kWriterQueueDepth = "smppgw_store_writer_queue_depth";
inline constexpr std::string_view kStoreMapBytes = "smppgw_store_map_bytes";
inline constexpr std::string_view kStoreUsedBytes = "smppgw_store_used_bytes";
inline constexpr std::string_view kLogEvents = "smppgw_log_events_total";          // {condition}
inline constexpr std::string_view kLogSuppressed = "smppgw_log_suppressed_total";  // {condition}
// Unreviewed possible opt-outs (SPEC §4 Revocation): Inbox rows flagged possible_opt_out
// whose subscriber is still not opted out of the row's campaign (of the company, for a row
// without a campaign), among the newest kMaxPageLimit flagged rows; and the age of the oldest
// of them, 0 when there is none (the 10-business-day limit is read from it).
inline constexpr std::string_view kPossibleOptOuts = "smppgw_inbox_possible_opt_out_unreviewed";
inline constexpr std::string_view kPossibleOptOutAge =
    "smppgw_inbox_possible_opt_out_oldest_age_seconds";
}  // namespace metric

}  // namespace smppgw::admin
