// Tests of daemon/listener_accounts.cpp: the listener's bind check — credentials, allowed
// source addresses, max_binds, the statuses sent, and the slow-down of repeated failures.
#include "daemon/listener_accounts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/pdu.hpp"

namespace smppgw::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = ListenerAccounts::Clock;

conf::ListenAccount account(std::string system_id, std::string password,
                            std::vector<std::string> allow, std::uint32_t max_binds = 4) {
  conf::ListenAccount a;
  a.system_id = std::move(system_id);
  a.password = conf::Secret(std::move(password));
  for (const auto& block : allow) a.allow.push_back(*conf::Cidr::parse(block));
  a.short_codes = {"67890"};
  a.max_binds = max_binds;
  return a;
}

PeerAddress ip(std::string_view text) {
  auto parsed = PeerAddress::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(PeerAddress{});
}

class ListenerAccountsTest : public ::testing::Test {
 protected:
  ListenerAccounts accounts{{
      account("carrier-b", "secret", {"127.0.0.1/32", "10.1.0.0/16"}, 2),
      account("carrier-c", "pw-c", {"192.0.2.0/24", "2001:db8::/32"}),
      account("closed", "nobody", {}),
  }};
  Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);
};

// ---- credentials_equal -----------------------------------------------------------------

TEST(CredentialsEqual, EqualOnlyWhenEveryOctetAndTheLengthMatch) {
  EXPECT_TRUE(credentials_equal("secret", "secret"));
  EXPECT_TRUE(credentials_equal("", ""));
  EXPECT_FALSE(credentials_equal("secreT", "secret"));
  EXPECT_FALSE(credentials_equal("Secret", "secret"));
  EXPECT_FALSE(credentials_equal("secre", "secret"));    // a prefix
  EXPECT_FALSE(credentials_equal("secret1", "secret"));  // an extension
  EXPECT_FALSE(credentials_equal("", "secret"));
  EXPECT_FALSE(credentials_equal("secret", ""));
}

TEST(CredentialsEqual, PaddingOctetsDoNotMakeAShorterInputEqual) {
  // The buffers are zero-padded: "ab" and "ab\0" fill them identically, the lengths differ.
  EXPECT_FALSE(credentials_equal(std::string_view("ab\0", 3), "ab"));
}

TEST(CredentialsEqual, InputAsLongAsTheBufferCompares_LongerNeverMatches) {
  const std::string full(ListenerAccounts::kCredentialBuffer, 'x');
  EXPECT_TRUE(credentials_equal(full, full));
  const std::string longer(ListenerAccounts::kCredentialBuffer + 1, 'x');
  EXPECT_FALSE(credentials_equal(longer, longer));
  EXPECT_FALSE(credentials_equal(longer, full));
}

// ---- PeerAddress -------------------------------------------------------------------------

TEST(PeerAddressTest, ParsesIpv4AndIpv6) {
  auto v4 = PeerAddress::parse("192.0.2.7");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->size, 4);
  EXPECT_EQ(v4->to_string(), "192.0.2.7");
  auto v6 = PeerAddress::parse("2001:db8::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->size, 16);
  EXPECT_EQ(v6->to_string(), "2001:db8::1");
}

TEST(PeerAddressTest, Ipv4MappedIpv6IsHeldAsIpv4) {
  auto mapped = PeerAddress::parse("::ffff:127.0.0.1");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->size, 4);
  EXPECT_EQ(*mapped, *PeerAddress::parse("127.0.0.1"));
}

TEST(PeerAddressTest, RejectsWhatIsNotANumericAddress) {
  EXPECT_FALSE(PeerAddress::parse(""));
  EXPECT_FALSE(PeerAddress::parse("localhost"));
  EXPECT_FALSE(PeerAddress::parse("127.0.0.1:2776"));
  EXPECT_FALSE(PeerAddress::parse("256.0.0.1"));
}

// ---- statuses and delays -----------------------------------------------------------------

TEST(BindStatus, CredentialAndAddressFailuresAllAnswerBindFail) {
  EXPECT_EQ(bind_status(BindRefusal::unknown_system_id), smpp::status::bind_fail);
  EXPECT_EQ(bind_status(BindRefusal::wrong_password), smpp::status::bind_fail);
  EXPECT_EQ(bind_status(BindRefusal::address_not_allowed), smpp::status::bind_fail);
  EXPECT_EQ(bind_status(BindRefusal::too_many_waiting), smpp::status::bind_fail);
  EXPECT_EQ(bind_status(BindRefusal::too_many_binds), smpp::status::already_bound);
}

