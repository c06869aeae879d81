// A set of E.164 numbers held as 64-bit integers in one open-addressing table: the duplicate
// check of a Manual Opt-Out must remember every number of the upload, and a million
// std::string nodes would cost ~80 MB where this costs 16-32 MB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace smppgw::admin {

// "+14155552671" → 14155552671. E.164 has at most 15 digits and no country code starts
// with 0, so the value is unique per number and fits in 50 bits. nullopt for other text.
std::optional<std::uint64_t> e164_key(std::string_view e164);

class PhoneSet {
 public:
  // Adds `key`; false when it was present already.
  bool insert(std::uint64_t key);
  std::size_t size() const { return size_; }

 private:
  void grow();

  std::vector<std::uint64_t> slots_;  // 0 = empty (no E.164 number maps to 0)
  std::size_t size_ = 0;
};

}  // namespace smppgw::admin
