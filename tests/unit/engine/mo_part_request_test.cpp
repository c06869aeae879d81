// The write requests of concatenated MO parts against a real LMDB store through the real
// writer: each part committed on its own, the last one running the keyword engine on the
// whole text, resent parts stored once, a reused reference, expiry with what arrived (also
// after a restart) and the duplicate window.
#include "daemon/engine/mo_part_request.hpp"

#include <gtest/gtest.h>

#include <future>

#include "store/store.hpp"
#include "store/writer.hpp"
#include "tests/unit/engine/engine_test_support.hpp"

namespace smppgw::engine {
namespace {

using store::InboxKind;
using store::MoPart;
using store::MoPartSetKey;
using Outcome = MoPartResult::Outcome;

constexpr const char* kPhone = "+14155552671";

// The test's "decoding": the octets as text, joined, with the link named so that a test can
// see which link's decoding was asked for.
std::string join_parts(std::string_view link, const std::vector<MoPart>& parts) {
  std::string out;
  for (const auto& p : parts) out += p.octets;
  return link == "link-a" ? out : std::string(link) + ":" + out;
}

class MoPartRequestTest : public test::StoreTest {
 protected:
  MoPartResult part(std::uint8_t seq, const std::string& octets, std::int64_t at,
                    std::uint16_t reference = 7, std::uint8_t total = 3,
                    const std::string& to = "12345") {
    std::promise<std::pair<std::error_code, MoPartResult>> done;
    auto future = done.get_future();
    const MoPartSetKey key{kPhone, to, reference, total};
    auto ec = writer_->submit(make_mo_part_request(
        engine_, join_parts, timing_, key, MoPart{seq, 0, 6, octets, test::t(at)}, "link-a",
        [&done](std::error_code e, const MoPartResult& r) {
          done.set_value({e, r});
        }));
    EXPECT_FALSE(ec) << ec.message();
    auto [e, r] = future.get();
    EXPECT_FALSE(e) << e.message();
    return r;
  }

  MoPartExpiryResult expire(std::int64_t at) {
    std::promise<std::pair<std::error_code, MoPartExpiryResult>> done;
    auto future = done.get_future();
    auto ec = writer_->submit(make_mo_part_expiry_request(
        engine_, join_parts, timing_, [at] { return test::t(at); },
        [&done](std::error_code e, const MoPartExpiryResult& r) {
          done.set_value({e, r});
        }));
    EXPECT_FALSE(ec) << ec.message();
    auto [e, r] = future.get();
    EXPECT_FALSE(e) << e.message();
    return r;
  }

  std::vector<store::InboxMessage> inbox() {
    return store_->inbox_page(store::InboxQuery{}).value().messages;
  }

  std::shared_ptr<const KeywordEngine> engine_ = test::test_engine();
  MoPartTiming timing_{std::chrono::seconds(60), std::chrono::seconds(300)};
};

TEST_F(MoPartRequestTest, EachPartIsStoredAndTheLastRunsTheEngineOnTheWholeText) {
  auto first = part(1, "Sto", 1);
  EXPECT_EQ(first.outcome, Outcome::stored);
  EXPECT_EQ(first.expires_at, test::t(61));
  EXPECT_TRUE(inbox().empty());    // nothing for the engine yet
  auto third = part(3, "ase", 2);  // out of order
  EXPECT_EQ(third.outcome, Outcome::stored);
  EXPECT_EQ(third.inbox_id, first.inbox_id);
  auto second = part(2, "p ple", 3);
  ASSERT_EQ(second.outcome, Outcome::completed);
  EXPECT_EQ(second.inbox_id, first.inbox_id);
  ASSERT_TRUE(second.message);
  EXPECT_EQ(second.message->inbox_id, first.inbox_id);
  EXPECT_EQ(second.message->decision.kind, InboxKind::stop);

  auto rows = inbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, first.inbox_id);
  EXPECT_EQ(rows[0].text, "Stop please");
  EXPECT_EQ(rows[0].received_at, test::t(1));  // when its first part was stored
  EXPECT_EQ(rows[0].kind, InboxKind::stop);
}

TEST_F(MoPartRequestTest, APartResentAfterItsResponseWasLostIsStoredOnce) {
  part(1, "SPR", 1);
  EXPECT_EQ(part(1, "SPR", 2).outcome, Outcome::duplicate);
  part(2, "IN", 3);
  auto done = part(3, "G", 4);
  ASSERT_EQ(done.outcome, Outcome::completed);
  EXPECT_EQ(done.message->decision.kind, InboxKind::keyword);
  // After completion too: the last part again, within the duplicate window.
  auto again = part(3, "G", 5);
  EXPECT_EQ(again.outcome, Outcome::duplicate);
  EXPECT_EQ(again.inbox_id, done.inbox_id);
  ASSERT_EQ(inbox().size(), 1u);
  EXPECT_EQ(inbox()[0].text, "SPRING");
}

TEST_F(MoPartRequestTest, AReusedReferenceStoresTheWaitingSetAndStartsANewOne) {
  auto old = part(1, "hello ", 1, 9, 2);
  auto fresh = part(1, "other ", 2, 9, 2);  // same seq, other content: a new message
  EXPECT_EQ(fresh.outcome, Outcome::stored);
  ASSERT_TRUE(fresh.displaced);
  EXPECT_EQ(fresh.displaced->arrived, 1u);
  EXPECT_EQ(fresh.displaced->mo.inbox_id, old.inbox_id);
  EXPECT_NE(fresh.inbox_id, old.inbox_id);
  auto done = part(2, "text", 3, 9, 2);
  EXPECT_EQ(done.outcome, Outcome::completed);
  auto rows = inbox();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "other text");  // newest (highest id) first
  EXPECT_EQ(rows[1].text, "hello ");
  // And after completion: another first part under the key is a new message too.
  auto next = part(1, "third ", 4, 9, 2);
  EXPECT_EQ(next.outcome, Outcome::stored);
  EXPECT_FALSE(next.displaced);
  EXPECT_NE(next.inbox_id, done.inbox_id);
}

