// Shared by the libFuzzer targets of tests/fuzz: FUZZ_CHECK, an invariant check that aborts
// (so that libFuzzer keeps the input as a crash, also in release builds), and FuzzInput, which
// hands out the input's bytes as the small structured values the targets are driven by.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace smppgw::fuzz {

// Reads from the front of the input; past the end every read gives zeros / empty, so a target
// never has to check lengths (libFuzzer grows inputs that reach further).
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const { return at_ >= size_; }
  std::size_t remaining() const { return size_ - at_; }

  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }

  std::uint16_t u16() {
    const std::uint16_t hi = byte();
    return static_cast<std::uint16_t>((hi << 8) | byte());
  }

  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }

  // Up to `n` bytes (fewer at the end of the input).
  std::span<const std::uint8_t> bytes(std::size_t n) {
    const std::size_t take = n < remaining() ? n : remaining();
    const std::span<const std::uint8_t> out(data_ + at_, take);
    at_ += take;
    return out;
  }

  std::span<const std::uint8_t> rest() { return bytes(remaining()); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// A parse fed in pieces must give what the whole input gave: on a difference both results
// are printed (with `print(label, result)`) before the check fails.
template <class Parsed, class Print>
void check_same(const Parsed& got, const Parsed& whole, const char* how, Print&& print) {
  if (got == whole) return;
  print("whole", whole);
  print(how, got);
  FUZZ_CHECK(got == whole);
}

inline std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace smppgw::fuzz
