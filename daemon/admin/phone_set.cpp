// Linear probing over a power-of-two table kept at most half full.
#include "daemon/admin/phone_set.hpp"

namespace smppgw::admin {

namespace {

std::size_t slot_of(std::uint64_t key, std::size_t mask) {
  // Fibonacci hashing spreads consecutive numbers (a typical list) over the table.
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
}

}  // namespace

std::optional<std::uint64_t> e164_key(std::string_view e164) {
  if (e164.size() < 2 || e164.size() > 16 || e164[0] != '+' || e164[1] == '0') return std::nullopt;
  std::uint64_t key = 0;
  for (char c : e164.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    key = key * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return key;
}

bool PhoneSet::insert(std::uint64_t key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

void PhoneSet::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint64_t key : old) {
    if (key == 0) continue;
    std::size_t i = slot_of(key, mask);
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = key;
  }
}

}  // namespace smppgw::admin
