// The real smppgwd with an smpp.listen section, for the listener's integration tests: writes
// the configuration into a temporary directory (state_dir, token file, free ports on
// 127.0.0.1), starts the binary, waits until its admin and listener ports answer, and stops it
// with SIGTERM, reporting the exit status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace smppgw::testing {

// The accounts of the test configuration. carrier-b binds from 127.0.0.1 only (max_binds 2)
// and serves 67890, where campaign spring-promo (keyword SPRING) lives; carrier-far is allowed
// from 192.0.2.0/24 only, which no test connection comes from.
inline constexpr const char* kShortCode = "67890";
inline constexpr const char* kJoinReply = "Acme: you joined Spring Promo. Reply STOP to cancel.";

class ListenerDaemon {
 public:
  explicit ListenerDaemon(std::string binary);
  ~ListenerDaemon();
  ListenerDaemon(const ListenerDaemon&) = delete;
  ListenerDaemon& operator=(const ListenerDaemon&) = delete;

  // Starts and waits up to 20 s for both ports; false (with error()) on failure.
  bool start();
  // SIGTERM; the exit status (code, or 128 + signal) or nullopt if it had to be killed.
  std::optional<int> stop(std::chrono::seconds wait = std::chrono::seconds(15));
  // Rewrites the configuration with carrier-b's password set to `password` and sends SIGHUP.
  void reload_with_password(const std::string& password);

  std::uint16_t listen_port() const { return listen_port_; }
  std::uint16_t admin_port() const { return admin_port_; }
  const std::string& token() const { return token_; }
  const std::string& error() const { return error_; }
  std::string log() const;

 private:
  void write_config(const std::string& password) const;

  std::string binary_;
  std::filesystem::path dir_;
  std::uint16_t listen_port_ = 0;
  std::uint16_t admin_port_ = 0;
  pid_t pid_ = -1;
  std::string token_;
  std::string error_;
};

}  // namespace smppgw::testing
