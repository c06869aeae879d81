#include "tools/sim/run_report.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "tools/sim/event_sink.hpp"

namespace smppgw::sim {
namespace {

using namespace std::chrono_literals;
const std::chrono::steady_clock::time_point t0{std::chrono::seconds(50)};

TEST(RunReport, RequestThroughputAndLatency) {
  auto s = std::make_unique<RequestStats>();
  for (int i = 0; i < 1000; ++i) s->on_sent(t0 + std::chrono::milliseconds(i));
  for (int i = 0; i < 1000; ++i) {
    s->on_answer(t0 + std::chrono::milliseconds(i), t0 + std::chrono::milliseconds(i) + 2ms,
                 i % 10 != 0);
  }
  EXPECT_EQ(s->sent, 1000U);
  EXPECT_EQ(s->ok, 900U);
  EXPECT_EQ(s->failed, 100U);
  EXPECT_NEAR(s->seconds(), 1.001, 1e-9);
  EXPECT_NEAR(s->per_second(), 1000 / 1.001, 1e-6);
  const auto j = latency_json(s->latency);
  EXPECT_NEAR(j["p50"].get<double>(), 2.0, 0.005);
  EXPECT_NEAR(j["max"].get<double>(), 2.0, 1e-9);
  EXPECT_NE(latency_text(s->latency).find("p99 2.00"), std::string::npos);
}

TEST(RunReport, ReceivedRate) {
  ReceivedStats r;
  EXPECT_EQ(r.per_second(), 0);
  r.on_received(t0, true);
  EXPECT_EQ(r.per_second(), 0);
  for (int i = 1; i <= 100; ++i) r.on_received(t0 + std::chrono::milliseconds(10 * i), i != 5);
  EXPECT_EQ(r.count, 101U);
  EXPECT_EQ(r.ok, 100U);
  EXPECT_NEAR(r.per_second(), 100.0, 1e-9);
}

TEST(EventSink, LinesAreCompactJsonAndSurviveBadUtf8) {
  EXPECT_EQ(EventSink::line_of({{"event", "listening"}, {"port", 2775}}),
            R"({"event":"listening","port":2775})");
  const auto line = EventSink::line_of({{"system_id", std::string("a\xff")}});
  EXPECT_EQ(line, "{\"system_id\":\"a\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace smppgw::sim