TEST(FailureDelay, DoublesFromOneSecondUpToTheCap) {
  EXPECT_EQ(failure_delay(0), milliseconds(0));
  EXPECT_EQ(failure_delay(1), milliseconds(1000));
  EXPECT_EQ(failure_delay(2), milliseconds(2000));
  EXPECT_EQ(failure_delay(3), milliseconds(4000));
  EXPECT_EQ(failure_delay(4), milliseconds(8000));
  EXPECT_EQ(failure_delay(5), ListenerAccounts::kMaxFailureDelay);
  EXPECT_EQ(failure_delay(1'000'000), ListenerAccounts::kMaxFailureDelay);
}

// ---- check -------------------------------------------------------------------------------

TEST_F(ListenerAccountsTest, RightCredentialsFromAnAllowedAddressAreAccepted) {
  auto d = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
  ASSERT_TRUE(d.accepted()) << to_string(*d.refusal);
  EXPECT_EQ(d.status, smpp::status::ok);
  EXPECT_EQ(d.delay, milliseconds(0));
  ASSERT_TRUE(d.account);
  EXPECT_EQ(d.account->system_id, "carrier-b");
  EXPECT_EQ(d.account->short_codes, std::vector<std::string>{"67890"});
  EXPECT_TRUE(d.lease.held());
  EXPECT_FALSE(d.wait.held());
  EXPECT_EQ(accounts.binds("carrier-b"), 1u);
  d.lease.release();
  EXPECT_EQ(accounts.binds("carrier-b"), 0u);
}

TEST_F(ListenerAccountsTest, AnotherAccountAndAnotherAllowedBlockAreAcceptedToo) {
  auto b = accounts.check("carrier-b", "secret", ip("10.1.200.3"), t0);
  EXPECT_TRUE(b.accepted());
  auto c = accounts.check("carrier-c", "pw-c", ip("2001:db8:5::9"), t0);
  ASSERT_TRUE(c.accepted());
  EXPECT_EQ(c.account->system_id, "carrier-c");
}

TEST_F(ListenerAccountsTest, Ipv4MappedPeerMatchesAnIpv4Block) {
  auto d = accounts.check("carrier-b", "secret", ip("::ffff:127.0.0.1"), t0);
  EXPECT_TRUE(d.accepted());
}

TEST_F(ListenerAccountsTest, UnknownSystemIdIsRefusedWithBindFail) {
  auto d = accounts.check("carrier-x", "secret", ip("127.0.0.1"), t0);
  ASSERT_FALSE(d.accepted());
  EXPECT_EQ(*d.refusal, BindRefusal::unknown_system_id);
  EXPECT_EQ(d.status, smpp::status::bind_fail);
  EXPECT_FALSE(d.account);
  EXPECT_FALSE(d.lease.held());
  EXPECT_EQ(accounts.failures(ip("127.0.0.1"), t0), 1u);
}

TEST_F(ListenerAccountsTest, SystemIdIsCaseSensitiveAndComparedWhole) {
  EXPECT_EQ(*accounts.check("Carrier-B", "secret", ip("127.0.0.1"), t0).refusal,
            BindRefusal::unknown_system_id);
  EXPECT_EQ(*accounts.check("carrier-", "secret", ip("127.0.0.2"), t0).refusal,
            BindRefusal::unknown_system_id);
  EXPECT_EQ(*accounts.check("carrier-bb", "secret", ip("127.0.0.3"), t0).refusal,
            BindRefusal::unknown_system_id);
}

TEST_F(ListenerAccountsTest, WrongPasswordLooksLikeAnUnknownSystemIdToThePeer) {
  auto wrong_pw = accounts.check("carrier-b", "secreT", ip("127.0.0.1"), t0);
  ASSERT_FALSE(wrong_pw.accepted());
  EXPECT_EQ(*wrong_pw.refusal, BindRefusal::wrong_password);
  auto unknown = accounts.check("nobody", "secret", ip("10.1.0.1"), t0);
  EXPECT_EQ(wrong_pw.status, unknown.status);
  EXPECT_EQ(wrong_pw.delay, unknown.delay);
  EXPECT_EQ(accounts.binds("carrier-b"), 0u);
}

