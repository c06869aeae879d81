#include "daemon/admin/api_json.hpp"

#include <gtest/gtest.h>

namespace smppgw::admin {
namespace {

TEST(ApiJson, QueuedMessageHasTheSpecFields) {
  const auto doc = Json::parse(queued_message_json(42, "spring \"promo\"", "ucs2", 3));
  EXPECT_EQ(doc, (Json{{"id", 42},
                       {"status", "queued"},
                       {"campaign", "spring \"promo\""},
                       {"encoding", "ucs2"},
                       {"segments", 3}}));
}

}  // namespace
}  // namespace smppgw::admin
