// MultipartParser: framing, part headers, and split invariance at every byte.
#include "daemon/admin/multipart_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smppgw::admin {
namespace {

struct Part {
  MultipartPart headers;
  std::string data;
  bool ended = false;
};

class Collect : public MultipartHandler {
 public:
  std::vector<Part> parts;
  bool on_part_begin(const MultipartPart& p) override {
    parts.push_back(Part{p, {}, false});
    return true;
  }
  bool on_part_data(std::string_view d) override {
    EXPECT_FALSE(d.empty());
    parts.back().data.append(d);
    return true;
  }
  bool on_part_end() override {
    parts.back().ended = true;
    return true;
  }
};

struct Result {
  std::vector<Part> parts;
  std::optional<MultipartError> error;
};

Result parse(std::string_view boundary, const std::vector<std::string_view>& chunks) {
  MultipartParser parser(boundary);
  Collect c;
  Result r;
  for (auto ch : chunks) {
    if (auto x = parser.feed(ch, c); !x) {
      r.error = x.error();
      r.parts = c.parts;
      return r;
    }
  }
  if (auto x = parser.finish(); !x) r.error = x.error();
  r.parts = c.parts;
  return r;
}

bool same(const std::vector<Part>& a, const std::vector<Part>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].headers.name != b[i].headers.name || a[i].headers.filename != b[i].headers.filename ||
        a[i].headers.content_type != b[i].headers.content_type || a[i].data != b[i].data ||
        a[i].ended != b[i].ended) {
      return false;
    }
  }
  return true;
}

const std::string kBody =
    "preamble to ignore\r\n"
    "------WebKitFormBoundaryX7\r\n"
    "Content-Disposition: form-data; name=\"scope\"\r\n"
    "\r\n"
    "all\r\n"
    "------WebKitFormBoundaryX7\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "\r\n"
    "phone\r\n+14155552671\r\n--not-a-boundary\r\n----WebKitFormBoundaryX\r\n"
    "\r\n"
    "------WebKitFormBoundaryX7\r\n"
    "content-disposition: form-data; name=\"phones\"\r\n"
    "\r\n"
    "phone\n4155550000\n"
    "\r\n------WebKitFormBoundaryX7--\r\n"
    "epilogue";

TEST(MultipartParser, ParsesPartsWithHeaders) {
  auto r = parse("----WebKitFormBoundaryX7", {kBody});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.parts.size(), 3u);
  EXPECT_EQ(r.parts[0].headers.name, "scope");
  EXPECT_FALSE(r.parts[0].headers.has_filename);
  EXPECT_EQ(r.parts[0].data, "all");
  EXPECT_EQ(r.parts[1].headers.name, "file");
  EXPECT_EQ(r.parts[1].headers.filename, "list.csv");
  EXPECT_TRUE(r.parts[1].headers.has_filename);
  EXPECT_EQ(r.parts[1].headers.content_type, "text/csv");
  EXPECT_EQ(r.parts[1].data,
            "phone\r\n+14155552671\r\n--not-a-boundary\r\n----WebKitFormBoundaryX\r\n");
  EXPECT_EQ(r.parts[2].headers.name, "phones");
  EXPECT_EQ(r.parts[2].data, "phone\n4155550000\n");
  for (auto& p : r.parts) EXPECT_TRUE(p.ended);
}

TEST(MultipartParser, EverySplitPointParsesAlike) {
  const auto whole = parse("----WebKitFormBoundaryX7", {kBody});
  std::string_view body = kBody;
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    auto r = parse("----WebKitFormBoundaryX7", {body.substr(0, cut), body.substr(cut)});
    EXPECT_FALSE(r.error) << "cut at " << cut;
    EXPECT_TRUE(same(r.parts, whole.parts)) << "cut at " << cut;
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < body.size(); ++i) bytes.push_back(body.substr(i, 1));
  auto r = parse("----WebKitFormBoundaryX7", bytes);
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(same(r.parts, whole.parts));
}

