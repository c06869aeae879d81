// Sequence numbers of the requests one end originates: 1..0x7FFFFFFF, wrapping back to 1
// (smpp-notes §1). Each end of a session numbers its own requests independently.
#pragma once

#include <cstdint>

namespace smppgw::smpp {

class SequenceCounter {
 public:
  static constexpr std::uint32_t kFirst = 0x00000001;
  static constexpr std::uint32_t kLast = 0x7FFFFFFF;  // bit 31 is reserved

  // `first` outside 1..0x7FFFFFFF starts at 1.
  explicit SequenceCounter(std::uint32_t first = kFirst)
      : next_(first >= kFirst && first <= kLast ? first : kFirst) {}

  // The number for the next request; advances the counter.
  std::uint32_t next() {
    const std::uint32_t sequence_number = next_;
    next_ = sequence_number == kLast ? kFirst : sequence_number + 1;
    return sequence_number;
  }
  std::uint32_t peek() const { return next_; }

 private:
  std::uint32_t next_;
};

}  // namespace smppgw::smpp
