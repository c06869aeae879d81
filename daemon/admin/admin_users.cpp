// The users file: parsed line by line so that an error names its line; the file's mode is
// checked before its text is read, so a file others could change is never trusted. Only
// hashes are held: a stolen users file does not sign anyone in.
#include "daemon/admin/admin_users.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace smppgw::admin {

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool lower_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The words of a line separated by spaces and tabs.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName) return false;
  for (char c : name) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

std::string users_file_line(std::string_view name, Role role, std::string_view token) {
  return std::string(name) + " " + std::string(to_string(role)) + " " + sha256_hex(token);
}

std::optional<std::string> users_file_access_problem(unsigned mode, unsigned owner,
                                                     unsigned daemon_uid) {
  if (owner != 0 && owner != daemon_uid) {
    return "is owned by uid " + std::to_string(owner) +
           "; it must belong to root or to the user smppgwd runs as (uid " +
           std::to_string(daemon_uid) + ")";
  }
  if ((mode & (S_IRWXO | S_IWGRP | S_IXGRP)) != 0) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", mode & 07777);
    return std::string("has mode ") + text +
           ", which lets its group write it or others read or write it; chmod it to 0600 "
           "(or 0640 for a group the daemon reads it through)";
  }
  return std::nullopt;
}

tl::expected<AdminUsers, std::string> AdminUsers::parse(std::string_view text,
                                                        const std::string& path) {
  AdminUsers out;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    const auto w = words(content);
    if (w.size() != 3) {
      return tl::unexpected(where + "expected \"NAME ROLE SHA256\" (three words), found " +
                            std::to_string(w.size()) +
                            "; make a line with smppgwd --new-admin-token NAME --role ROLE");
    }
    if (!valid_user_name(w[0])) {
      return tl::unexpected(where + "the name \"" + std::string(w[0]) +
                            "\" is not valid: use 1 to 64 letters, digits, . _ - or @");
    }
    if (w[0] == kTokenFileUser) {
      return tl::unexpected(where + "the name \"admin\" is the user of admin.token_file; " +
                            "choose another name");
    }
    const auto role = parse_role(w[1]);
    if (!role) {
      return tl::unexpected(where + "the role \"" + std::string(w[1]) +
                            "\" is not one of viewer, agent, admin");
    }
    if (!lower_hex(w[2])) {
      return tl::unexpected(where +
                            "the third word must be the SHA-256 of the token as 64 lowercase "
                            "hex digits (never the token itself)");
    }
    for (const auto& u : out.users_) {
      if (u.name == w[0]) {
        return tl::unexpected(where + "the user \"" + u.name + "\" is listed twice");
      }
      if (u.token_sha256 == w[2]) {
        return tl::unexpected(where + "this token hash is also the one of \"" + u.name +
                              "\"; give each user their own token");
      }
    }
    out.users_.push_back(AdminUser{std::string(w[0]), *role, std::string(w[2])});
  }
  return out;
}

tl::expected<AdminUsers, std::string> AdminUsers::load(const std::string& path) {
  const std::string what = "the admin users file " + path + " (admin.users_file)";
  // O_NOFOLLOW-free on purpose: a symlink is checked through to the file it names, whose
  // owner and mode are what matter.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected("cannot read " + what + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return tl::unexpected("cannot read " + what + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return tl::unexpected(what + " is not a regular file");
  }
  if (auto problem = users_file_access_problem(st.st_mode, st.st_uid, ::geteuid())) {
    ::close(fd);
    return tl::unexpected(what + " " + *problem);
  }
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return tl::unexpected("cannot read " + what + ": " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse(text, path);
}

tl::expected<void, std::string> AdminUsers::add_token_user(const AdminToken& token) {
  if (token.reveal().empty()) return tl::unexpected(std::string("the admin token is empty"));
  for (const auto& u : users_) {
    if (u.name == kTokenFileUser) {
      return tl::unexpected(std::string("the user name \"admin\" is taken by admin.token_file"));
    }
  }
  users_.push_back(AdminUser{std::string(kTokenFileUser), Role::admin, sha256_hex(token.reveal())});
  return {};
}

std::optional<AdminIdentity> AdminUsers::authenticate(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
      return std::nullopt;
    }
  }
  const std::string presented = sha256_hex(trim(authorization.substr(kScheme.size())));
  // Every hash is compared, so the time does not tell which user (or whether any) matched.
  const AdminUser* match = nullptr;
  for (const auto& u : users_) {
    if (constant_time_equal(presented, u.token_sha256)) match = &u;
  }
  if (!match) return std::nullopt;
  return AdminIdentity{match->name, match->role};
}

tl::expected<void, std::string> append_users_file_line(const std::string& path,
                                                       std::string_view name,
                                                       std::string_view line) {
  std::string text(line);
  text.push_back('\n');
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno != EEXIST) {
      return tl::unexpected("cannot create the admin users file " + path + ": " +
                            std::strerror(errno));
    }
    auto existing = AdminUsers::load(path);
    if (!existing) return tl::unexpected(existing.error());
    for (const auto& u : existing->users()) {
      if (u.name == name) {
        return tl::unexpected("the admin users file " + path + " already lists \"" +
                              std::string(name) + "\"; remove that line to replace the token");
      }
    }
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
      return tl::unexpected("cannot open the admin users file " + path +
                            " to append: " + std::strerror(errno));
    }
    // A last line without its newline gets one first.
    struct stat st {};
    char last = '\n';
    if (::fstat(fd, &st) == 0 && st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 &&
        last != '\n') {
      text.insert(text.begin(), '\n');
    }
  }
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return tl::unexpected("cannot write the admin users file " + path + ": " +
                            std::strerror(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return tl::unexpected("cannot write the admin users file " + path + ": " +
                          std::strerror(errno));
  }
  return {};
}

}  // namespace smppgw::admin