TEST(MultipartParser, NoPreambleAndEmptyPart) {
  auto r = parse("b", {"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                       "Content-Type: application/octet-stream\r\n\r\n\r\n--b--"});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_TRUE(r.parts[0].headers.has_filename);
  EXPECT_EQ(r.parts[0].headers.filename, "");
  EXPECT_EQ(r.parts[0].data, "");
}

TEST(MultipartParser, PartWithoutHeaders) {
  auto r = parse("b", {"--b\r\n\r\nxyz\r\n--b--\r\n"});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_EQ(r.parts[0].data, "xyz");
}

TEST(MultipartParser, MissingClosingDelimiterIsIncomplete) {
  auto r = parse("b", {"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nxyz"});
  EXPECT_EQ(r.error, MultipartError::incomplete);
}

TEST(MultipartParser, GarbageAfterDelimiterIsMalformed) {
  auto r = parse("b", {"--bXYZ\r\n\r\n"});
  EXPECT_EQ(r.error, MultipartError::malformed);
}

TEST(MultipartParser, BodyWithoutAnyDelimiterIsIncomplete) {
  auto r = parse("b", {std::string(100000, 'x')});
  EXPECT_EQ(r.error, MultipartError::incomplete);
}

TEST(MultipartParser, OversizedHeadersAreRefused) {
  std::string body =
      "--b\r\nX-Long: " + std::string(MultipartParser::kMaxPartHeaderBytes + 10, 'a');
  auto r = parse("b", {body});
  EXPECT_EQ(r.error, MultipartError::header_too_long);
}

// The answer must not depend on how the body is cut into chunks, at the limits too.
std::vector<std::string_view> bytes_of(std::string_view body) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < body.size(); ++i) out.push_back(body.substr(i, 1));
  return out;
}

TEST(MultipartParser, HeaderBlockOfExactlyTheLimitPassesWholeOrByteByByte) {
  // "--b\r\n" then a header block ending exactly kMaxPartHeaderBytes after that CRLF.
  const std::string line = "X-A: " + std::string(MultipartParser::kMaxPartHeaderBytes - 7, 'a');
  const std::string body = "--b\r\n" + line + "\r\n\r\ndata\r\n--b--";
  auto whole = parse("b", {body});
  auto bytewise = parse("b", bytes_of(body));
  EXPECT_FALSE(whole.error);
  EXPECT_FALSE(bytewise.error);
  ASSERT_EQ(bytewise.parts.size(), 1u);
  EXPECT_EQ(bytewise.parts[0].data, "data");
  // One byte more is refused either way.
  const std::string over = "--b\r\n" + line + "a\r\n\r\ndata\r\n--b--";
  EXPECT_EQ(parse("b", {over}).error, MultipartError::header_too_long);
  EXPECT_EQ(parse("b", bytes_of(over)).error, MultipartError::header_too_long);
}

TEST(MultipartParser, TransportPaddingIsBoundedWholeOrByteByByte) {
  const std::string tail =
      "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata\r\n--b--\r\n";
  const std::string ok = "--b" + std::string(MultipartParser::kMaxTransportPadding, ' ') + tail;
  EXPECT_FALSE(parse("b", {ok}).error);
  EXPECT_FALSE(parse("b", bytes_of(ok)).error);
  const std::string padded = "--b" + std::string(1100, ' ') + tail;
  EXPECT_EQ(parse("b", {padded}).error, MultipartError::malformed);
  EXPECT_EQ(parse("b", bytes_of(padded)).error, MultipartError::malformed);
}

TEST(MultipartParser, HandlerCanStop) {
  class Stop : public Collect {
    bool on_part_begin(const MultipartPart&) override { return false; }
  } stop;
  MultipartParser parser("b");
  auto r = parser.feed("--b\r\n\r\nx\r\n--b--", stop);
  EXPECT_EQ(r.error(), MultipartError::stopped);
}

TEST(MultipartParser, QuotedFilenameWithEscapesAndSemicolon) {
  auto r = parse("b", {"--b\r\nContent-Disposition: form-data; name=\"file\"; "
                       "filename=\"a;b \\\"c\\\".csv\"\r\nContent-Type: Text/CSV; charset=utf-8"
                       "\r\n\r\nx\r\n--b--"});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.parts[0].headers.filename, "a;b \"c\".csv");
  EXPECT_EQ(r.parts[0].headers.content_type, "text/csv");
}

TEST(MultipartBoundary, FromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a b\"").value(), "a b");
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("text/csv; boundary=abc"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
}

}  // namespace
}  // namespace smppgw::admin
