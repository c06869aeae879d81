// store/postgres/sql_text.cpp: bytea and array literals round-trip every byte and every
// awkward element (quotes, backslashes, commas, braces, the word NULL, empty strings), the
// server's own output parses, and malformed text is refused rather than guessed at.
#include "store/postgres/sql_text.hpp"

#include <gtest/gtest.h>

#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::postgres {
namespace {

TEST(PostgresSqlText, ByteaRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(sql::bytea("hi"), "\\x6869");
  EXPECT_EQ(sql::from_bytea(sql::bytea(all)), all);
  EXPECT_EQ(sql::from_bytea("\\x"), std::string());
  EXPECT_EQ(sql::from_bytea("\\x6G"), std::nullopt);
  EXPECT_EQ(sql::from_bytea("\\x686"), std::nullopt);
  EXPECT_EQ(sql::from_bytea("6869"), std::nullopt);
}

TEST(PostgresSqlText, ArrayLiteralsQuoteEveryElement) {
  sql::ArrayLiteral a;
  a.add(std::string_view("plain"));
  a.add(std::string_view("a \"q\" \\ b"));
  a.add(std::string_view(""));
  a.add_null();
  a.add(std::int64_t{-42});
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.take(), "{\"plain\",\"a \\\"q\\\" \\\\ b\",\"\",NULL,-42}");
  EXPECT_EQ(a.take(), "{}");
  EXPECT_EQ(sql::text_array({"x", "NULL"}), "{\"x\",\"NULL\"}");
  EXPECT_EQ(sql::int_array({1, 2}), "{1,2}");
}

TEST(PostgresSqlText, ParsesTheServersForms) {
  using V = std::vector<std::optional<std::string>>;
  EXPECT_EQ(sql::parse_array("{}"), V{});
  EXPECT_EQ(sql::parse_array("{a,\"b c\",NULL,\"NULL\",\"\",\"x\\\"y\\\\z\"}"),
            (V{"a", "b c", std::nullopt, "NULL", "", "x\"y\\z"}));
  EXPECT_EQ(sql::parse_text_array("{1,2}"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(sql::parse_text_array("{a,NULL}"), std::nullopt);
  for (const char* bad : {"", "{", "a,b", "{a,}", "{,a}", "{\"a}", "{{a}}", "{a\"b}", "{\"a\"b}"}) {
    EXPECT_EQ(sql::parse_array(bad), std::nullopt) << bad;
  }
}

TEST(PostgresSqlText, Numbers) {
  EXPECT_EQ(sql::to_int64(std::string("-9223372036854775808")), INT64_MIN);
  EXPECT_EQ(sql::to_int64(std::string("12a")), std::nullopt);
  EXPECT_EQ(sql::to_int64(std::nullopt), std::nullopt);
  EXPECT_EQ(sql::to_uint64(std::string("-1")), std::nullopt);
  EXPECT_EQ(sql::to_uint64(std::string("7")), 7u);
}

class PostgresSqlTextOnServer : public test::PgTest {};

TEST_F(PostgresSqlTextOnServer, WhatWeSendIsWhatTheServerPrintsBack) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::vector<std::string> awkward = {"",        "NULL",        "a,b",      "{x}",
                                            "q\"uote", "back\\slash", " spaced ", "émoji 😀"};
  sql::ArrayLiteral bytes;
  bytes.add_bytea(all);
  bytes.add_bytea("");
  auto r = conn_->exec({"SELECT $1::bytea, $2::text[], $3::bytea[]",
                        {sql::bytea(all), sql::text_array(awkward), bytes.take()}});
  ASSERT_TRUE(r) << r.error().message;
  const auto& row = r->rows.at(0);
  EXPECT_EQ(sql::from_bytea(row.at(0).value()), all);
  EXPECT_EQ(sql::parse_text_array(row.at(1).value()), awkward);
  auto elements = sql::parse_text_array(row.at(2).value());
  ASSERT_TRUE(elements);
  ASSERT_EQ(elements->size(), 2u);
  EXPECT_EQ(sql::from_bytea((*elements)[0]), all);
  EXPECT_EQ(sql::from_bytea((*elements)[1]), std::string());
}

}  // namespace
}  // namespace smppgw::store::postgres
