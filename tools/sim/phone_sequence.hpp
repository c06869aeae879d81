// Distinct subscriber numbers for rate-mode MO: the i-th MO comes from the base number
// plus i (modulo the phone count), keeping the base's digit count, so a run of M MO from
// "+14155500000" uses +14155500000, +14155500001, ... — M different subscribers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::sim {

class PhoneSequence {
 public:
  // base: optional '+' then digits. phones: how many distinct numbers before wrapping
  // (nullopt: as many as the digits allow).
  static tl::expected<PhoneSequence, std::string> create(std::string_view base,
                                                         std::optional<std::uint64_t> phones);

  // The number of the i-th MO (0-based), written into `out` (reused: no allocation once
  // its capacity suffices).
  void at(std::uint64_t i, std::string& out) const;

 private:
  std::string prefix_;     // "+" or ""
  std::string digits_;     // the base's digits
  std::uint64_t modulus_;  // distinct numbers before wrapping
};

}  // namespace smppgw::sim
