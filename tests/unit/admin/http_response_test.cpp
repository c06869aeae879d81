#include "daemon/admin/http_response.hpp"

#include <gtest/gtest.h>

namespace smppgw::admin {
namespace {

TEST(HttpResponse, HeadersLengthAndBody) {
  std::string out;
  append_response(out, ApiResponse{202, "application/json", "{\"a\":1}", {{"X-Company", "Acme"}}},
                  ResponseFraming{11, true, false});
  EXPECT_EQ(out,
            "HTTP/1.1 202 Accepted\r\nServer: smppgwd\r\nContent-Type: application/json\r\n"
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Company: Acme\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(HttpResponse, HeadHasTheLengthOfGetButNoBody) {
  std::string get, head;
  const ApiResponse res{200, "text/plain", "hello", {}};
  append_response(get, res, ResponseFraming{11, true, false});
  append_response(head, res, ResponseFraming{11, true, true});
  EXPECT_EQ(get, head + "hello");
  EXPECT_NE(head.find("Content-Length: 5\r\n\r\n"), std::string::npos);
}

TEST(HttpResponse, ConnectionHeaderOnlyWhenItDiffersFromTheDefault) {
  std::string out;
  append_response(out, ApiResponse{200, "text/plain", "", {}}, ResponseFraming{11, true, false});
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
  out.clear();
  append_response(out, ApiResponse{200, "text/plain", "", {}}, ResponseFraming{11, false, false});
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  out.clear();
  append_response(out, ApiResponse{200, "text/plain", "", {}}, ResponseFraming{10, true, false});
  EXPECT_EQ(out.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
  out.clear();
  append_response(out, ApiResponse{200, "text/plain", "", {}}, ResponseFraming{10, false, false});
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
}

TEST(HttpResponse, UnauthorizedNamesTheScheme) {
  std::string out;
  append_response(out, ApiResponse{401, "application/json", "{}", {}},
                  ResponseFraming{11, true, false});
  EXPECT_EQ(out.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
  EXPECT_NE(out.find("WWW-Authenticate: Bearer realm=\"smppgw\"\r\n"), std::string::npos);
}

TEST(HttpResponse, StreamHeadIsChunkedOrEndsWithTheConnection) {
  std::string out;
  append_stream_head(out, 200, "text/csv", {}, ResponseFraming{11, true, false}, true);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  out.clear();
  append_stream_head(out, 200, "text/csv", {}, ResponseFraming{10, false, false}, false);
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(HttpResponse, ReasonPhrases) {
  EXPECT_EQ(reason_phrase(409), "Conflict");
  EXPECT_EQ(reason_phrase(413), "Payload Too Large");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Entity");
  EXPECT_EQ(reason_phrase(599), "Unknown");
}

}  // namespace
}  // namespace smppgw::admin
