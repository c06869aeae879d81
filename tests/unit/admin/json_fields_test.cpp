// read_json_fields must accept and refuse exactly what Json::parse does, and agree with the
// document on every member's type and value.
#include "daemon/admin/json_fields.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>

namespace smppgw::admin {
namespace {

using Kind = JsonField::Kind;

std::array<JsonField, 3> fields() {
  return {{{"to"}, {"text"}, {"reply_to"}}};
}

// The member's kind as the document sees it.
Kind dom_kind(const nlohmann::json& doc, std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end()) return Kind::absent;
  if (it->is_null()) return Kind::null;
  if (it->is_string()) return Kind::string;
  return Kind::other;
}

void expect_same_as_document(std::string_view body) {
  auto f = fields();
  const bool ok = read_json_fields(body, f);
  auto doc = nlohmann::json::parse(body, nullptr, false);
  const bool dom_ok = !doc.is_discarded() && doc.is_object();
  ASSERT_EQ(ok, dom_ok) << body;
  if (!ok) return;
  for (const auto& field : f) {
    EXPECT_EQ(field.kind, dom_kind(doc, field.name)) << body << " " << field.name;
    if (field.kind == Kind::string) {
      EXPECT_EQ(field.value, doc[std::string(field.name)].get<std::string>()) << body;
    }
  }
}

TEST(JsonFields, ReadsStringMembers) {
  auto f = fields();
  ASSERT_TRUE(read_json_fields(R"({"to":"+14155550100","text":"Hi \"there\"\n","x":1})", f));
  EXPECT_EQ(f[0].kind, Kind::string);
  EXPECT_EQ(f[0].value, "+14155550100");
  EXPECT_EQ(f[1].value, "Hi \"there\"\n");
  EXPECT_EQ(f[2].kind, Kind::absent);
}

TEST(JsonFields, TypesNullsAndNestedValues) {
  auto f = fields();
  ASSERT_TRUE(
      read_json_fields(R"({"to":{"text":"inner","to":"x"},"text":null,"reply_to":[1,"a"]})", f));
  EXPECT_EQ(f[0].kind, Kind::other);  // the nested "to" and "text" are not top-level members
  EXPECT_EQ(f[1].kind, Kind::null);
  EXPECT_EQ(f[2].kind, Kind::other);
}

TEST(JsonFields, LastDuplicateWinsAsInTheDocument) {
  expect_same_as_document(R"({"to":"a","to":"b"})");
  expect_same_as_document(R"({"to":"a","to":5})");
  expect_same_as_document(R"({"to":5,"to":"c"})");
  auto f = fields();
  ASSERT_TRUE(read_json_fields(R"({"to":"a","to":5})", f));
  EXPECT_EQ(f[0].kind, Kind::other);
  EXPECT_TRUE(f[0].value.empty());
}

TEST(JsonFields, AcceptsAndRefusesWhatParseDoes) {
  for (std::string_view body : {"",
                                " ",
                                "{",
                                "}",
                                "[]",
                                "[{\"to\":\"a\"}]",
                                "\"to\"",
                                "42",
                                "null",
                                "true",
                                "{}",
                                "{\"to\":\"a\"} x",
                                "{\"to\":\"a\",}",
                                "{\"to\":'a'}",
                                "{\"to\":\"\xff\"}",
                                "{\"to\":\"a\"}{}",
                                "{\"text\":\"\\ud83d\\ude00\",\"to\":true}",
                                " {\"to\" : \"a\" } ",
                                "{\"to\":\"a\" /* c */}",
                                "{\"a\":{\"b\":[{\"c\":[]}]},\"to\":1.5e3}"}) {
    expect_same_as_document(body);
  }
}

TEST(JsonFields, ResetsFieldsBetweenCalls) {
  auto f = fields();
  ASSERT_TRUE(read_json_fields(R"({"to":"a","reply_to":1})", f));
  ASSERT_TRUE(read_json_fields(R"({"text":"b"})", f));
  EXPECT_EQ(f[0].kind, Kind::absent);
  EXPECT_TRUE(f[0].value.empty());
  EXPECT_EQ(f[2].kind, Kind::absent);
}

}  // namespace
}  // namespace smppgw::admin
