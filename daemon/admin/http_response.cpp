#include "daemon/admin/http_response.hpp"

#include <charconv>

namespace smppgw::admin {

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;  // 24 digits hold any 64-bit number
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void append_common(std::string& out, unsigned status, std::string_view content_type,
                   const std::vector<std::pair<std::string, std::string>>& extra,
                   const ResponseFraming& framing) {
  out.append(framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, status);
  out.push_back(' ');
  out.append(reason_phrase(status)).append("\r\n");
  append_field(out, "Server", "smppgwd");
  append_field(out, "Content-Type", content_type);
  append_field(out, "Cache-Control", "no-store");
  append_field(out, "X-Content-Type-Options", "nosniff");
  if (status == 401) append_field(out, "WWW-Authenticate", "Bearer realm=\"smppgw\"");
  for (const auto& [name, value] : extra) append_field(out, name, value);
  // HTTP/1.1 connections persist unless told otherwise, HTTP/1.0 ones end unless told.
  if (framing.version == 10 && framing.keep_alive) append_field(out, "Connection", "keep-alive");
  if (framing.version != 10 && !framing.keep_alive) append_field(out, "Connection", "close");
}

}  // namespace

void append_response(std::string& out, const ApiResponse& res, const ResponseFraming& framing) {
  append_common(out, res.status, res.content_type, res.headers, framing);
  out.append("Content-Length: ");
  append_number(out, res.body.size());
  out.append("\r\n\r\n");
  if (!framing.head) out.append(res.body);
}

void append_stream_head(std::string& out, unsigned status, std::string_view content_type,
                        const std::vector<std::pair<std::string, std::string>>& extra,
                        const ResponseFraming& framing, bool chunked) {
  append_common(out, status, content_type, extra, framing);
  if (chunked) out.append("Transfer-Encoding: chunked\r\n");
  out.append("\r\n");
}

}  // namespace smppgw::admin
