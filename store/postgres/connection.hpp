// One libpq connection to the PostgreSQL server of the store (RAII: closed with the object).
// Opened from a libpq URL (postgresql:// URI or key=value string) and an optional password
// file; statements are sent in pipeline mode, several per round trip, on a non-blocking socket.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/postgres/error.hpp"

struct pg_conn;

namespace smppgw::store::postgres {

struct ConnectOptions {
  std::string url;            // libpq's forms: postgresql://..., or "host=/run/pg dbname=x"
  std::string password_file;  // empty: no password, or the one in the URL; else its first line
};

// A statement and its parameters ($1, $2, ...), all in text format: the server parses each
// value with the input function of the parameter's type, so one representation serves every
// column type without OIDs or byte-order code here; nullopt is SQL NULL.
struct Statement {
  std::string sql;
  std::vector<std::optional<std::string>> params;
};

// The result of one statement: column names, rows of text values (nullopt for NULL) and the
// number of rows an INSERT/UPDATE/DELETE touched.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::uint64_t affected = 0;
};

class Connection {
 public:
  // Connects and switches the socket to non-blocking mode. The error names the server (socket
  // or host, port, database) and libpq's cause.
  static PgResult<Connection> open(const ConnectOptions& options);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Sends every statement in one pipeline ended by one sync and returns their results in
  // order. Statements outside an explicit BEGIN form one implicit transaction up to the sync,
  // so when one fails the server skips the rest and nothing of them is committed: the error
  // says which statement failed (its index in `statements`) and why.
  PgResult<std::vector<Rows>> pipeline(std::span<const Statement> statements);
  PgResult<Rows> exec(const Statement& statement);

  // For an event loop to wait on (Asio's posix::stream_descriptor); the socket is non-blocking.
  int socket() const;
  bool nonblocking() const;
  // "socket /run/postgresql port 5432 database smppgw": for messages; never the password.
  const std::string& server() const { return server_; }

 private:
  Connection(pg_conn* conn, std::string server, std::string secret);
  PgResult<void> flush();
  PgResult<void> wait_readable();
  Error connection_error(const std::string& what) const;

  pg_conn* conn_ = nullptr;
  std::string server_;
  std::string secret_;  // the password, only to scrub it from messages that might echo it
};

}  // namespace smppgw::store::postgres
