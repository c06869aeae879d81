#include "daemon/tps_limiters.hpp"

#include <gtest/gtest.h>

using smppgw::conf::LinkConfig;
using smppgw::daemon::CarrierAccount;
using smppgw::daemon::kTpsWindow;
using smppgw::daemon::TpsLimiters;
using namespace std::chrono_literals;

namespace {

LinkConfig link(std::string name, std::string system_id, std::uint32_t max_tps,
                std::uint16_t port = 2775, std::string host = "smsc.example") {
  LinkConfig l;
  l.name = std::move(name);
  l.host = std::move(host);
  l.port = port;
  l.system_id = std::move(system_id);
  l.max_tps = max_tps;
  return l;
}

const smppgw::daemon::TpsLimiter::Clock::time_point t0{};

}  // namespace

TEST(TpsLimiters, LinksOfOneAccountShareOneLimiter) {
  TpsLimiters limiters;
  const std::vector<LinkConfig> links{link("a", "acme", 5), link("b", "acme", 5),
                                      link("c", "other", 5), link("d", "acme", 5, 2776),
                                      link("e", "acme", 5, 2775, "smsc2.example")};
  limiters.configure(links);
  const auto a = limiters.of(links[0]);
  EXPECT_EQ(a, limiters.of(links[1]));
  EXPECT_NE(a, limiters.of(links[2]));  // another system_id
  EXPECT_NE(a, limiters.of(links[3]));  // another port
  EXPECT_NE(a, limiters.of(links[4]));  // another host
  // What one link takes, the other cannot.
  auto b = limiters.of(links[1]);
  ASSERT_TRUE(a->try_take(t0));
  EXPECT_FALSE(b->try_take(t0 + 100ms));
  EXPECT_EQ(a->window(), kTpsWindow);
}

TEST(TpsLimiters, TheSmallestNonZeroMaxTpsWins) {
  TpsLimiters limiters;
  limiters.configure({link("a", "acme", 0), link("b", "acme", 20), link("c", "acme", 5),
                      link("d", "free", 0), link("e", "free", 0)});
  EXPECT_EQ(limiters.rate_of({"smsc.example", 2775, "acme"}), 5u);
  EXPECT_EQ(limiters.rate_of({"smsc.example", 2775, "free"}), 0u);
  EXPECT_EQ(limiters.of(link("a", "acme", 0))->rate(), 5u);
}

TEST(TpsLimiters, AReloadChangesTheLimitInPlace) {
  TpsLimiters limiters;
  limiters.configure({link("a", "acme", 50)});
  const auto before = limiters.of(link("a", "acme", 50));
  ASSERT_TRUE(before->try_take(t0));
  limiters.configure({link("a", "acme", 5)});
  const auto after = limiters.of(link("a", "acme", 5));
  EXPECT_EQ(before, after);  // the history goes on: a rebound link is no burst
  EXPECT_EQ(after->rate(), 5u);
  EXPECT_FALSE(after->try_take(t0 + 100ms));
}

TEST(TpsLimiters, AccountsNoLongerConfiguredAreForgotten) {
  TpsLimiters limiters;
  limiters.configure({link("a", "acme", 50), link("b", "gone", 7)});
  const auto gone = limiters.of(link("b", "gone", 7));
  limiters.configure({link("a", "acme", 50)});
  EXPECT_EQ(limiters.rate_of({"smsc.example", 2775, "gone"}), 0u);
  EXPECT_EQ(gone->rate(), 7u);  // a link still draining keeps using its own
  const auto fresh = limiters.of(link("b", "gone", 3));
  EXPECT_NE(fresh, gone);
  EXPECT_EQ(fresh->rate(), 3u);
}

TEST(TpsLimiters, AccountNames) {
  EXPECT_EQ((CarrierAccount{"10.0.0.1", 2775, "acme"}).to_string(), "acme@10.0.0.1:2775");
}
