// Matching a request against kRoutes: literal segments compare exactly, a {…} segment takes
// any non-empty value. Fourteen rows of at most four segments: a linear scan is cheapest.
#include "daemon/admin/routes.hpp"

namespace smppgw::admin {

namespace {

// Whether `segments` fit `pattern`; the {…} segment's value goes to `param`.
bool fits(std::string_view pattern, const std::vector<std::string>& segments,
          std::string_view& param) {
  std::size_t i = 0;
  while (!pattern.empty()) {
    pattern.remove_prefix(1);  // the '/'
    const auto slash = pattern.find('/');
    const std::string_view want = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view{} : pattern.substr(slash);
    if (i == segments.size()) return false;
    const std::string& got = segments[i++];
    if (want.starts_with('{')) {
      if (got.empty()) return false;
      param = got;
    } else if (got != want) {
      return false;
    }
  }
  return i == segments.size();
}

}  // namespace

std::optional<RouteMatch> match_route(std::string_view method,
                                      const std::vector<std::string>& segments) {
  for (const auto& r : kRoutes) {
    std::string_view param;
    if (r.method == method && fits(r.path, segments, param)) return RouteMatch{&r, param};
  }
  return std::nullopt;
}

bool path_has_route(const std::vector<std::string>& segments) {
  for (const auto& r : kRoutes) {
    std::string_view param;
    if (fits(r.path, segments, param)) return true;
  }
  return false;
}

}  // namespace smppgw::admin
