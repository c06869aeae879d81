// libpq behind Connection: connecting with the password from a file, the pipeline (send all,
// one sync, read the results in order) and waiting on the non-blocking socket with poll(2)
// until the daemon's event loop waits on it instead.
#include "store/postgres/connection.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include <libpq-fe.h>

namespace smppgw::store::postgres {
namespace {

// libpq messages end with a newline and may quote parts of a malformed connection string;
// the password is cut out of them whatever their origin.
std::string clean(std::string text, const std::string& secret) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') text[i] = ' ';
  }
  if (!secret.empty()) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string describe(PGconn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  std::string h = host != nullptr && *host != '\0' ? host : "(default socket)";
  std::string out = (h.front() == '/' ? "socket " : "host ") + h;
  if (port != nullptr && *port != '\0') out += std::string(" port ") + port;
  if (db != nullptr && *db != '\0') out += std::string(" database ") + db;
  return out;
}

// The URL's own password, if it has one, so that messages can be scrubbed of it too.
std::string url_password(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  if (options == nullptr) return {};
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

}  // namespace

PgResult<Connection> Connection::open(const ConnectOptions& options) {
  std::string password;
  if (!options.password_file.empty()) {
    std::ifstream in(options.password_file);
    if (!in) {
      return pg_fail(StoreErrc::open_failed, "cannot read the PostgreSQL password file " +
                                                 options.password_file + ": " +
                                                 std::strerror(errno));
    }
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      return pg_fail(StoreErrc::open_failed,
                     "the PostgreSQL password file " + options.password_file + " is empty");
    }
  }
  std::string secret = password.empty() ? url_password(options.url) : password;

  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string cause =
        parse_error != nullptr ? clean(parse_error, url_password(options.url)) : "out of memory";
    PQfreemem(parse_error);
    return pg_fail(
        StoreErrc::open_failed,
        "the PostgreSQL URL is neither a postgresql:// URI nor a key=value string: " + cause);
  }
  PQconninfoFree(parsed);

  // expand_dbname: the URL is expanded where `dbname` stands, and `password` after it wins.
  const char* keywords[] = {"dbname", password.empty() ? nullptr : "password", nullptr};
  const char* values[] = {options.url.c_str(), password.empty() ? nullptr : password.c_str(),
                          nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr)
    return pg_fail(StoreErrc::open_failed, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = "cannot connect to PostgreSQL at " + describe(conn) + ": " +
                          clean(PQerrorMessage(conn), secret);
    PQfinish(conn);
    return pg_fail(StoreErrc::open_failed, std::move(message));
  }
  std::string server = describe(conn);
  // libpq prints NOTICEs (e.g. "drop cascades to ...") on stderr by default; they are not
  // errors and the daemon's log is not stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQsetnonblocking(conn, 1) != 0) {
    std::string message = "cannot make the connection to PostgreSQL at " + server +
                          " non-blocking: " + clean(PQerrorMessage(conn), secret);
    PQfinish(conn);
    return pg_fail(StoreErrc::open_failed, std::move(message));
  }
  return Connection(conn, std::move(server), std::move(secret));
}

