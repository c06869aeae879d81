// smppgw-sim: the SMPP 3.4 test peer (SPEC §1; tools/sim/README.md). Parses the command
// line, then runs the smsc or esme mode. Exit status: 0 done, 1 run-time failure (cannot
// listen, connect or bind), 2 bad command line.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/sim/sim_modes.hpp"
#include "tools/sim/sim_options.hpp"

int main(int argc, char** argv) {
  using namespace smppgw::sim;
  // A test that stops reading our stdout must not kill the sim mid-run; writes then fail.
  std::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv, argv + argc);
  auto options = parse_sim_options(args);
  if (!options) {
    std::fprintf(stderr, "smppgw-sim: %s\n%s", options.error().c_str(), sim_usage());
    return 2;
  }
  if (std::holds_alternative<HelpRequested>(*options)) {
    std::fputs(sim_usage(), stdout);
    return 0;
  }
  if (const auto* smsc = std::get_if<SmscOptions>(&*options)) return run_smsc(*smsc);
  return run_esme(std::get<EsmeOptions>(*options));
}
