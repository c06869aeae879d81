// The shape of store.postgresql.url, checked at load (and by --check-config) without a server:
// a postgresql:// URI or libpq key=value pairs, with keys libpq knows, and never a password —
// it belongs in password_file, so that no URL printed in a log or an error can leak it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smppgw::conf {

// Empty when `url` has a shape libpq accepts; otherwise what is wrong, for the user (the
// message never repeats a password it found).
std::optional<std::string> postgres_url_problem(std::string_view url);

// A schema name usable unquoted in every tool: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes.
bool valid_sql_name(std::string_view name);

}  // namespace smppgw::conf
