// Registration under a mutex, updates lock-free, rendering from relaxed loads: a scrape
// may see two counters at slightly different instants, which Prometheus tolerates.
#include "daemon/admin/metrics.hpp"

#include <cassert>
#include <cinttypes>
#include <cstdio>

namespace smppgw::admin {

void Histogram::observe_seconds(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  const double nanos = seconds < 0 ? 0 : seconds * 1e9;
  sum_nanos_.fetch_add(static_cast<std::uint64_t>(nanos), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running + buckets_[kBounds.size()].load(std::memory_order_relaxed);
  s.sum = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help,
                                                 Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.type = type;
    it->second.help = std::string(help);
  }
  assert(it->second.type == type && "one metric name, one type");
  return it->second;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Type::counter);
  auto [it, inserted] = f.index.emplace(render_labels(labels), f.counters.size());
  if (inserted) f.counters.emplace_back();
  return f.counters[it->second];
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Type::gauge);
  auto [it, inserted] = f.index.emplace(render_labels(labels), f.gauges.size());
  if (inserted) f.gauges.emplace_back();
  return f.gauges[it->second];
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Type::histogram);
  auto [it, inserted] = f.index.emplace(render_labels(labels), f.histograms.size());
  if (inserted) f.histograms.emplace_back();
  return f.histograms[it->second];
}

namespace {

// `{a="x"}` + le="0.5" → `{a="x",le="0.5"}`.
std::string with_le(const std::string& labels, const char* le) {
  std::string inner = labels.empty() ? std::string() : labels.substr(1, labels.size() - 2);
  std::string out = "{";
  if (!inner.empty()) out += inner + ",";
  out += "le=\"";
  out += le;
  out += "\"}";
  return out;
}

}  // namespace

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  char num[64];
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::counter ? "counter"
                       : f.type == Type::gauge ? "gauge"
                                               : "histogram";
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, i] : f.index) {
      switch (f.type) {
        case Type::counter:
          std::snprintf(num, sizeof num, "%" PRIu64, f.counters[i].value());
          out += name + labels + " " + num + "\n";
          break;
        case Type::gauge:
          std::snprintf(num, sizeof num, "%" PRId64, f.gauges[i].value());
          out += name + labels + " " + num + "\n";
          break;
        case Type::histogram: {
          const auto s = f.histograms[i].snapshot();
          for (std::size_t b = 0; b < Histogram::kBounds.size(); ++b) {
            char le[32];
            std::snprintf(le, sizeof le, "%g", Histogram::kBounds[b]);
            std::snprintf(num, sizeof num, "%" PRIu64, s.cumulative[b]);
            out += name + "_bucket" + with_le(labels, le) + " " + num + "\n";
          }
          std::snprintf(num, sizeof num, "%" PRIu64, s.count);
          out += name + "_bucket" + with_le(labels, "+Inf") + " " + num + "\n";
          std::snprintf(num, sizeof num, "%.9g", s.sum);
          out += name + "_sum" + labels + " " + num + "\n";
          std::snprintf(num, sizeof num, "%" PRIu64, s.count);
          out += name + "_count" + labels + " " + num + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace smppgw::admin