TEST_F(ListenerAccountsTest, PasswordOfAnotherAccountDoesNotOpenThisOne) {
  auto d = accounts.check("carrier-b", "pw-c", ip("127.0.0.1"), t0);
  ASSERT_FALSE(d.accepted());
  EXPECT_EQ(*d.refusal, BindRefusal::wrong_password);
}

TEST_F(ListenerAccountsTest, AddressOutsideAllowIsRefusedWhateverThePassword) {
  auto right_pw = accounts.check("carrier-b", "secret", ip("127.0.0.2"), t0);
  ASSERT_FALSE(right_pw.accepted());
  EXPECT_EQ(*right_pw.refusal, BindRefusal::address_not_allowed);
  EXPECT_EQ(right_pw.status, smpp::status::bind_fail);
  // From outside the allow list the answer does not tell whether the password was right.
  auto wrong_pw = accounts.check("carrier-b", "guess", ip("127.0.0.3"), t0);
  EXPECT_EQ(*wrong_pw.refusal, BindRefusal::address_not_allowed);
  EXPECT_EQ(right_pw.status, wrong_pw.status);
  // Another account's block does not count.
  EXPECT_EQ(*accounts.check("carrier-b", "secret", ip("192.0.2.1"), t0).refusal,
            BindRefusal::address_not_allowed);
  EXPECT_EQ(accounts.binds("carrier-b"), 0u);
}

TEST_F(ListenerAccountsTest, EmptyAllowListAdmitsNobody) {
  auto d = accounts.check("closed", "nobody", ip("127.0.0.1"), t0);
  ASSERT_FALSE(d.accepted());
  EXPECT_EQ(*d.refusal, BindRefusal::address_not_allowed);
}

TEST_F(ListenerAccountsTest, MaxBindsIsCountedPerAccountAndFreedWithTheLease) {
  auto first = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
  auto second = accounts.check("carrier-b", "secret", ip("10.1.0.9"), t0);
  ASSERT_TRUE(first.accepted());
  ASSERT_TRUE(second.accepted());
  EXPECT_EQ(accounts.binds("carrier-b"), 2u);

  auto third = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
  ASSERT_FALSE(third.accepted());
  EXPECT_EQ(*third.refusal, BindRefusal::too_many_binds);
  EXPECT_EQ(third.status, smpp::status::already_bound);
  // Right credentials: not a failure, no slow-down.
  EXPECT_EQ(accounts.failures(ip("127.0.0.1"), t0), 0u);
  // Other accounts have their own count.
  EXPECT_TRUE(accounts.check("carrier-c", "pw-c", ip("192.0.2.1"), t0).accepted());

  first.lease.release();
  EXPECT_EQ(accounts.binds("carrier-b"), 1u);
  auto again = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
  EXPECT_TRUE(again.accepted());
  EXPECT_EQ(accounts.binds("carrier-b"), 2u);
}

TEST_F(ListenerAccountsTest, LeaseMovesWithoutCountingTwice) {
  ListenerAccounts::Lease kept;
  {
    auto d = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
    kept = std::move(d.lease);
    EXPECT_FALSE(d.lease.held());  // NOLINT(bugprone-use-after-move): moved-from is empty
  }
  EXPECT_TRUE(kept.held());
  EXPECT_EQ(accounts.binds("carrier-b"), 1u);
  ListenerAccounts::Lease other(std::move(kept));
  EXPECT_EQ(accounts.binds("carrier-b"), 1u);
  other = ListenerAccounts::Lease{};
  EXPECT_EQ(accounts.binds("carrier-b"), 0u);
}

TEST(ListenerAccountsLifetime, LeaseAndWaitMayOutliveTheAccounts) {
  ListenerAccounts::Lease lease;
  ListenerAccounts::Wait wait;
  const auto t = ListenerAccounts::Clock::time_point{} + std::chrono::hours(1);
  {
    ListenerAccounts accounts{{account("a", "p", {"127.0.0.1/32"})}};
    (void)accounts.check("a", "wrong", ip("127.0.0.1"), t);
    auto d = accounts.check("a", "p", ip("127.0.0.1"), t);
    ASSERT_TRUE(d.accepted());
    ASSERT_TRUE(d.wait.held());
    lease = std::move(d.lease);
    wait = std::move(d.wait);
  }
  lease.release();
  wait.release();
  EXPECT_FALSE(lease.held());
  EXPECT_FALSE(wait.held());
}

