// MetricsRegistry: Prometheus text rendering of counters, gauges and histograms.
#include "daemon/admin/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace smppgw::admin {
namespace {

TEST(MetricsRegistry, RendersCountersWithLabels) {
  MetricsRegistry reg;
  reg.counter("smppgw_mo_total", "MO texts", {{"link", "a"}, {"kind", "stop"}}).add(3);
  reg.counter("smppgw_mo_total", "MO texts", {{"link", "a"}, {"kind", "stop"}}).add();
  reg.counter("smppgw_mo_total", "MO texts", {{"link", "b\"x"}, {"kind", "message"}}).add(2);
  const std::string text = reg.render();
  EXPECT_NE(text.find("# HELP smppgw_mo_total MO texts\n# TYPE smppgw_mo_total counter\n"),
            std::string::npos);
  EXPECT_NE(text.find("smppgw_mo_total{link=\"a\",kind=\"stop\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_mo_total{link=\"b\\\"x\",kind=\"message\"} 2\n"), std::string::npos);
}

TEST(MetricsRegistry, GaugesGoBothWays) {
  MetricsRegistry reg;
  auto& g = reg.gauge("smppgw_outbox_queued", "queued", {});
  g.set(10);
  g.add(-3);
  EXPECT_NE(reg.render().find("smppgw_outbox_queued 7\n"), std::string::npos);
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  MetricsRegistry reg;
  auto& h = reg.histogram("smppgw_store_commit_seconds", "commit latency");
  h.observe_seconds(0.0002);  // ≤ 0.00025
  h.observe_seconds(0.003);   // ≤ 0.005
  h.observe_seconds(5.0);     // +Inf only
  const std::string text = reg.render();
  EXPECT_NE(text.find("smppgw_store_commit_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_bucket{le=\"0.00025\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("smppgw_store_commit_seconds_sum 5.0032\n"), std::string::npos);
}

TEST(MetricsRegistry, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry reg;
  auto& c = reg.counter("n_total", "n");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
}

}  // namespace
}  // namespace smppgw::admin
