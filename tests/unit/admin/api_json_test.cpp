#include "daemon/admin/api_json.hpp"

#include <gtest/gtest.h>

namespace smppgw::admin {
namespace {

TEST(ApiJson, JsonStringsAreWhatDumpGives) {
  for (std::string s : {std::string(""), std::string("spring-promo"), std::string("a\"b\\c"),
                        std::string("\b\f\n\r\t"), std::string("\x01\x1f\x7f", 3),
                        std::string("caf\xc3\xa9"), std::string("bad \xff utf-8")}) {
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out, dump(Json(s))) << s;
  }
}

TEST(ApiJson, QueuedMessageIsTheDocumentsDump) {
  const Json doc{{"id", 42},
                 {"status", "queued"},
                 {"campaign", "spring \"promo\""},
                 {"encoding", "ucs2"},
                 {"segments", 3}};
  EXPECT_EQ(queued_message_json(42, "spring \"promo\"", "ucs2", 3), dump(doc));
}

}  // namespace
}  // namespace smppgw::admin
