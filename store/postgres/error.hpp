// Errors of the PostgreSQL backend as values: a store error code (StoreErrc) with the message a
// user reads — it names the server and libpq's or the server's cause, never a password — and,
// for a pipeline, which statement failed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>

#include <tl/expected.hpp>

#include "store/error.hpp"

namespace smppgw::store::postgres {

struct Error {
  std::error_code code;                  // a StoreErrc
  std::string message;                   // for the user; never contains a password
  std::string sqlstate;                  // the server's SQLSTATE, empty when not from the server
  std::optional<std::size_t> statement;  // index of the failing statement in a pipeline
};

template <class T>
using PgResult = tl::expected<T, Error>;

inline tl::unexpected<Error> pg_fail(StoreErrc code, std::string message, std::string sqlstate = {},
                                     std::optional<std::size_t> statement = std::nullopt) {
  return tl::unexpected(
      Error{make_error_code(code), std::move(message), std::move(sqlstate), statement});
}

}  // namespace smppgw::store::postgres
