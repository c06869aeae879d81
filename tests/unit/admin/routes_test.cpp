// The route table: matching, and its agreement with the embedded OpenAPI document both
// ways (a route served without its operation, or an operation no route serves, fails).
#include "daemon/admin/routes.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace smppgw::admin
