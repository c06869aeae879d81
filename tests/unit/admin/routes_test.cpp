// The route table: matching, and its agreement with the embedded OpenAPI document both
// ways (a route served without its operation, or an operation no route serves, fails).
#include "daemon/admin/routes.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

#include "daemon/admin/openapi_document.hpp"

namespace smppgw::admin {
namespace {

std::vector<std::string> segs(std::initializer_list<const char*> s) {
  return {s.begin(), s.end()};
}

TEST(Routes, MatchesLiteralsAndTakesTheParameter) {
  auto m = match_route("POST", segs({"v1", "inbox", "7", "opt-out"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->id, RouteId::inbox_opt_out);
  EXPECT_EQ(m->param, "7");
  m = match_route("GET", segs({"v1", "campaigns"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->id, RouteId::campaigns);
  EXPECT_TRUE(m->param.empty());
}

TEST(Routes, EarlierRowsWin) {
  auto m = match_route("POST", segs({"v1", "messages", "preview"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->id, RouteId::preview);
  m = match_route("GET", segs({"v1", "messages", "preview"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->id, RouteId::get_message);
}

TEST(Routes, MethodPathAndLengthMustAllFit) {
  EXPECT_FALSE(match_route("POST", segs({"v1", "campaigns"})));
  EXPECT_TRUE(path_has_route(segs({"v1", "campaigns"})));
  EXPECT_FALSE(match_route("GET", segs({"v1", "campaigns", "x"})));
  EXPECT_FALSE(path_has_route(segs({"v1", "campaigns", "x"})));
  EXPECT_FALSE(match_route("GET", segs({"v1", "inbox", "7"})));
  EXPECT_FALSE(match_route("POST", segs({"v1", "inbox", "", "opt-out"})));
  EXPECT_FALSE(match_route("GET", segs({"v1"})));
  EXPECT_FALSE(match_route("GET", segs({})));
}

// "get /v1/inbox" for each route and for each operation of the document.
std::set<std::string> table_operations() {
  std::set<std::string> out;
  for (const auto& r : kRoutes) {
    std::string m(r.method);
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.insert(m + " " + std::string(r.path));
  }
  return out;
}

TEST(Routes, TheOpenApiDocumentHasEveryRouteAndNoOther) {
  auto doc = nlohmann::json::parse(openapi_document(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "docs/openapi.json is not JSON";
  EXPECT_EQ(doc.value("openapi", ""), "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.insert(method + " " + path);
    }
  }
  EXPECT_EQ(documented, table_operations());
  EXPECT_EQ(kRoutes.size(), table_operations().size()) << "a route is listed twice";
}

// The role table as issue 17 sets it: reading is for every role, answering subscribers for
// agents, bulk changes and exports for admins. A new route must be added here too.
TEST(Routes, EachRouteHasItsMinimumRole) {
  const std::map<std::string, Role> expected{
      {"get /v1/campaigns", Role::viewer},
      {"post /v1/campaigns/{id}/broadcast", Role::admin},
      {"get /v1/inbox", Role::viewer},
      {"post /v1/inbox/{id}/opt-out", Role::agent},
      {"post /v1/messages", Role::agent},
      {"post /v1/messages/preview", Role::viewer},
      {"get /v1/messages/{id}", Role::viewer},
      {"get /v1/conversations/{phone}", Role::viewer},
      {"get /v1/subscribers/{phone}", Role::viewer},
      {"get /v1/subscribers/{phone}/evidence", Role::viewer},
      {"get /v1/audit", Role::viewer},
      {"get /v1/audit/verify", Role::admin},
      {"post /v1/opt-outs", Role::admin},
      {"get /v1/opt-outs.csv", Role::admin},
      {"get /v1/openapi.json", Role::viewer},
      {"get /v1/me", Role::viewer},
  };
  std::map<std::string, Role> table;
  for (const auto& r : kRoutes) {
    std::string m(r.method);
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    table.emplace(m + " " + std::string(r.path), r.min_role.role);
    EXPECT_FALSE(r.action.empty()) << r.path << " has no action text for its 403";
  }
  EXPECT_EQ(table, expected);
}

// Every route a viewer may not call documents its 403, and no other does.
TEST(Routes, TheDocumentListsA403ExactlyForRoutesAboveViewer) {
  auto doc = nlohmann::json::parse(openapi_document(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  for (const auto& r : kRoutes) {
    std::string m(r.method);
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& responses = doc.at("paths").at(std::string(r.path)).at(m).at("responses");
    EXPECT_EQ(responses.contains("403"), r.min_role.role != Role::viewer) << m << " " << r.path;
  }
}

TEST(Roles, OrderAndNames) {
  EXPECT_TRUE(role_allows(Role::admin, Role::agent));
  EXPECT_TRUE(role_allows(Role::agent, Role::agent));
  EXPECT_FALSE(role_allows(Role::viewer, Role::agent));
  EXPECT_FALSE(role_allows(Role::agent, Role::admin));
  for (Role r : {Role::viewer, Role::agent, Role::admin}) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role(""));
}

}  // namespace
}  // namespace smppgw::admin
