// The command line of smppgwd (SPEC §1): --config FILE, --check-config, --version, --help,
// --migrate-store FROM_CONFIG TO_CONFIG and --new-admin-token NAME [--role ROLE]
// [--users-file PATH] (issue 17).
// Parsing is a pure function so that main() stays a few lines and the rules are tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace smppgw::daemon {

// SPEC §2: the default configuration path.
inline constexpr std::string_view kDefaultConfigPath = "/etc/smppgw/smppgw.yaml";

struct Options {
  std::string config_path{kDefaultConfigPath};
  bool check_config = false;  // validate the file, print errors, exit 0/1
  bool version = false;
  bool help = false;
  // --migrate-store FROM_CONFIG TO_CONFIG: copy the store of one configuration into the
  // (empty) store of the other and verify it (daemon/migrate_store.hpp), then exit.
  std::optional<std::pair<std::string, std::string>> migrate_store;
  // --new-admin-token: make a token for this user instead of running the daemon.
  std::string new_token_user;
  std::string new_token_role = "viewer";  // --role: viewer, agent or admin
  std::string users_file;                 // --users-file: append the line there
};

// `args` excludes the program name. Accepts "--config FILE" and "--config=FILE".
// An unknown argument or a missing value is an error sentence for stderr.
tl::expected<Options, std::string> parse_options(const std::vector<std::string_view>& args);

// The --help text.
std::string usage();

}  // namespace smppgw::daemon
