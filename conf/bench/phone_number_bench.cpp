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
  std::vector<std::string> e164, national, mixed, foreign;
  e164.reserve(kCount);
  national.reserve(kCount);
  mixed.reserve(kCount);
  foreign.reserve(kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    e164.push_back("+1" + nanp());
    const std::string d = nanp();
    national.push_back("(" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6));
    // E.164 mobiles of countries other than North America (FR, GB, DE, IN): the second fast
    // path.
    switch (i % 10) {
      case 0:
        foreign.push_back("+33 6" + digits(8));
        break;
      case 1:
      case 2:
      case 3:
        foreign.push_back("+447" + digits(9));
        break;
      case 4:
      case 5:
      case 6:
        foreign.push_back("+49 15" + digits(9));
        break;
      default:
        foreign.push_back("+91 9" + digits(9));
        break;
    }
    // 90 % North American in various shapes, 10 % dialled with the US exit code (the
    // libphonenumber path).
    switch (i % 10) {
      case 0:
        mixed.push_back("011 44 20 " + digits(8));
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
  bool all_valid = true;
  const auto report = [&](const char* name, const std::vector<std::string>& inputs) {
    std::size_t ok = 0;
    const double rate = run(normalizer, inputs, ok);
    std::printf("{\"bench\":\"%s\",\"value\":%.0f,\"unit\":\"numbers/s\"}\n", name, rate);
    all_valid = all_valid && ok == inputs.size();
  };
  for (int rep = 0; rep < 3; ++rep) {
    report("phone_normalize_e164", e164);
    report("phone_normalize_national", national);
    report("phone_normalize_e164_other_countries", foreign);
    report("phone_normalize_mixed_10pct_slow_path", mixed);
  }
  // Every generated number is valid: a refusal means the normaliser is wrong, not slow.
  return all_valid ? 0 : 1;
}
