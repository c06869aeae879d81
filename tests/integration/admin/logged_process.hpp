// Starting a program under test (smppgwd, smppgw-sim) as a child process whose stdout and
// stderr go to a log file, so that a failing test can show what the program said.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace smppgw::admin::testing {

// fork + execv of args[0] with `args`, output appended to `log_path` (created). Returns the
// child's pid, or -1 if fork failed; a child that cannot exec exits 127.
pid_t spawn_logged(std::vector<std::string> args, const std::string& log_path);

}  // namespace smppgw::admin::testing
