// URI and key=value forms as libpq's documentation defines them ("Connection Strings"): only
// their shape; whether the server answers is for the daemon to find out at start.
#include "conf/postgres_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace smppgw::conf {
namespace {

// libpq 15's connection parameters (PQconndefaults), "password" left out on purpose.
constexpr std::array<std::string_view, 38> kKnownKeys = {
    "host",          "hostaddr",          "port",
    "dbname",        "user",              "passfile",
    "channel_binding", "connect_timeout", "client_encoding",
    "options",       "application_name",  "fallback_application_name",
    "keepalives",    "keepalives_idle",   "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "replication",
    "gssencmode",    "sslmode",           "sslcompression",
    "sslcert",       "sslkey",            "sslpassword",
    "sslrootcert",   "sslcrl",            "sslcrldir",
    "sslsni",        "requirepeer",       "ssl_min_protocol_version",
    "ssl_max_protocol_version", "krbsrvname", "gsslib",
    "service",       "target_session_attrs", "require_auth",
    "load_balance_hosts", "gssdelegation",
};

bool known(std::string_view key) {
  return std::find(kKnownKeys.begin(), kKnownKeys.end(), key) != kKnownKeys.end();
}

std::optional<std::string> key_problem(std::string_view key) {
  if (key == "password")
    return std::string("holds a password; put it on the first line of store.postgresql."
                       "password_file instead, so that it never appears where the URL is shown");
  if (!known(key)) return "unknown connection parameter \"" + std::string(key) + "\"";
  return std::nullopt;
}

std::optional<std::string> uri_problem(std::string_view url, std::size_t scheme_end) {
  std::string_view rest = url.substr(scheme_end);
  const auto query = rest.find('?');
  std::string_view authority = rest.substr(0, std::min(rest.find('/'), query));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (authority.substr(0, at).find(':') != std::string_view::npos)
      return std::string("holds a password (user:password@); put it on the first line of "
                         "store.postgresql.password_file instead, so that it never appears "
                         "where the URL is shown");
  }
  if (query == std::string_view::npos) return std::nullopt;
  std::string_view params = rest.substr(query + 1);
  while (!params.empty()) {
    const auto amp = params.find('&');
    std::string_view param = params.substr(0, amp);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return "the query parameter \"" + std::string(param.substr(0, eq)) +
             "\" needs the form name=value";
    if (auto p = key_problem(param.substr(0, eq))) return p;
    if (amp == std::string_view::npos) break;
    params.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string> pairs_problem(std::string_view s) {
  std::size_t i = 0, pairs = 0;
  const auto space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  for (space(); i < s.size(); space()) {
    const std::size_t k = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    const std::string_view key = s.substr(k, i - k);
    space();
    if (key.empty() || i >= s.size() || s[i] != '=')
      return std::string("expected a postgresql:// URL or libpq's key=value pairs "
                         "(e.g. \"host=/run/postgresql dbname=smppgw user=smppgw\")");
    if (auto p = key_problem(key)) return p;
    ++i;
    space();
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i) {
        if (s[i] == '\\') ++i;
      }
      if (i >= s.size()) return "the value of " + std::string(key) + " has no closing quote";
      ++i;
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    }
    ++pairs;
  }
  if (pairs == 0) return std::string("is empty");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> postgres_url_problem(std::string_view url) {
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.substr(0, scheme.size()) == scheme) return uri_problem(url, scheme.size());
  }
  if (url.find("://") != std::string_view::npos)
    return std::string("the scheme must be postgresql:// (or postgres://)");
  return pairs_problem(url);
}

bool valid_sql_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace smppgw::conf
