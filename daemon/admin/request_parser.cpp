#include "daemon/admin/request_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cstring>

namespace smppgw::admin {

namespace http = boost::beast::http;

namespace {

// Keeps the first occurrence, as Beast's fields container answers req[field].
void keep_first(std::string& slot, bool& seen, boost::beast::string_view value) {
  if (seen) return;
  seen = true;
  slot.assign(value.data(), value.size());
}

}  // namespace

void RequestParser::on_request_impl(http::verb method, string_view method_str, string_view target,
                                    int version, error_code& ec) {
  head_.method = method;
  head_.method_string.assign(method_str.data(), method_str.size());
  head_.target.assign(target.data(), target.size());
  head_.version = static_cast<unsigned>(version);
  ec = {};
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_version;  // never called for a request parser
}

void RequestParser::on_field_impl(http::field name, string_view, string_view value,
                                  error_code& ec) {
  switch (name) {
    case http::field::content_type:
      keep_first(head_.content_type, seen_type_, value);
      break;
    case http::field::authorization:
      keep_first(head_.authorization, seen_auth_, value);
      break;
    case http::field::expect:
      keep_first(head_.expect, seen_expect_, value);
      break;
    default:
      break;
  }
  ec = {};
}

void RequestParser::on_header_impl(error_code& ec) {
  ec = {};
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>&, error_code& ec) {
  ec = {};
}

std::size_t RequestParser::put(string_view body, error_code& ec) {
  if (string_) {
    string_->append(body.data(), body.size());
    ec = {};
    return body.size();
  }
  if (!data_) {
    ec = http::error::need_buffer;
    return 0;
  }
  const std::size_t n = std::min(space_, body.size());
  if (n > 0) std::memcpy(data_, body.data(), n);
  data_ += n;
  space_ -= n;
  ec = n == body.size() ? error_code{} : error_code{http::error::need_buffer};
  return n;
}

std::size_t RequestParser::on_body_impl(string_view body, error_code& ec) {
  return put(body, ec);
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code& ec) {
  ec = {};
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return put(body, ec);
}

void RequestParser::on_finish_impl(error_code& ec) {
  ec = {};
}

}  // namespace smppgw::admin
