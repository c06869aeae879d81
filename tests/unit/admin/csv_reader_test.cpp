// CsvReader: RFC 4180 cases, fed whole, one byte at a time and split at every point.
#include "daemon/admin/csv_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smppgw::admin {
namespace {

struct Parsed {
  std::vector<std::vector<std::string>> records;
  std::vector<std::uint64_t> rows;
  std::optional<CsvError> error;
};

Parsed parse_chunks(const std::vector<std::string_view>& chunks) {
  Parsed p;
  CsvReader reader;
  auto on = [&](const CsvRecord& r) {
    p.records.push_back(r.fields);
    p.rows.push_back(r.row);
  };
  for (auto c : chunks) {
    if (auto r = reader.feed(c, on); !r) {
      p.error = r.error();
      return p;
    }
  }
  if (auto r = reader.finish(on); !r) p.error = r.error();
  return p;
}

Parsed parse_whole(std::string_view text) {
  return parse_chunks({text});
}

// Every way of cutting `text` into two chunks, and byte by byte, must parse as the whole.
void expect_split_invariant(std::string_view text) {
  const Parsed whole = parse_whole(text);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Parsed split = parse_chunks({text.substr(0, cut), text.substr(cut)});
    EXPECT_EQ(split.records, whole.records) << "cut at " << cut;
    EXPECT_EQ(split.rows, whole.rows) << "cut at " << cut;
    EXPECT_EQ(split.error, whole.error) << "cut at " << cut;
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < text.size(); ++i) bytes.push_back(text.substr(i, 1));
  Parsed one = parse_chunks(bytes);
  EXPECT_EQ(one.records, whole.records);
  EXPECT_EQ(one.error, whole.error);
}

using Records = std::vector<std::vector<std::string>>;

TEST(CsvReader, SimpleRecordsWithLf) {
  auto p = parse_whole("phone,name\n+14155552671,Ann\n");
  ASSERT_FALSE(p.error);
  EXPECT_EQ(p.records, (Records{{"phone", "name"}, {"+14155552671", "Ann"}}));
  EXPECT_EQ(p.rows, (std::vector<std::uint64_t>{1, 2}));
}

TEST(CsvReader, CrLfAndLoneCrEndRecords) {
  auto p = parse_whole("a,b\r\n1,2\r3,4\r\n");
  EXPECT_EQ(p.records, (Records{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, LastRecordWithoutLineEnd) {
  auto p = parse_whole("phone\n123");
  EXPECT_EQ(p.records, (Records{{"phone"}, {"123"}}));
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndNewlines) {
  auto p = parse_whole("\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\nx,,\"\"\n");
  EXPECT_EQ(p.records, (Records{{"a,b", "say \"hi\"", "line1\nline2"}, {"x", "", ""}}));
}

TEST(CsvReader, BomIsDropped) {
  auto p = parse_whole("\xEF\xBB\xBFPhone\n1\n");
  EXPECT_EQ(p.records, (Records{{"Phone"}, {"1"}}));
}

TEST(CsvReader, PartialBomIsContent) {
  auto p = parse_whole("\xEF\xBBx\n");
  EXPECT_EQ(p.records, (Records{{"\xEF\xBBx"}}));
  auto q = parse_whole("\xEF");
  EXPECT_EQ(q.records, (Records{{"\xEF"}}));
}

TEST(CsvReader, BlankLinesAreRecordsAndCountRows) {
  auto p = parse_whole("phone\n\n5\n");
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[1], (std::vector<std::string>{""}));
  EXPECT_EQ(p.rows, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  auto p = parse_whole("");
  EXPECT_FALSE(p.error);
  EXPECT_TRUE(p.records.empty());
}

TEST(CsvReader, NulByteIsBinary) {
  auto p = parse_whole(std::string_view("phone\n12\0003\n", 11));
  EXPECT_EQ(p.error, CsvError::binary_content);
}

TEST(CsvReader, PngSignatureIsBinary) {
  auto p = parse_whole("\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
  EXPECT_EQ(p.error, CsvError::binary_content);
}

TEST(CsvReader, ZipSignatureIsBinary) {
  auto p = parse_whole("PK\x03\x04\x14\x00");
  EXPECT_EQ(p.error, CsvError::binary_content);
}

TEST(CsvReader, OverlongRecordIsRefused) {
  CsvReader reader(CsvLimits{.max_record_bytes = 16, .max_fields = 8});
  auto r = reader.feed(std::string(17, 'x'), [](const CsvRecord&) {});
  EXPECT_EQ(r.error(), CsvError::record_too_long);
  // The reader stays failed.
  EXPECT_EQ(reader.feed("a\n", [](const CsvRecord&) {}).error(), CsvError::record_too_long);
}

TEST(CsvReader, TooManyFieldsIsRefused) {
  CsvReader reader(CsvLimits{.max_record_bytes = 1000, .max_fields = 3});
  auto r = reader.feed("a,b,c,d\n", [](const CsvRecord&) {});
  EXPECT_EQ(r.error(), CsvError::too_many_fields);
}

TEST(CsvReader, LimitIsPerRecord) {
  CsvReader reader(CsvLimits{.max_record_bytes = 8, .max_fields = 8});
  std::size_t n = 0;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(reader.feed("1234567\n", [&](const CsvRecord&) { ++n; }));
  }
  EXPECT_EQ(n, 100u);
}

TEST(CsvReader, UnterminatedQuoteEndsAtEof) {
  auto p = parse_whole("phone\n\"123\n");
  EXPECT_EQ(p.records, (Records{{"phone"}, {"123\n"}}));
}

TEST(CsvReader, TextAfterClosingQuoteIsKept) {
  auto p = parse_whole("\"12\"34,x\n");
  EXPECT_EQ(p.records, (Records{{"1234", "x"}}));
}

TEST(CsvReader, EverySplitPointParsesAlike) {
  expect_split_invariant(
      "\xEF\xBB\xBFPhone,\"Name, full\"\r\n\"+1 (415) 555-2671\",\"A \"\"B\"\"\"\r\n\r\n"
      "4155550000,x\rlast,\"multi\nline\"");
  expect_split_invariant("a\r\n\r\nb\r");
  expect_split_invariant(std::string_view("ok\nbad\0x", 9));
}

}  // namespace
}  // namespace smppgw::admin
