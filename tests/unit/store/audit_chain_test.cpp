// The audit hash chain's encoding and checker (store/audit_chain.hpp). The expected hashes
// were computed independently (Python's hashlib over the documented encoding), so a change of
// the encoding — which would break every stored chain — fails here.
#include "store/audit_chain.hpp"

#include <gtest/gtest.h>

namespace smppgw::store {
namespace {

AuditEvent first_event() {
  AuditEvent e{1,
               timestamp_from_unix_ms(1700000000123),
               "+14155550001",
               "spring",
               std::nullopt,
               SubscriptionState::opted_out,
               ChangeSource::sms,
               "mo:7",
               "STOP"};
  e.prev_hash = AuditHash{};
  return e;
}

AuditEvent second_event(const AuditHash& prev) {
  AuditEvent e{2,
               timestamp_from_unix_ms(1700000000456),
               "+14155550001",
               std::string(kAllCampaigns),
               SubscriptionState::opted_out,
               SubscriptionState::subscribed,
               ChangeSource::admin,
               "admin:ana inbox:7",
               "opt out \xc3\xb1"};
  e.prev_hash = prev;
  return e;
}

TEST(AuditChain, HashesTheDocumentedEncoding) {
  const auto h1 = audit_hash(first_event());
  EXPECT_EQ(to_hex(h1), "fc55c919d106aaa19e43f6faba3d145e7f8162c20ef23c9129091cc1466b6710");
  EXPECT_EQ(to_hex(audit_hash(second_event(h1))),
            "33df9e41c66d12d0dd6a4c7c682a66ab217867c2f03339778be626ba48e52c1d");
  EXPECT_EQ(to_hex(AuditHash{}), std::string(64, '0'));
}

TEST(AuditChain, EveryFieldIsCovered) {
  const auto base = audit_hash(first_event());
  std::vector<AuditEvent> changed(9, first_event());
  changed[0].id = 9;
  changed[1].at += std::chrono::milliseconds(1);
  changed[2].phone = "+14155550002";
  changed[3].campaign = "tips";
  changed[4].from_state = SubscriptionState::subscribed;
  changed[5].to_state = SubscriptionState::subscribed;
  changed[6].source = ChangeSource::csv;
  changed[7].ref = "mo:8";
  changed[8].reason = "STOP ALL";
  for (std::size_t i = 0; i < changed.size(); ++i) EXPECT_NE(audit_hash(changed[i]), base) << i;
  // Lengths keep texts apart: moving a byte from one field to the next changes the hash.
  auto a = first_event(), b = first_event();
  a.ref = "mo:7S";
  a.reason = "TOP";
  b.ref = "mo:7";
  b.reason = "STOP";
  EXPECT_NE(audit_hash(a), audit_hash(b));
}

TEST(AuditChain, CheckerAcceptsAnIntactChain) {
  AuditChainChecker c;
  const auto e1 = first_event();
  const auto e2 = second_event(audit_hash(e1));
  c.add(e1);
  c.add(e2);
  const auto r = c.report();
  EXPECT_EQ(r.events, 2u);
  EXPECT_EQ(r.head, audit_hash(e2));
  EXPECT_FALSE(r.broken);
  EXPECT_EQ(AuditChainChecker().report(), (AuditChainReport{0, AuditHash{}, std::nullopt}));
}

TEST(AuditChain, CheckerNamesTheFirstBrokenLink) {
  const auto e1 = first_event();
  auto e2 = second_event(audit_hash(e1));
  auto altered = e1;
  altered.reason = "STOP!";
  {
    AuditChainChecker c;  // event 1 changed after event 2 was chained to it
    c.add(altered);
    c.add(e2);
    ASSERT_TRUE(c.report().broken);
    EXPECT_EQ(c.report().broken->id, 2u);
    EXPECT_EQ(c.report().events, 2u);
  }
  {
    AuditChainChecker c;  // the first event does not start from zeros
    auto e = e1;
    e.prev_hash->fill(1);
    c.add(e);
    ASSERT_TRUE(c.report().broken);
    EXPECT_EQ(c.report().broken->id, 1u);
  }
  {
    AuditChainChecker c;  // an event removed
    c.add(e1);
    auto e3 = e2;
    e3.id = 3;
    c.add(e3);
    ASSERT_TRUE(c.report().broken);
    EXPECT_EQ(c.report().broken->id, 2u);
    EXPECT_NE(c.report().broken->problem.find("missing"), std::string::npos);
  }
  {
    AuditChainChecker c;  // a row that lost its hash
    c.add(e1);
    e2.prev_hash.reset();
    c.add(e2);
    ASSERT_TRUE(c.report().broken);
    EXPECT_EQ(c.report().broken->id, 2u);
  }
}

}  // namespace
}  // namespace smppgw::store
