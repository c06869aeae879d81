#include "daemon/options.hpp"

namespace smppgw::daemon {

tl::expected<Options, std::string> parse_options(const std::vector<std::string_view>& args) {
  Options options;
  std::string_view token_extra;  // --role or --users-file, which need --new-admin-token
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--config" || arg == "-c") {
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        return tl::make_unexpected(std::string(arg) + " needs a file name");
      }
      options.config_path = std::string(args[++i]);
    } else if (arg.starts_with("--config=")) {
      options.config_path = std::string(arg.substr(9));
      if (options.config_path.empty()) return tl::make_unexpected("--config= needs a file name");
    } else if (arg == "--migrate-store") {
      if (i + 2 >= args.size() || args[i + 1].empty() || args[i + 2].empty()) {
        return tl::make_unexpected("--migrate-store needs two configuration files: FROM TO");
      }
      options.migrate_store.emplace(std::string(args[i + 1]), std::string(args[i + 2]));
      i += 2;
    } else if (arg == "--new-admin-token" || arg == "--role" || arg == "--users-file") {
      if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1].starts_with("--")) {
        return tl::make_unexpected(std::string(arg) +
                                   (arg == "--new-admin-token" ? " needs the user's name"
                                    : arg == "--role"          ? " needs viewer, agent or admin"
                                                               : " needs a file name"));
      }
      std::string value(args[++i]);
      if (arg != "--new-admin-token") token_extra = arg;
      if (arg == "--new-admin-token") {
        options.new_token_user = std::move(value);
      } else if (arg == "--role") {
        if (value != "viewer" && value != "agent" && value != "admin") {
          return tl::make_unexpected("--role " + value + ": use viewer, agent or admin");
        }
        options.new_token_role = std::move(value);
      } else {
        options.users_file = std::move(value);
      }
    } else if (arg == "--check-config") {
      options.check_config = true;
    } else if (arg == "--version" || arg == "-V") {
      options.version = true;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else {
      return tl::make_unexpected("unknown argument '" + std::string(arg) + "' (try --help)");
    }
  }
  if (options.new_token_user.empty() && !token_extra.empty()) {
    return tl::make_unexpected(std::string(token_extra) + " goes with --new-admin-token NAME");
  }
  return options;
}

std::string usage() {
  return "Usage: smppgwd [--config FILE] [--check-config] [--version] [--help]\n"
         "       smppgwd --migrate-store FROM_CONFIG TO_CONFIG\n"
         "       smppgwd --new-admin-token NAME [--role viewer|agent|admin] [--users-file PATH]\n"
         "\n"
         "SMPP 3.4 gateway for short-code SMS campaigns.\n"
         "\n"
         "  --config FILE    configuration file (default " +
         std::string(kDefaultConfigPath) +
         ")\n"
         "  --check-config   validate the configuration, print errors as file:line:col: message,\n"
         "                   exit 0 if valid, 1 if not\n"
         "  --migrate-store FROM_CONFIG TO_CONFIG\n"
         "                   copy the store FROM_CONFIG names (store.backend) into the empty\n"
         "                   store TO_CONFIG names, verify it, print a report; exit 0 if\n"
         "                   verified, 1 if not. No smppgwd may run on either store.\n"
         "  --version        print the version and exit\n"
         "  --help           print this text and exit\n"
         "  --new-admin-token NAME\n"
         "                   print a new random token for the admin user NAME (once: only its\n"
         "                   SHA-256 is kept) and the admin.users_file line for it; --role\n"
         "                   gives the role (default viewer); --users-file PATH appends the\n"
         "                   line to that file (created 0600 if missing) instead of printing it\n"
         "\n"
         "Signals: SIGHUP reloads the configuration; SIGTERM or SIGINT stops gracefully.\n";
}

}  // namespace smppgw::daemon