Connection::Connection(pg_conn* conn, std::string server, std::string secret)
    : conn_(conn), server_(std::move(server)), secret_(std::move(secret)) {}

Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      server_(std::move(other.server_)),
      secret_(std::move(other.secret_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    server_ = std::move(other.server_);
    secret_ = std::move(other.secret_);
  }
  return *this;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

int Connection::socket() const {
  return PQsocket(conn_);
}

bool Connection::nonblocking() const {
  return PQisnonblocking(conn_) == 1;
}

Error Connection::connection_error(const std::string& what) const {
  return Error{make_error_code(StoreErrc::io_error),
               what + " PostgreSQL at " + server_ + ": " + clean(PQerrorMessage(conn_), secret_),
               {},
               std::nullopt};
}

// Writes what libpq has queued, reading meanwhile so that a server blocked on sending
// results cannot deadlock with us blocked on sending statements.
PgResult<void> Connection::flush() {
  for (;;) {
    int rc = PQflush(conn_);
    if (rc == 0) return {};
    if (rc < 0) return tl::unexpected(connection_error("cannot send to"));
    pollfd fd{PQsocket(conn_), POLLIN | POLLOUT, 0};
    if (::poll(&fd, 1, -1) < 0 && errno != EINTR) {
      return pg_fail(StoreErrc::io_error, "poll on the connection to PostgreSQL at " + server_ +
                                              " failed: " + std::strerror(errno));
    }
    if ((fd.revents & POLLIN) != 0 && PQconsumeInput(conn_) == 0) {
      return tl::unexpected(connection_error("cannot read from"));
    }
  }
}

PgResult<void> Connection::wait_readable() {
  while (PQisBusy(conn_) == 1) {
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (::poll(&fd, 1, -1) < 0 && errno != EINTR) {
      return pg_fail(StoreErrc::io_error, "poll on the connection to PostgreSQL at " + server_ +
                                              " failed: " + std::strerror(errno));
    }
    if (PQconsumeInput(conn_) == 0) return tl::unexpected(connection_error("cannot read from"));
  }
  return {};
}

PgResult<std::vector<Rows>> Connection::pipeline(std::span<const Statement> statements) {
  if (PQenterPipelineMode(conn_) != 1)
    return tl::unexpected(connection_error("cannot enter pipeline mode on"));
  for (const Statement& s : statements) {
    std::vector<const char*> values;
    values.reserve(s.params.size());
    for (const auto& p : s.params) values.push_back(p ? p->c_str() : nullptr);
    if (PQsendQueryParams(conn_, s.sql.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0) != 1) {
      return tl::unexpected(connection_error("cannot send a statement to"));
    }
  }
  if (PQpipelineSync(conn_) != 1)
    return tl::unexpected(connection_error("cannot sync the pipeline on"));
  if (auto sent = flush(); !sent) return tl::unexpected(sent.error());

  // Every statement yields its result (or PIPELINE_ABORTED after a failure) and a null; then
  // the sync's result. All of them are read, even after a failure, so that the connection is
  // ready for the next pipeline.
  std::vector<Rows> out;
  out.reserve(statements.size());
  std::optional<Error> failure;
  for (std::size_t i = 0; i <= statements.size(); ++i) {
    if (auto ready = wait_readable(); !ready) return tl::unexpected(ready.error());
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) return tl::unexpected(connection_error("lost the pipeline on"));
    ExecStatusType status = PQresultStatus(result);
    if (i == statements.size()) {
      PQclear(result);
      if (status != PGRES_PIPELINE_SYNC)
        return tl::unexpected(connection_error("no pipeline sync from"));
      break;
    }
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      Rows rows;
      int columns = PQnfields(result);
      for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result, c));
      int n = PQntuples(result);
      rows.rows.reserve(static_cast<std::size_t>(n));
      for (int r = 0; r < n; ++r) {
        auto& row = rows.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) {
          if (PQgetisnull(result, r, c) == 1) {
            row.emplace_back(std::nullopt);
          } else {
            row.emplace_back(std::string(PQgetvalue(result, r, c),
                                         static_cast<std::size_t>(PQgetlength(result, r, c))));
          }
        }
      }
      const char* affected = PQcmdTuples(result);
      if (affected != nullptr && *affected != '\0') rows.affected = std::stoull(affected);
      out.push_back(std::move(rows));
    } else if (status != PGRES_PIPELINE_ABORTED && !failure) {
      const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      failure = Error{make_error_code(StoreErrc::backend_error),
                      "statement " + std::to_string(i + 1) + " of " +
                          std::to_string(statements.size()) + " failed on PostgreSQL at " +
                          server_ + ": " + clean(PQresultErrorMessage(result), secret_),
                      state != nullptr ? state : "", i};
    }
    PQclear(result);
    if (auto ready = wait_readable(); !ready) return tl::unexpected(ready.error());
    if (PGresult* end = PQgetResult(conn_); end != nullptr) {
      PQclear(end);
      return tl::unexpected(connection_error("more than one result per statement from"));
    }
  }
  if (PQexitPipelineMode(conn_) != 1)
    return tl::unexpected(connection_error("cannot leave pipeline mode on"));
  if (failure) return tl::unexpected(std::move(*failure));
  return out;
}

PgResult<Rows> Connection::exec(const Statement& statement) {
  auto results = pipeline(std::span(&statement, 1));
  if (!results) return tl::unexpected(std::move(results.error()));
  return std::move(results->front());
}

}  // namespace smppgw::store::postgres
