#include "daemon/engine/classifier.hpp"

#include <gtest/gtest.h>

#include "conf/load_config.hpp"
#include "tests/unit/engine/engine_test_support.hpp"

namespace smppgw::engine {
namespace {

using store::InboxKind;

TEST(Classifier, ReportsTheTermAsConfigured) {
  const Classifier c(*test::test_config());
  auto r = c.classify("12345", "opt-out");
  EXPECT_EQ(r.kind, InboxKind::stop);
  EXPECT_EQ(r.term, "OPT OUT");
  r = c.classify("12345", "optout");
  EXPECT_EQ(r.term, "OPTOUT");
  r = c.classify("12345", "stop all");
  EXPECT_EQ(r.kind, InboxKind::stop_all);
  EXPECT_EQ(r.term, "STOP ALL");
  r = c.classify("12345", "STOP ALL please");  // leading word: the longest term matched
  EXPECT_EQ(r.kind, InboxKind::stop);
  EXPECT_EQ(r.term, "STOP ALL");
  r = c.classify("12345", "go green");
  EXPECT_EQ(r.kind, InboxKind::keyword);
  ASSERT_NE(r.campaign, nullptr);
  EXPECT_EQ(r.campaign->id, "tips");
  EXPECT_EQ(r.term, "GO GREEN");
  r = c.classify("12345", "hello");
  EXPECT_EQ(r.kind, InboxKind::message);
  EXPECT_EQ(r.campaign, nullptr);
  EXPECT_TRUE(r.term.empty());
}

TEST(Classifier, UnknownShortCodeHasNoKeywordsButTermsStillApply) {
  const Classifier c(*test::test_config());
  EXPECT_EQ(c.classify("99999", "SPRING").kind, InboxKind::message);
  EXPECT_EQ(c.classify("99999", "STOP").kind, InboxKind::stop);
  EXPECT_EQ(c.classify("99999", "HELP").kind, InboxKind::help);
}

TEST(Classifier, OperatorTermsReplaceTheDefaults) {
  auto config = conf::parse_config(R"(company: Acme
smpp:
  links:
    - { name: a, host: h, system_id: s, password: p, short_codes: ["12345"] }
keywords:
  stop: [ARRET, "NO MORE"]
  stop_all: [TOUT]
  resubscribe: [OUPS]
  help: [AIDE]
campaigns:
  - { id: x, short_code: "12345", keywords: [STOP] }
)",
                                   "t.yaml");
  ASSERT_TRUE(config) << config.error();
  const Classifier c(*config);
  EXPECT_EQ(c.classify("12345", "arret").kind, InboxKind::stop);
  EXPECT_EQ(c.classify("12345", "no-more").kind, InboxKind::stop);
  EXPECT_EQ(c.classify("12345", "nomore please").kind, InboxKind::stop);
  EXPECT_EQ(c.classify("12345", "tout").kind, InboxKind::stop_all);
  EXPECT_EQ(c.classify("12345", "oups").kind, InboxKind::resubscribe);
  EXPECT_EQ(c.classify("12345", "aide").kind, InboxKind::help);
  // STOP is not a term in this configuration, so here it is this campaign's keyword.
  EXPECT_EQ(c.classify("12345", "stop").kind, InboxKind::keyword);
  EXPECT_EQ(c.classify("12345", "help").kind, InboxKind::message);
}

}  // namespace
}  // namespace smppgw::engine
