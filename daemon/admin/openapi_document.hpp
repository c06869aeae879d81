// The OpenAPI 3.1 document of the admin API: docs/openapi.json, embedded at build time by
// embed_openapi.cmake, served at GET /v1/openapi.json (and checked against kRoutes).
#pragma once

#include <string_view>

namespace smppgw::admin {

std::string_view openapi_document();

}  // namespace smppgw::admin
