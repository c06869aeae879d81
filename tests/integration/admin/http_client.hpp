// A small blocking HTTP/1.1 client over a real TCP socket, for the admin tests and the
// benchmark: it sends bytes exactly as given (so tests can pipeline or send broken requests)
// and parses responses with Content-Length or chunked bodies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace smppgw::admin::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Opens the connection if needed and sends raw bytes.
  bool send_raw(std::string_view bytes);
  // Reads one response (the connection may hold more). A response to HEAD has no body
  // whatever its Content-Length says: pass head_request = true.
  std::optional<HttpResponse> read_response(bool head_request = false);

  // Everything the server sends until it closes the connection (a body without framing).
  std::string read_until_close();

  // One request; `token` empty: no Authorization header. Reconnects when the server closed.
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       std::string_view content_type = {}, std::string_view token = {},
                       const std::map<std::string, std::string>& extra = {});

  bool connected() const { return fd_ >= 0; }
  void close();

 private:
  bool connect();
  bool fill();  // reads more bytes into buf_; false on EOF or error

  std::string host_;
  std::uint16_t port_;
  int fd_ = -1;
  std::string buf_;
};

// The bytes of a request with the usual headers (Host, Content-Length, Authorization).
std::string make_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type, std::string_view token,
                         const std::map<std::string, std::string>& extra = {});

// A TCP port on 127.0.0.1 that was free a moment ago (for a daemon under test to listen on).
std::uint16_t free_port();

}  // namespace smppgw::admin::testing
