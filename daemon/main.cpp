// smppgwd: the command line (SPEC §1) — --config FILE, --check-config, --version, --help,
// --migrate-store FROM TO — then the Daemon. Exit status: 0 after a graceful stop, a valid
// --check-config or a verified --migrate-store, 1 for an invalid configuration, a failed
// start-up or a failed migration, 2 for a bad command line.
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "conf/load_config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"
#include "daemon/migrate_store.hpp"
#include "daemon/options.hpp"

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
