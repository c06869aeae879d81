#include "daemon/engine/suppression.hpp"

#include <gtest/gtest.h>

namespace smppgw::engine {
namespace {

using store::OutboxKind;
using store::SubscriptionState;

TEST(Suppression, OptedOutReceivesOnlyTheStopConfirmationAndHelp) {
  const OutboxKind all[] = {OutboxKind::reply,
                            OutboxKind::chat,
                            OutboxKind::broadcast,
                            OutboxKind::auto_reply,
                            OutboxKind::stop_confirmation,
                            OutboxKind::help};
  for (OutboxKind k : all) {
    SCOPED_TRACE(std::string(store::to_string(k)));
    const bool exempt = k == OutboxKind::stop_confirmation || k == OutboxKind::help;
    EXPECT_EQ(exempt_from_suppression(k), exempt);
    EXPECT_EQ(suppressed(k, SubscriptionState::opted_out), !exempt);
    EXPECT_FALSE(suppressed(k, SubscriptionState::subscribed));
    EXPECT_FALSE(suppressed(k, std::nullopt));  // never joined: a reply is allowed
  }
}

TEST(Suppression, RecordWinsOverTheCompanyWideOptOut) {
  // Company-wide opt-out and no record for the campaign: suppressed.
  EXPECT_TRUE(suppressed(OutboxKind::broadcast, std::nullopt, true));
  // Joined the campaign after STOP ALL: that campaign only is allowed again.
  EXPECT_FALSE(suppressed(OutboxKind::broadcast, SubscriptionState::subscribed, true));
  EXPECT_TRUE(suppressed(OutboxKind::chat, SubscriptionState::opted_out, false));
  EXPECT_FALSE(suppressed(OutboxKind::chat, std::nullopt, false));
  EXPECT_FALSE(suppressed(OutboxKind::help, std::nullopt, true));
  EXPECT_FALSE(suppressed(OutboxKind::stop_confirmation, SubscriptionState::opted_out, true));
}

}  // namespace
}  // namespace smppgw::engine
