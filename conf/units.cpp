// Durations and sizes of the configuration file (SPEC §2).
#include "conf/units.hpp"

#include <array>
#include <limits>

namespace smppgw::conf {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads the leading digits of `s` into `value`; false on overflow or when there are none.
bool take_number(std::string_view& s, std::uint64_t& value) {
  std::size_t i = 0;
  value = 0;
  while (i < s.size() && is_digit(s[i])) {
    const std::uint64_t digit = static_cast<std::uint64_t>(s[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return false;
  s.remove_prefix(i);
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

tl::expected<Duration, std::string> parse_duration(std::string_view text) {
  const std::string_view original = trim(text);
  std::string_view s = original;
  const auto bad = [&] {
    return tl::unexpected("\"" + std::string(original) +
                          "\" is not a duration; write a number with a unit: 500ms, 30s, 5m, 1h");
  };
  if (s.empty()) return bad();
  struct Unit {
    std::string_view name;
    std::uint64_t ms;
  };
  // Longest names first so that "ms" is not read as "m" + "s".
  static constexpr std::array<Unit, 4> kUnits{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
  std::uint64_t total = 0;
  while (!s.empty()) {
    std::uint64_t n = 0;
    if (!take_number(s, n)) return bad();
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(0, u.name.size()) == u.name &&
          (s.size() == u.name.size() || is_digit(s[u.name.size()]))) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad();
    s.remove_prefix(unit->name.size());
    if (n > std::numeric_limits<std::int64_t>::max() / unit->ms / 2) return bad();
    total += n * unit->ms;
  }
  return Duration(static_cast<Duration::rep>(total));
}

tl::expected<std::uint64_t, std::string> parse_size(std::string_view text) {
  const std::string_view original = trim(text);
  std::string_view s = original;
  const auto bad = [&] {
    return tl::unexpected("\"" + std::string(original) +
                          "\" is not a size; write bytes or a number with a unit: 65536, 64KiB, "
                          "256MiB, 8GiB");
  };
  std::uint64_t n = 0;
  if (!take_number(s, n)) return bad();
  struct Unit {
    std::string_view name;
    std::uint64_t factor;
  };
  static constexpr std::array<Unit, 9> kUnits{{{"", 1},
                                               {"B", 1},
                                               {"KiB", 1ULL << 10},
                                               {"MiB", 1ULL << 20},
                                               {"GiB", 1ULL << 30},
                                               {"TiB", 1ULL << 40},
                                               {"KB", 1000ULL},
                                               {"MB", 1000ULL * 1000},
                                               {"GB", 1000ULL * 1000 * 1000}}};
  s = trim(s);
  for (const Unit& u : kUnits) {
    if (s == u.name) {
      if (n > std::numeric_limits<std::uint64_t>::max() / u.factor) return bad();
      return n * u.factor;
    }
  }
  return bad();
}

std::string format_duration(Duration d) {
  const auto ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<const char*, 4> kNames{"TiB", "GiB", "MiB", "KiB"};
  static constexpr std::array<int, 4> kShifts{40, 30, 20, 10};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const std::uint64_t unit = 1ULL << kShifts[i];
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + kNames[i];
  }
  return std::to_string(bytes);
}

}  // namespace smppgw::conf
