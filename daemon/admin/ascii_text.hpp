// The ASCII handling of HTTP and CSV header text (media types, header and column names,
// parameters): case-insensitive by the RFCs, with optional blanks around values. Never
// applied to subscriber text, which is UTF-8.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace smppgw::admin {

// `s` with A-Z as a-z (bytes outside ASCII unchanged).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace smppgw::admin
