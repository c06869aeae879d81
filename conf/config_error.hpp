// What is wrong with a configuration file: every problem found (not just the first), each
// with its place in the file and a sentence saying what to write instead. Printed one per
// line as "file:line:col: message", the form editors and `smppgwd --check-config` use.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace smppgw::conf {

struct ConfigDiagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no place (an unreadable file)
  int column = 0;  // 1-based; 0 when the problem has no place
  std::string message;

  // "file:line:col: message", or "file: message" when there is no place.
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ConfigDiagnostic&, const ConfigDiagnostic&) = default;
};

struct ConfigError {
  std::vector<ConfigDiagnostic> diagnostics;  // in file order

  // One line per diagnostic, each ending in '\n'.
  [[nodiscard]] std::string to_string() const;
};

std::ostream& operator<<(std::ostream& os, const ConfigError& error);

}  // namespace smppgw::conf