// ---- slow-down of repeated failures --------------------------------------------------------

TEST_F(ListenerAccountsTest, DelayGrowsWithEachFailureOfTheAddressUpToTheCap) {
  const auto peer = ip("127.0.0.1");
  const std::vector<milliseconds> expected{milliseconds(0),    milliseconds(1000),
                                           milliseconds(2000), milliseconds(4000),
                                           milliseconds(8000), milliseconds(8000)};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto d = accounts.check("carrier-b", "guess" + std::to_string(i), peer, t0 + seconds(i));
    ASSERT_FALSE(d.accepted());
    EXPECT_EQ(d.delay, expected[i]) << "attempt " << i + 1;
    EXPECT_EQ(d.wait.held(), expected[i].count() > 0);
  }
  EXPECT_EQ(accounts.failures(peer, t0 + seconds(10)), expected.size());
  // Another address is not slowed down.
  EXPECT_EQ(accounts.check("carrier-b", "guess", ip("10.1.0.1"), t0).delay, milliseconds(0));
}

TEST_F(ListenerAccountsTest, RightBindFromAFailingAddressWaitsToo_ThenTheRecordIsCleared) {
  const auto peer = ip("127.0.0.1");
  (void)accounts.check("carrier-b", "guess1", peer, t0);
  (void)accounts.check("carrier-b", "guess2", peer, t0);
  // A success must not come back faster than a failure, or timing would reveal it.
  auto right = accounts.check("carrier-b", "secret", peer, t0);
  ASSERT_TRUE(right.accepted());
  EXPECT_EQ(right.delay, milliseconds(2000));
  EXPECT_TRUE(right.wait.held());
  EXPECT_EQ(accounts.failures(peer, t0), 0u);
  right.wait.release();
  auto next = accounts.check("carrier-b", "secret", peer, t0);
  EXPECT_TRUE(next.accepted());
  EXPECT_EQ(next.delay, milliseconds(0));
}

TEST_F(ListenerAccountsTest, FailuresAreForgottenAfterAQuietPeriod) {
  const auto peer = ip("127.0.0.1");
  for (int i = 0; i < 3; ++i) (void)accounts.check("carrier-b", "guess", peer, t0);
  EXPECT_EQ(accounts.failures(peer, t0 + ListenerAccounts::kQuietPeriod - seconds(1)), 3u);
  const auto later = t0 + ListenerAccounts::kQuietPeriod;
  EXPECT_EQ(accounts.failures(peer, later), 0u);
  auto d = accounts.check("carrier-b", "guess", peer, later);
  EXPECT_EQ(d.delay, milliseconds(0));
  EXPECT_EQ(accounts.failures(peer, later), 1u);  // counting starts again
}

TEST_F(ListenerAccountsTest, QuietPeriodCountsFromTheLastFailure) {
  const auto peer = ip("127.0.0.1");
  (void)accounts.check("carrier-b", "guess", peer, t0);
  (void)accounts.check("carrier-b", "guess", peer, t0 + minutes(9));
  EXPECT_EQ(accounts.failures(peer, t0 + minutes(15)), 2u);
  auto d = accounts.check("carrier-b", "guess", peer, t0 + minutes(15));
  EXPECT_EQ(d.delay, milliseconds(2000));
}

TEST_F(ListenerAccountsTest, OnlyAFewBindsOfAFailingAddressWait_MoreAreRefusedUnchecked) {
  const auto peer = ip("127.0.0.1");
  (void)accounts.check("carrier-b", "guess", peer, t0);  // one failure: delays from now on
  std::vector<ListenerAccounts::Decision> waiting;
  for (std::size_t i = 0; i < ListenerAccounts::kMaxWaitingPerAddress; ++i) {
    waiting.push_back(accounts.check("carrier-b", "guess", peer, t0));
    EXPECT_GT(waiting.back().delay.count(), 0);
    EXPECT_TRUE(waiting.back().wait.held());
  }
  const auto failures_before = accounts.failures(peer, t0);
  // Even the right password is not looked at: no guess is spent, nothing is counted.
  auto refused = accounts.check("carrier-b", "secret", peer, t0);
  ASSERT_FALSE(refused.accepted());
  EXPECT_EQ(*refused.refusal, BindRefusal::too_many_waiting);
  EXPECT_EQ(refused.status, smpp::status::bind_fail);
  EXPECT_EQ(refused.delay, milliseconds(0));
  EXPECT_FALSE(refused.wait.held());
  EXPECT_EQ(accounts.failures(peer, t0), failures_before);
  EXPECT_EQ(accounts.binds("carrier-b"), 0u);

  waiting.front().wait.release();  // its bind_resp went out
  auto admitted = accounts.check("carrier-b", "secret", peer, t0);
  EXPECT_TRUE(admitted.accepted());
  EXPECT_TRUE(admitted.wait.held());
}

