// A credential read from the configuration (an SMPP password). It prints as "***" so that
// logging or formatting a Config can never leak it (SPEC §8: no password is ever logged);
// the SMPP layer asks for the text explicitly with reveal().
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace smppgw::conf {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The credential itself, for the bind PDU and the constant-time comparison only.
  [[nodiscard]] const std::string& reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }

  friend bool operator==(const Secret&, const Secret&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace smppgw::conf
