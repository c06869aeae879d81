// The admin server's request parser: Beast's HTTP/1.1 parser (framing, limits, chunked
// bodies, keep-alive rules) keeping only the request line and the few fields the routes
// read, in a RequestHead whose strings are reused from request to request. A warm
// connection parses a request without allocating (Beast's generic fields container allocates
// every field). The body goes where the route asks, chosen after the header: appended to a
// string (JSON routes) or copied into a caller's buffer (streamed uploads), the latter with
// exactly the need_buffer protocol of Beast's buffer_body.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace smppgw::admin {

// What the server reads of a request header. Fields absent from the request are empty; a
// field sent twice keeps its first value.
struct RequestHead {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string method_string;
  std::string target;
  unsigned version = 11;  // 10 or 11
  std::string content_type;
  std::string authorization;
  std::string expect;

  void clear() {
    method = boost::beast::http::verb::unknown;
    method_string.clear();
    target.clear();
    version = 11;
    content_type.clear();
    authorization.clear();
    expect.clear();
  }
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  // `head` is cleared now and filled as the header is parsed.
  explicit RequestParser(RequestHead& head) : head_(head) { head_.clear(); }

  const RequestHead& head() const { return head_; }

  // Appends the body (or what comes of it) to `out`; the parser's body_limit bounds it.
  void body_to_string(std::string* out) {
    string_ = out;
    data_ = nullptr;
  }
  // Copies the body into [data, data + size); when it is full, reading stops with
  // http::error::need_buffer and body_space() is 0 (as with buffer_body).
  void body_to_buffer(char* data, std::size_t size) {
    string_ = nullptr;
    data_ = data;
    space_ = size;
  }
  std::size_t body_space() const { return space_; }

 private:
  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  std::size_t put(string_view body, error_code& ec);

  RequestHead& head_;
  std::string* string_ = nullptr;
  char* data_ = nullptr;
  std::size_t space_ = 0;
  // A field sent twice keeps its first value, even an empty one.
  bool seen_type_ = false;
  bool seen_auth_ = false;
  bool seen_expect_ = false;
};

}  // namespace smppgw::admin
