// Runs the real smppgwd for admin tests and benchmarks: writes a configuration into a
// temporary directory (state_dir, token file, users file, a free admin port on 127.0.0.1), starts
// the binary, waits for /healthz, and stops it with SIGTERM.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace smppgw::admin::testing {

struct DaemonOptions {
  std::string binary;  // path of smppgwd
  std::string max_upload = "12MiB";
  std::string durability = "fsync";
  std::string map_size = "1GiB";
  // When set, `smppgw-sim smsc` plays the carrier and delivers these MO texts
  // ("FROM>TO:TEXT") once the daemon binds; otherwise nothing listens and the link stays down.
  std::string sim_binary;
  std::vector<std::string> mo;
  // When set, admin.tls names these files (HTTPS on the admin port); readiness is then
  // checked by connecting, not by a plain-HTTP /healthz.
  std::string tls_cert_file;
  std::string tls_key_file;
  // When set, written to <dir>/admin.users with `users_mode` and named by admin.users_file
  // (token_file stays, so token() is the user `admin`).
  std::optional<std::string> users;
  unsigned users_mode = 0600;
};

class DaemonProcess {
 public:
  explicit DaemonProcess(DaemonOptions options);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts and waits up to 20 s for the admin port; false (with `error()`) on failure.
  bool start();
  void stop();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& token() const { return token_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path users_file() const { return dir_ / "admin.users"; }
  // The daemon's log so far.
  std::string log() const;
  // Peak resident set size of the daemon so far (VmHWM), in bytes; 0 if unknown.
  std::uint64_t peak_rss_bytes() const;

 private:
  DaemonOptions options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  pid_t sim_pid_ = -1;
  std::string token_;
  std::string error_;
};

}  // namespace smppgw::admin::testing