TEST_F(ListenerAccountsTest, Ipv6AddressesOfOneSlash64ShareTheirRecord) {
  (void)accounts.check("carrier-c", "guess", ip("2001:db8::1"), t0);
  (void)accounts.check("carrier-c", "guess", ip("2001:db8::2"), t0);
  EXPECT_EQ(accounts.failures(ip("2001:db8::ffff"), t0), 2u);
  EXPECT_EQ(accounts.failures(ip("2001:db8:0:1::1"), t0), 0u);
  EXPECT_EQ(accounts.check("carrier-c", "pw-c", ip("2001:db8::3"), t0).delay, milliseconds(2000));
}

TEST_F(ListenerAccountsTest, FailureRecordsAreBounded_TheOldestGoesFirst) {
  const std::size_t n = ListenerAccounts::kMaxTrackedAddresses + 100;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string text = "10.2." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    (void)accounts.check("carrier-b", "guess", ip(text), t0 + milliseconds(i));
  }
  EXPECT_EQ(accounts.tracked_addresses(), ListenerAccounts::kMaxTrackedAddresses);
  const auto late = t0 + milliseconds(n);
  EXPECT_EQ(accounts.failures(ip("10.2.0.0"), late), 0u);  // evicted
  const std::string last =
      "10.2." + std::to_string((n - 1) / 256) + "." + std::to_string((n - 1) % 256);
  EXPECT_EQ(accounts.failures(ip(last), late), 1u);
}

TEST_F(ListenerAccountsTest, AQuietTableEmptiesItself) {
  (void)accounts.check("carrier-b", "guess", ip("127.0.0.1"), t0);
  (void)accounts.check("carrier-b", "guess", ip("10.1.0.1"), t0);
  EXPECT_EQ(accounts.tracked_addresses(), 2u);
  (void)accounts.check("carrier-b", "secret", ip("10.1.0.2"), t0 + ListenerAccounts::kQuietPeriod);
  EXPECT_EQ(accounts.tracked_addresses(), 0u);
}

// ---- reload --------------------------------------------------------------------------------

TEST_F(ListenerAccountsTest, ReplaceAppliesToNewBinds_CountsOfLiveBindsStay) {
  auto live = accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0);
  ASSERT_TRUE(live.accepted());
  accounts.replace({account("carrier-b", "newpass", {"127.0.0.1/32"}, 1)});
  EXPECT_EQ(accounts.binds("carrier-b"), 1u);
  // max_binds is now 1 and one bind is live.
  auto full = accounts.check("carrier-b", "newpass", ip("127.0.0.1"), t0);
  EXPECT_EQ(*full.refusal, BindRefusal::too_many_binds);
  live.lease.release();
  EXPECT_EQ(*accounts.check("carrier-b", "secret", ip("127.0.0.1"), t0 + seconds(20)).refusal,
            BindRefusal::wrong_password);
  // The removed account is unknown now.
  EXPECT_EQ(*accounts.check("carrier-c", "pw-c", ip("192.0.2.1"), t0).refusal,
            BindRefusal::unknown_system_id);
}

TEST(ListenerAccountsEmpty, WithoutAccountsEveryBindIsUnknown) {
  ListenerAccounts none{{}};
  const auto t = ListenerAccounts::Clock::time_point{} + std::chrono::hours(1);
  auto d = none.check("", "", ip("127.0.0.1"), t);
  ASSERT_FALSE(d.accepted());
  EXPECT_EQ(*d.refusal, BindRefusal::unknown_system_id);
}

}  // namespace
}  // namespace smppgw::daemon
