// A finished answer of the admin server (status, media type, body, extra headers) and its
// wire form: the status line and headers written straight into a buffer the connection
// reuses, so a reply costs one append and one write, with no generic header container.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smppgw::admin {

struct ApiResponse {
  unsigned status = 200;
  // Always static text (a literal or an embedded asset's type): a view saves an allocation
  // per answer ("application/json" is longer than a short-string buffer).
  std::string_view content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// How the answer is framed on this connection.
struct ResponseFraming {
  unsigned version = 11;   // of the request: 10 or 11
  bool keep_alive = true;  // false: "Connection: close" (HTTP/1.1) and the connection ends
  bool head = false;       // a HEAD request: the headers GET would give, no body (RFC 9110)
};

// The standard reason phrase of `status` ("OK", "Not Found", ...).
std::string_view reason_phrase(unsigned status);

// Appends the response to `out`: status line, Server, Content-Type, Cache-Control,
// X-Content-Type-Options, WWW-Authenticate (401), res.headers, Connection when it differs
// from the version's default, Content-Length, then the body unless framing.head.
void append_response(std::string& out, const ApiResponse& res, const ResponseFraming& framing);

// The same head without Content-Length, for a body of unknown length (a streamed export):
// "Transfer-Encoding: chunked" when `chunked`, else the body ends when the connection
// closes (HTTP/1.0). `extra` are the route's own headers.
void append_stream_head(std::string& out, unsigned status, std::string_view content_type,
                        const std::vector<std::pair<std::string, std::string>>& extra,
                        const ResponseFraming& framing, bool chunked);

}  // namespace smppgw::admin
