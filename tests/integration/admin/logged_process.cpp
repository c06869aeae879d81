#include "tests/integration/admin/logged_process.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace smppgw::admin::testing {

pid_t spawn_logged(std::vector<std::string> args, const std::string& log_path) {
  // The argument vector is built before fork: the child only redirects and execs.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::fopen(log_path.c_str(), "w");
    if (f) {
      ::dup2(::fileno(f), 1);
      ::dup2(::fileno(f), 2);
    }
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  return pid;
}

}  // namespace smppgw::admin::testing
