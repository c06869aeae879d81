// The roles of admin users (issue 17): viewer reads, agent also answers subscribers (Inbox,
// chat, replies, Opt out profile), admin does everything (Manual Opt-Out, broadcasts,
// exports). Ordered: a role may do whatever a lower one may.
#pragma once

#include <optional>
#include <string_view>

namespace smppgw::admin {

enum class Role { viewer = 0, agent = 1, admin = 2 };

constexpr std::string_view to_string(Role r) {
  switch (r) {
    case Role::viewer:
      return "viewer";
    case Role::agent:
      return "agent";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

constexpr std::optional<Role> parse_role(std::string_view s) {
  if (s == "viewer") return Role::viewer;
  if (s == "agent") return Role::agent;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

// Whether a user of role `have` may use a route whose minimum role is `need`.
constexpr bool role_allows(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace smppgw::admin
