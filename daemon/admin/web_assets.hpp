// The web admin page (SPEC §7) compiled into the binary: daemon/admin/web/* is turned into
// a generated translation unit at build time (embed_web_assets.cmake), so the daemon serves
// the page with no installed files and tests see exactly what ships.
#pragma once

#include <span>
#include <string_view>

namespace smppgw::admin {

struct WebAsset {
  std::string_view name;          // file name under web/, e.g. "app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

std::span<const WebAsset> web_assets();
// The asset named `name` ("index.html", "app.js", ...), or nullptr.
const WebAsset* find_web_asset(std::string_view name);

}  // namespace smppgw::admin
