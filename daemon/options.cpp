#include "daemon/options.hpp"

namespace smppgw::daemon {

tl::expected<Options, std::string> parse_options(const std::vector<std::string_view>& args) {
  Options options;
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
  return options;
}

std::string usage() {
  return "Usage: smppgwd [--config FILE] [--check-config] [--version] [--help]\n"
         "\n"
         "SMPP 3.4 gateway for short-code SMS campaigns.\n"
         "\n"
         "  --config FILE    configuration file (default " +
         std::string(kDefaultConfigPath) +
         ")\n"
         "  --check-config   validate the configuration, print errors as file:line:col: message,\n"
         "                   exit 0 if valid, 1 if not\n"
         "  --version        print the version and exit\n"
         "  --help           print this text and exit\n"
         "\n"
         "Signals: SIGHUP reloads the configuration; SIGTERM or SIGINT stops gracefully.\n";
}

}  // namespace smppgw::daemon
