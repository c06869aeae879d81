// Admin operations through the rules, against a real store.
#include "daemon/engine/admin_requests.hpp"

#include <gtest/gtest.h>

#include <future>

#include "daemon/engine/mo_request.hpp"
#include "store/store.hpp"
#include "tests/unit/engine/engine_test_support.hpp"

namespace smppgw::engine {
namespace {

using store::SubscriptionState;
constexpr const char* kPhone = "+14155552671";

class AdminRequestsTest : public test::StoreTest {
 protected:
  void mo(const std::string& to, const std::string& text) {
    std::promise<std::error_code> done;
    auto f = done.get_future();
    ASSERT_FALSE(writer_->submit(
        make_mo_request(engine_, MoMessage{kPhone, to, text, test::t(1), "a"},
                        [&](std::error_code ec, const MoResult&) { done.set_value(ec); })));
    ASSERT_FALSE(f.get());
  }

  std::pair<std::error_code, ProfileOptOutResult> opt_out(const std::string& campaign) {
    std::promise<std::pair<std::error_code, ProfileOptOutResult>> done;
    auto f = done.get_future();
    EXPECT_FALSE(writer_->submit(
        make_profile_opt_out_request(ProfileOptOut{kPhone, campaign, test::t(5), "req-7"},
                                     [&](std::error_code ec, const ProfileOptOutResult& r) {
                                       done.set_value({ec, r});
                                     })));
    return f.get();
  }

  std::pair<std::error_code, Acceptance> send(const std::string& campaign,
                                              store::OutboxKind kind = store::OutboxKind::chat) {
    std::promise<std::pair<std::error_code, Acceptance>> done;
    auto f = done.get_future();
    OutgoingMessage m{kPhone,   campaign == "clinic" ? "67890" : "12345",
                      campaign, "hi there",
                      kind,     store::TextEncoding::gsm7,
                      1,        test::t(9)};
    EXPECT_FALSE(writer_->submit(
        make_accept_message_request(m, [&](std::error_code ec, const Acceptance& a) {
          done.set_value({ec, a});
        })));
    return f.get();
  }

  std::shared_ptr<const KeywordEngine> engine_ = test::test_engine();
};

TEST_F(AdminRequestsTest, OptOutProfileIsAuditedAsAdminAndIdempotent) {
  mo("12345", "SPRING");
  auto [ec, r] = opt_out("spring");
  ASSERT_FALSE(ec);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.before, SubscriptionState::subscribed);
  EXPECT_EQ(store_->state(kPhone, "spring").value(), SubscriptionState::opted_out);
  store::AuditQuery q;
  q.phone = kPhone;
  auto audit = store_->audit_page(q).value();
  ASSERT_FALSE(audit.events.empty());
  EXPECT_EQ(audit.events[0].source, store::ChangeSource::admin);
  EXPECT_EQ(audit.events[0].ref, "req-7");
  EXPECT_EQ(audit.events[0].reason, "opt out profile");

  auto [ec2, again] = opt_out("spring");
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(store_->audit_page(q).value().events.size(), audit.events.size());
}

TEST_F(AdminRequestsTest, OptOutProfileNeedsACampaign) {
  auto [ec, r] = opt_out("");
  EXPECT_EQ(ec, store::make_error_code(store::StoreErrc::invalid_argument));
  EXPECT_FALSE(r.changed);
}

TEST_F(AdminRequestsTest, ChatIsRefusedWhileOptedOutAndNothingIsQueued) {
  mo("12345", "SPRING");
  auto [ec, ok] = send("spring");
  ASSERT_FALSE(ec);
  EXPECT_TRUE(ok.accepted);
  EXPECT_EQ(store_->outbox_message(ok.outbox_id).value()->kind, store::OutboxKind::chat);
  const auto before = store_->pending_count("12345").value();

  mo("12345", "STOP");
  const auto after_stop = store_->pending_count("12345").value();
  EXPECT_EQ(after_stop, before + 1);  // the confirmation
  auto [ec2, refused] = send("spring");
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.state, SubscriptionState::opted_out);
  EXPECT_EQ(store_->pending_count("12345").value(), after_stop);
  auto [ec3, reply] = send("spring", store::OutboxKind::reply);
  EXPECT_FALSE(reply.accepted);
}

TEST_F(AdminRequestsTest, NeverJoinedMayBeAnsweredButCompanyOptOutMayNot) {
  auto [ec, a] = send("clinic", store::OutboxKind::reply);  // texted us but never joined
  ASSERT_FALSE(ec);
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.state, std::nullopt);
  mo("12345", "STOPALL");
  auto [ec2, b] = send("clinic", store::OutboxKind::reply);
  ASSERT_FALSE(ec2);
  EXPECT_FALSE(b.accepted);
  mo("67890", "CLINIC");  // the subscriber's own join lifts it for clinic only
  EXPECT_TRUE(send("clinic").second.accepted);
  EXPECT_FALSE(send("tips").second.accepted);
}

}  // namespace
}  // namespace smppgw::engine
