// Printing configuration diagnostics as "file:line:col: message".
#include "conf/config_error.hpp"

namespace smppgw::conf {

std::string ConfigDiagnostic::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string ConfigError::to_string() const {
  std::string out;
  for (const auto& d : diagnostics) {
    out += d.to_string();
    out += '\n';
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const ConfigError& error) {
  return os << error.to_string();
}

}  // namespace smppgw::conf