TEST_F(MoPartRequestTest, ExpiryStoresWhatArrivedOnceTheTimeoutPassedAlsoAfterARestart) {
  auto first = part(1, "Hi ", 10);
  part(2, "there", 20);
  EXPECT_TRUE(expire(69).stored.empty());  // 59 s after the first part
  close();
  open();  // the parts are in the store, not in memory
  auto r = expire(70);
  ASSERT_EQ(r.stored.size(), 1u);
  EXPECT_EQ(r.stored[0].arrived, 2u);
  EXPECT_EQ(r.stored[0].key.total, 3);
  EXPECT_EQ(r.stored[0].mo.inbox_id, first.inbox_id);
  EXPECT_EQ(r.next, test::t(370));  // the completed set is kept for the duplicate window
  auto rows = inbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "Hi there");
  EXPECT_EQ(rows[0].id, first.inbox_id);
  // A resent part of what was stored is still recognised; the missing part starts anew.
  EXPECT_EQ(part(2, "there", 80).outcome, Outcome::duplicate);
  auto late = part(3, "!", 90);
  EXPECT_EQ(late.outcome, Outcome::stored);
  EXPECT_NE(late.inbox_id, first.inbox_id);
}

TEST_F(MoPartRequestTest, APartPastItsSetsTimeoutStoresTheSetEvenBeforeExpiryRan) {
  auto first = part(1, "Hi ", 10);
  auto late = part(2, "there", 75);
  ASSERT_TRUE(late.displaced);
  EXPECT_EQ(late.displaced->mo.inbox_id, first.inbox_id);
  EXPECT_EQ(late.outcome, Outcome::stored);
  EXPECT_EQ(late.expires_at, test::t(135));
  ASSERT_EQ(inbox().size(), 1u);
  EXPECT_EQ(inbox()[0].text, "Hi ");
}

TEST_F(MoPartRequestTest, CompletedSetsAreForgottenAfterTheDuplicateWindow) {
  part(1, "a", 1, 1, 2);
  part(2, "b", 2, 1, 2);
  part(1, "c", 3, 2, 2);  // another set, still waiting
  auto r = expire(10);
  EXPECT_TRUE(r.stored.empty());
  EXPECT_EQ(r.forgotten, 0u);
  EXPECT_EQ(r.next, test::t(63));  // the waiting set's timeout comes first
  r = expire(302);
  EXPECT_EQ(r.forgotten, 1u);
  EXPECT_EQ(r.stored.size(), 1u);  // the waiting set, long past its timeout
  // Forgotten: the same part again is a new message now.
  auto again = part(2, "b", 303, 1, 2);
  EXPECT_EQ(again.outcome, Outcome::stored);
  r = expire(1000);
  EXPECT_EQ(r.stored.size(), 1u);
  EXPECT_EQ(r.forgotten, 1u);
  r = expire(2000);
  EXPECT_FALSE(r.next);  // nothing left
  EXPECT_EQ(inbox().size(), 3u);
}

TEST_F(MoPartRequestTest, ExpiryStopsAtItsLimitAndAsksToRunAgainAtOnce) {
  for (std::uint16_t ref = 0; ref < 3; ++ref) part(1, "x", 1, ref, 2);
  std::promise<MoPartExpiryResult> done;
  auto future = done.get_future();
  ASSERT_FALSE(writer_->submit([&] {
    store::WriteRequest req;
    auto result = std::make_shared<MoPartExpiryResult>();
    req.apply = [this, result](store::WriteTxn& txn) -> std::error_code {
      auto r = expire_mo_parts(txn, *engine_, join_parts, timing_, test::t(100), 2);
      if (!r) return r.error();
      *result = std::move(*r);
      return {};
    };
    req.complete = [&done, result](std::error_code) { done.set_value(*result); };
    return req;
  }()));
  auto r = future.get();
  EXPECT_EQ(r.stored.size(), 2u);
  EXPECT_EQ(r.next, test::t(100));
  EXPECT_EQ(expire(100).stored.size(), 1u);
}

}  // namespace
}  // namespace smppgw::engine
