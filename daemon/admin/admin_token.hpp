// The admin bearer token (SPEC §6, issue 6): read from `admin.token_file`, or created there
// with 32 random bytes in hex (mode 0600) when the file is missing. The token text is never
// logged or formatted; requests are checked with a constant-time comparison.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::admin {

class AdminToken {
 public:
  // Reads the token from `path` (surrounding white space dropped). A missing file is
  // created with a fresh token, mode 0600, and `created` reports it. A file that exists but
  // cannot be read, or is empty, is an error naming the path: start-up stops there.
  static tl::expected<AdminToken, std::string> load_or_create(const std::string& path,
                                                              bool* created = nullptr);

  // For tests and callers that already hold the token.
  explicit AdminToken(std::string token) : token_(std::move(token)) {}

  // True when `authorization` is "Bearer <token>" (scheme case-insensitive); the token
  // comparison takes the same time wherever the first difference is.
  bool accepts(std::string_view authorization) const;

  // The token itself: for the test harness that must send it. Never log it.
  const std::string& reveal() const { return token_; }

 private:
  std::string token_;
};

// Constant-time equality of two byte strings (time depends on the lengths only).
bool constant_time_equal(std::string_view a, std::string_view b);

// 32 random bytes from the system's CSPRNG as 64 lowercase hex digits.
tl::expected<std::string, std::string> random_token_hex();

}  // namespace smppgw::admin
