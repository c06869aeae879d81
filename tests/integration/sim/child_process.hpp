// A child process for integration tests: started with pipes on stdin and stdout (stderr to a
// temporary file), read line by line with a timeout, killed if a test ends while it runs.
// Used to drive smppgw-sim through its control protocol (tools/sim/README.md).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::testing {

class ChildProcess {
 public:
  // argv[0] is the program path. Throws std::runtime_error when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Writes `line` and a newline to the child's stdin.
  bool write_line(std::string_view line);
  void close_stdin();

  // The next line of stdout without its newline; nullopt on timeout or end of output.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  // Waits for the exit status (the exit code, or 128 + signal); nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM (or `sig`) to the child.
  void signal(int sig);

  // Everything the child wrote to stderr so far.
  std::string stderr_text() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> status_;
};

}  // namespace smppgw::testing
