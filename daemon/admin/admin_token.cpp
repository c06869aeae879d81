// Token file handling. O_CREAT|O_EXCL with mode 0600 makes creation atomic and never
// exposes the token, even briefly, to other users.
#include "daemon/admin/admin_token.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace smppgw::admin {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Compare over the longer length so that a short guess costs as long as a long one.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

tl::expected<std::string, std::string> random_token_hex() {
  std::array<unsigned char, 32> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(std::string("cannot read random bytes: ") + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

tl::expected<AdminToken, std::string> AdminToken::load_or_create(const std::string& path,
                                                                 bool* created) {
  if (created) *created = false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    auto token = random_token_hex();
    if (!token) {
      ::close(fd);
      ::unlink(path.c_str());
      return tl::unexpected(token.error());
    }
    std::string line = *token + "\n";
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return tl::unexpected("cannot write the admin token file " + path + ": " +
                              std::strerror(err));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      return tl::unexpected("cannot write the admin token file " + path + ": " +
                            std::strerror(errno));
    }
    if (created) *created = true;
    return AdminToken(std::move(*token));
  }
  if (errno != EEXIST) {
    return tl::unexpected("cannot create the admin token file " + path + ": " +
                          std::strerror(errno) + " (check admin.token_file and its directory)");
  }
  std::ifstream in(path);
  if (!in) {
    return tl::unexpected("cannot read the admin token file " + path + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text(trim(ss.str()));
  if (text.empty()) {
    return tl::unexpected("the admin token file " + path +
                          " is empty; delete it to have a new token created");
  }
  return AdminToken(std::move(text));
}

bool AdminToken::accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  return constant_time_equal(trim(authorization.substr(kScheme.size())), token_);
}

}  // namespace smppgw::admin
