// The /v1 routes of the admin API (SPEC §6), in one table: the server dispatches through it,
// so a route is served only if it is listed here, and the OpenAPI document (docs/openapi.json)
// is checked against it both ways (tests/unit/admin/routes_test.cpp).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/admin_role.hpp"

namespace smppgw::admin {

enum class RouteId {
  campaigns,
  broadcast,
  inbox,
  inbox_opt_out,
  send_message,
  preview,
  get_message,
  conversation,
  subscriber,
  subscriber_evidence,
  audit,
  audit_verify,
  opt_outs_upload,
  opt_outs_export,
  openapi,
  me,
};

// A route's minimum role. No default constructor: a row written without its role does not
// compile.
struct MinRole {
  constexpr MinRole(Role r) : role(r) {}  // NOLINT(google-explicit-constructor): table rows
  Role role;
};

struct Route {
  RouteId id;
  std::string_view method;  // "GET" (HEAD is answered as GET) or "POST"
  std::string_view path;    // as in the OpenAPI document: /v1/inbox/{id}/opt-out
  MinRole min_role;         // who may use it (403 below)
  std::string_view action;  // what it does, for the 403: "<user> (role viewer) may not <action>"
};

// Earlier rows win: /v1/messages/preview is matched before /v1/messages/{id}.
inline constexpr std::array<Route, 16> kRoutes{{
    {RouteId::campaigns, "GET", "/v1/campaigns", Role::viewer, "list the campaigns"},
    {RouteId::broadcast, "POST", "/v1/campaigns/{id}/broadcast", Role::admin, "send a broadcast"},
    {RouteId::inbox, "GET", "/v1/inbox", Role::viewer, "read the Inbox"},
    {RouteId::inbox_opt_out, "POST", "/v1/inbox/{id}/opt-out", Role::agent, "opt a profile out"},
    {RouteId::send_message, "POST", "/v1/messages", Role::agent, "send messages"},
    {RouteId::preview, "POST", "/v1/messages/preview", Role::viewer, "preview a message"},
    {RouteId::get_message, "GET", "/v1/messages/{id}", Role::viewer, "read a message"},
    {RouteId::conversation, "GET", "/v1/conversations/{phone}", Role::viewer,
     "read a conversation"},
    {RouteId::subscriber, "GET", "/v1/subscribers/{phone}", Role::viewer,
     "read a subscriber's profile"},
    // Nothing in it a viewer cannot read route by route: compliance staff export it.
    {RouteId::subscriber_evidence, "GET", "/v1/subscribers/{phone}/evidence", Role::viewer,
     "export a subscriber's consent record"},
    {RouteId::audit, "GET", "/v1/audit", Role::viewer, "read the audit log"},
    // A pass over the whole trail: not for every viewer to start at will.
    {RouteId::audit_verify, "GET", "/v1/audit/verify", Role::admin, "verify the audit chain"},
    {RouteId::opt_outs_upload, "POST", "/v1/opt-outs", Role::admin, "upload a Manual Opt-Out"},
    {RouteId::opt_outs_export, "GET", "/v1/opt-outs.csv", Role::admin, "export the opt-outs"},
    {RouteId::openapi, "GET", "/v1/openapi.json", Role::viewer, "read the API document"},
    {RouteId::me, "GET", "/v1/me", Role::viewer, "see who is signed in"},
}};

struct RouteMatch {
  const Route* route = nullptr;
  std::string_view param;  // the one {…} segment's decoded value, if the path has one
};

// The route of `method` and decoded path segments (v1,inbox,7,opt-out), or nullopt.
std::optional<RouteMatch> match_route(std::string_view method,
                                      const std::vector<std::string>& segments);

// True when some route has this path under another method (the server answers 405).
bool path_has_route(const std::vector<std::string>& segments);

}  // namespace smppgw::admin
