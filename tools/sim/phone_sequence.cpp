#include "tools/sim/phone_sequence.hpp"

namespace smppgw::sim {

tl::expected<PhoneSequence, std::string> PhoneSequence::create(
    std::string_view base, std::optional<std::uint64_t> phones) {
  PhoneSequence seq;
  std::string_view digits = base;
  if (digits.starts_with('+')) {
    seq.prefix_ = "+";
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return tl::unexpected("the MO base number is '+' and digits, got '" + std::string(base) + "'");
  }
  seq.digits_ = std::string(digits);
  // Numbers the digits can still count up to without growing: 10^n - base.
  std::uint64_t room = 0;
  constexpr std::size_t kMaxDigits = 18;  // 10^18 fits in 64 bits
  if (digits.size() >= kMaxDigits) {
    room = ~0ULL;
  } else {
    std::uint64_t limit = 1;
    for (std::size_t i = 0; i < digits.size(); ++i) limit *= 10;
    room = limit - std::stoull(seq.digits_);
  }
  seq.modulus_ = phones ? std::min(*phones, room) : room;
  if (seq.modulus_ == 0) seq.modulus_ = 1;
  return seq;
}

void PhoneSequence::at(std::uint64_t i, std::string& out) const {
  out.assign(prefix_);
  out.append(digits_);
  // Add (i mod modulus) to the digits, right to left, with carry.
  std::uint64_t add = i % modulus_;
  const std::size_t first = prefix_.size();
  for (std::size_t pos = out.size(); pos > first && add > 0; --pos) {
    const std::uint64_t d = static_cast<std::uint64_t>(out[pos - 1] - '0') + add % 10;
    add /= 10;
    out[pos - 1] = static_cast<char>('0' + d % 10);
    add += d / 10;
  }
}

}  // namespace smppgw::sim
