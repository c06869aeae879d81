// Blocking sockets with a receive timeout, so a server that never answers fails the test
// instead of hanging it.
#include "tests/integration/admin/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

namespace smppgw::admin::testing {

std::string HttpResponse::header(std::string_view name) const {
  std::string key(name);
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : host_(std::move(host)), port_(port) {}
HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buf_.clear();
}

bool HttpClient::connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  timeval tv{60, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close();
    return false;
  }
  return true;
}

bool HttpClient::send_raw(std::string_view bytes) {
  if (fd_ < 0 && !connect()) return false;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool HttpClient::fill() {
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<std::size_t>(n));
  return true;
}

std::optional<HttpResponse> HttpClient::read_response(bool head_request) {
  if (fd_ < 0) return std::nullopt;
  std::size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  HttpResponse r;
  std::string_view head(buf_.data(), end);
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    auto e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers[name] = std::string(value);
  }
  buf_.erase(0, end + 4);
  if (r.status == 100) return read_response(head_request);  // interim answer
  if (head_request) {
    // No body follows, whatever the headers announce.
  } else if (r.header("transfer-encoding") == "chunked") {
    for (;;) {
      std::size_t le;
      while ((le = buf_.find("\r\n")) == std::string::npos) {
        if (!fill()) return std::nullopt;
      }
      std::size_t size = std::strtoul(buf_.substr(0, le).c_str(), nullptr, 16);
      while (buf_.size() < le + 2 + size + 2) {
        if (!fill()) return std::nullopt;
      }
      r.body.append(buf_, le + 2, size);
      buf_.erase(0, le + 2 + size + 2);
      if (size == 0) break;
    }
  } else if (auto cl = r.header("content-length"); !cl.empty()) {
    std::size_t size = std::strtoull(cl.c_str(), nullptr, 10);
    while (buf_.size() < size) {
      if (!fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, size);
    buf_.erase(0, size);
  }
  if (r.header("connection") == "close") close();
  return r;
}

std::string HttpClient::read_until_close() {
  while (fd_ >= 0 && fill()) {
  }
  std::string all = std::move(buf_);
  close();
  return all;
}

std::string make_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type, std::string_view token,
                         const std::map<std::string, std::string>& extra) {
  std::string req;
  req.reserve(256 + body.size());
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!token.empty()) req.append("Authorization: Bearer ").append(token).append("\r\n");
  if (!content_type.empty()) req.append("Content-Type: ").append(content_type).append("\r\n");
  if (!body.empty() || method == "POST") {
    req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  for (const auto& [k, v] : extra) req.append(k).append(": ").append(v).append("\r\n");
  req.append("\r\n").append(body);
  return req;
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body, std::string_view content_type,
                                 std::string_view token,
                                 const std::map<std::string, std::string>& extra) {
  const std::string bytes = make_request(method, target, body, content_type, token, extra);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!send_raw(bytes)) {
      close();
      continue;
    }
    if (auto r = read_response(method == "HEAD")) return *r;
    close();
  }
  return HttpResponse{};
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace smppgw::admin::testing
