// The admin HTTP/1.1 server (SPEC §6, §7) on Boost.Beast: keep-alive, requests answered in
// order (pipelining-safe), read timeouts, header and body limits, optional TLS, one
// coroutine per connection. Nothing blocks its event loop: CSV parsing and large
// scans run on its own worker threads and writes go to the store writer.
//
// Start-up contract for the daemon: see daemon/admin/admin_context.hpp and README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "conf/config.hpp"
#include "daemon/admin/admin_context.hpp"
#include "daemon/admin/admin_token.hpp"
#include "daemon/admin/admin_users.hpp"

namespace boost::asio {
class io_context;
}

namespace smppgw::admin {

struct AdminServerOptions {
  conf::Endpoint listen{"127.0.0.1", 8080};
  std::optional<conf::TlsConfig> tls;  // HTTPS when set (PEM chain and key files)
  AdminToken token{""};
  // The users who may sign in. When null, the one user `admin` holding `token`.
  std::shared_ptr<const AdminUsers> users;
  // Threads for CSV parsing, exports and broadcasts (each may block on the writer).
  std::size_t worker_threads = 2;
  // A connection that sends nothing for this long (between or inside requests) is closed.
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};

  static AdminServerOptions from(const conf::AdminConfig& admin, AdminToken token);
};

// Limits (DESIGN.md §7: named, with their reason).
// Request line + headers: browsers send ~1-2 KiB; 16 KiB leaves room for long cookies.
inline constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
// Every JSON route takes a small object (a text is at most 255 parts of 160 characters).
inline constexpr std::uint64_t kMaxJsonBodyBytes = 1024 * 1024;
// Body chunk read per hop to the worker during an upload.
inline constexpr std::size_t kUploadChunkBytes = 256 * 1024;
// Rows per read transaction of the CSV export.
inline constexpr std::size_t kExportChunkRows = 10'000;

class AdminServer {
 public:
  // Binds options.listen (port 0: any free port, see port()) and starts accepting on
  // `io`. Fails with a sentence naming the address or the TLS file.
  static tl::expected<std::unique_ptr<AdminServer>, std::string> start(boost::asio::io_context& io,
                                                                       AdminContext& context,
                                                                       AdminServerOptions options);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  std::uint16_t port() const;
  // Replaces the users who may sign in (a SIGHUP reload); requests already signed in finish
  // as the user they were. Thread-safe.
  void set_users(std::shared_ptr<const AdminUsers> users);
  // Stops accepting and closes every connection (thread-safe, idempotent). Requests whose
  // writes were submitted still complete in the store; their answers are not sent.
  void stop();

 private:
  struct Impl;
  explicit AdminServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace smppgw::admin
