// The /v1 routes of the admin API (SPEC §6), in one table: the server dispatches through it,
// so a route is served only if it is listed here, and the OpenAPI document (docs/openapi.json)
// is checked against it both ways (tests/unit/admin/routes_test.cpp).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  audit,
  opt_outs_upload,
  opt_outs_export,
  openapi,
};

struct Route {
  RouteId id;
  std::string_view method;  // "GET" (HEAD is answered as GET) or "POST"
  std::string_view path;    // as in the OpenAPI document: /v1/inbox/{id}/opt-out
};

// Earlier rows win: /v1/messages/preview is matched before /v1/messages/{id}.
inline constexpr std::array<Route, 13> kRoutes{{
    {RouteId::campaigns, "GET", "/v1/campaigns"},
    {RouteId::broadcast, "POST", "/v1/campaigns/{id}/broadcast"},
    {RouteId::inbox, "GET", "/v1/inbox"},
    {RouteId::inbox_opt_out, "POST", "/v1/inbox/{id}/opt-out"},
    {RouteId::send_message, "POST", "/v1/messages"},
    {RouteId::preview, "POST", "/v1/messages/preview"},
    {RouteId::get_message, "GET", "/v1/messages/{id}"},
    {RouteId::conversation, "GET", "/v1/conversations/{phone}"},
    {RouteId::subscriber, "GET", "/v1/subscribers/{phone}"},
    {RouteId::audit, "GET", "/v1/audit"},
    {RouteId::opt_outs_upload, "POST", "/v1/opt-outs"},
    {RouteId::opt_outs_export, "GET", "/v1/opt-outs.csv"},
    {RouteId::openapi, "GET", "/v1/openapi.json"},
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
