// Named admin users (issue 17): the users file (`admin.users_file`) gives each a name, a role
// and the SHA-256 of their token, never the token; the single `admin.token_file` adds the
// user `admin` (role admin). A request is signed in by hashing its bearer token and
// comparing it with every user's hash in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "daemon/admin/admin_role.hpp"
#include "daemon/admin/admin_token.hpp"

namespace smppgw::admin {

struct AdminUser {
  std::string name;  // letters, digits, . _ - @; at most 64 characters
  Role role = Role::viewer;
  std::string token_sha256;  // 64 lowercase hex digits
};

// Who sent a request: what a route needs to check the role and to name the user.
struct AdminIdentity {
  std::string name;
  Role role = Role::viewer;
};

// The name the token file's user has; a users file may not use it.
inline constexpr std::string_view kTokenFileUser = "admin";
inline constexpr std::size_t kMaxUserName = 64;

class AdminUsers {
 public:
  AdminUsers() = default;

  // Parses the users file text: one user per line, "NAME ROLE SHA256HEX" separated by
  // spaces or tabs; blank lines and lines starting with '#' are ignored. Errors read
  // "<path>:<line>: <what is wrong>". Names and hashes must be unique.
  static tl::expected<AdminUsers, std::string> parse(std::string_view text,
                                                     const std::string& path);

  // Reads and parses the file at `path` after checking who may read it: a regular file
  // owned by root or by the daemon's user, no access for others and no write for its group
  // (0600 or 0640). Every error names the path and what to do.
  static tl::expected<AdminUsers, std::string> load(const std::string& path);

  // Adds the token file's user (`admin`, role admin); an error if the name is taken.
  tl::expected<void, std::string> add_token_user(const AdminToken& token);

  // The user whose token `authorization` ("Bearer <token>", scheme case-insensitive)
  // carries, or nullopt. Every user's hash is compared, whichever matches.
  std::optional<AdminIdentity> authenticate(std::string_view authorization) const;

  const std::vector<AdminUser>& users() const { return users_; }

 private:
  std::vector<AdminUser> users_;
};

// SHA-256 of `data` as 64 lowercase hex digits (OpenSSL EVP).
std::string sha256_hex(std::string_view data);

// Whether `name` may be a user's name (letters, digits, . _ - @; 1 to 64 characters).
bool valid_user_name(std::string_view name);

// The users-file line for a user holding `token`: "NAME ROLE SHA256HEX".
std::string users_file_line(std::string_view name, Role role, std::string_view token);

// Appends `line` (from users_file_line) to the users file at `path` for the user `name`:
// an existing file must pass load() and not list `name` yet; a missing one is created with
// mode 0600. The daemon reads it at its next start or SIGHUP.
tl::expected<void, std::string> append_users_file_line(const std::string& path,
                                                       std::string_view name,
                                                       std::string_view line);

// Why the mode and owner of a users file are refused, or nullopt when they are fine.
// `owner` and `daemon_uid` are uids; root (0) may always own it.
std::optional<std::string> users_file_access_problem(unsigned mode, unsigned owner,
                                                     unsigned daemon_uid);

}  // namespace smppgw::admin
