// smppgwd: the command line (SPEC §1) — --config FILE, --check-config, --version, --help,
// --migrate-store FROM TO, --new-admin-token NAME — then the Daemon. Exit status: 0 after a
// graceful stop, a valid --check-config, a verified --migrate-store or a new token, 1 for an
// invalid configuration, a failed start-up or a failed migration, 2 for a bad command line.
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "conf/load_config.hpp"
#include "daemon/admin/admin_users.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"
#include "daemon/migrate_store.hpp"
#include "daemon/options.hpp"

namespace {

// --new-admin-token: the token goes to stdout only (never a log); what to do with it, to
// stderr, so `smppgwd --new-admin-token x | head -1` is the token alone.
int new_admin_token(const smppgw::daemon::Options& options) {
  using namespace smppgw;
  const std::string& name = options.new_token_user;
  if (!admin::valid_user_name(name) || name == admin::kTokenFileUser) {
    std::cerr << "smppgwd: --new-admin-token " << name
              << ": use 1 to 64 letters, digits, . _ - or @ (\"admin\" is the user of "
                 "admin.token_file)\n";
    return 2;
  }
  auto token = admin::random_token_hex();
  if (!token) {
    std::cerr << "smppgwd: " << token.error() << "\n";
    return 1;
  }
  const auto role = admin::parse_role(options.new_token_role).value_or(admin::Role::viewer);
  const std::string line = admin::users_file_line(name, role, *token);
  if (!options.users_file.empty()) {
    if (auto appended = admin::append_users_file_line(options.users_file, name, line); !appended) {
      std::cerr << "smppgwd: " << appended.error() << "\n";
      return 1;
    }
    std::cout << *token << "\n";
    std::cerr << "The token above is for " << name << " (role " << admin::to_string(role)
              << "); it is shown only this once. " << options.users_file
              << " lists the user now: send SIGHUP to smppgwd (systemctl reload smppgwd).\n";
    return 0;
  }
  std::cout << *token << "\n" << line << "\n";
  std::cerr << "First line: the token for " << name << " (role " << admin::to_string(role)
            << "), shown only this once. Second line: add it to the file named by "
               "admin.users_file, then send SIGHUP to smppgwd (systemctl reload smppgwd).\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace smppgw;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto options = daemon::parse_options(args);
  if (!options) {
    std::cerr << "smppgwd: " << options.error() << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << daemon::usage();
    return 0;
  }
  if (options->version) {
    std::cout << "smppgwd " << SMPPGW_VERSION << "\n";
    return 0;
  }

  if (options->migrate_store) {
    return daemon::migrate_store(options->migrate_store->first, options->migrate_store->second,
                                 std::cout, std::cerr);
  }
  if (!options->new_token_user.empty()) return new_admin_token(*options);

  auto config = conf::load_config(options->config_path);
  if (options->check_config) {
    if (!config) {
      std::cerr << config.error().to_string();
      return 1;
    }
    std::cout << options->config_path << ": OK\n";
    return 0;
  }

  daemon::init_logging(daemon::stderr_is_journal());
  if (!config) {
    // One line per problem, as file:line:col: message; nothing has started yet.
    for (const auto& d : config.error().diagnostics) spdlog::critical("{}", d.to_string());
    spdlog::critical("smppgwd not started: fix the configuration ({})", options->config_path);
    return 1;
  }
  spdlog::set_level(daemon::parse_level(conf::to_string(config->log.level)));
  daemon::Daemon d(options->config_path, std::move(*config));
  return d.run();
}
