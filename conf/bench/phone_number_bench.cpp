// Phone normalisation throughput: one thread normalising a million numbers, as a Manual
// Opt-Out upload does, in the shapes such lists hold (E.164, national, formatted, foreign).
// Prints {"bench":NAME,"value":N,"unit":U} lines (tools/dev bench).
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "conf/phone_number.hpp"

namespace {

double run(const smppgw::conf::PhoneNormalizer& n, const std::vector<std::string>& inputs,
           std::size_t& ok) {
  const auto t0 = std::chrono::steady_clock::now();
  ok = 0;
  for (const auto& s : inputs) ok += n.normalize(s).has_value() ? 1 : 0;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return static_cast<double>(inputs.size()) / seconds;
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  const auto digits = [&](int count) {
    std::string s;
    for (int i = 0; i < count; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    return s;
  };
  const auto nanp = [&] {
    std::string s = digits(10);
    s[0] = static_cast<char>('2' + rng() % 8);
    return s;
  };
  constexpr std::size_t kCount = 1'000'000;
  std::vector<std::string> e164, national, mixed;
  e164.reserve(kCount);
  national.reserve(kCount);
  mixed.reserve(kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    e164.push_back("+1" + nanp());
    const std::string d = nanp();
    national.push_back("(" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6));
    // 90 % North American in various shapes, 10 % foreign (the libphonenumber path).
    switch (i % 10) {
      case 0:
        mixed.push_back("+44 20 " + digits(8));
        break;
      case 1:
        mixed.push_back(nanp());
        break;
      case 2:
        mixed.push_back("1-" + nanp());
        break;
      default:
        mixed.push_back("+1" + nanp());
        break;
    }
  }
  const smppgw::conf::PhoneNormalizer normalizer("US");
  std::size_t ok = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::printf("{\"bench\":\"phone_normalize_e164\",\"value\":%.0f,\"unit\":\"numbers/s\"}\n",
                run(normalizer, e164, ok));
    std::printf("{\"bench\":\"phone_normalize_national\",\"value\":%.0f,\"unit\":\"numbers/s\"}\n",
                run(normalizer, national, ok));
    std::printf(
        "{\"bench\":\"phone_normalize_mixed_10pct_foreign\",\"value\":%.0f,\"unit\":\"numbers/"
        "s\"}\n",
        run(normalizer, mixed, ok));
  }
  return ok == mixed.size() ? 0 : 1;
}
