#include "conf/phone_number.hpp"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include <atomic>
#include <random>
#include <thread>

namespace smppgw::conf {
namespace {

TEST(PhoneNumber, NormalisesToE164InTheDefaultRegion) {
  const PhoneNormalizer us("US");
  EXPECT_EQ(us.normalize("+14155552671").value(), "+14155552671");
  EXPECT_EQ(us.normalize("4155552671").value(), "+14155552671");
  EXPECT_EQ(us.normalize("(415) 555-2671").value(), "+14155552671");
  EXPECT_EQ(us.normalize("415.555.2671").value(), "+14155552671");
  EXPECT_EQ(us.normalize("1-415-555-2671").value(), "+14155552671");
  EXPECT_EQ(us.normalize(" +1 415 555 2671 ").value(), "+14155552671");
  EXPECT_EQ(us.normalize("+44 20 7183 8750").value(), "+442071838750");
  EXPECT_EQ(us.normalize("011 44 20 7183 8750").value(), "+442071838750");  // US exit code
  // E.164 input that libphonenumber rewrites (Argentine mobile "15", Australian prefixes):
  // such countries stay off the fast path, so the result is libphonenumber's.
  EXPECT_EQ(us.normalize("+5411156157454").value(), "+549116157454");
  EXPECT_EQ(us.normalize("+61183124011").value(), "+6124011");
  const PhoneNormalizer gb("GB");
  EXPECT_EQ(gb.normalize("020 7183 8750").value(), "+442071838750");
  EXPECT_EQ(gb.normalize("+1 415 555 2671").value(), "+14155552671");
  EXPECT_EQ(gb.normalize("00 1 415 555 2671").value(), "+14155552671");
}

TEST(PhoneNumber, KeepsShortCodesAsWritten) {
  const PhoneNormalizer us("US");
  EXPECT_EQ(us.normalize("12345").value(), "12345");
  EXPECT_EQ(us.normalize("678").value(), "678");
  EXPECT_TRUE(is_short_code("12345678"));
  EXPECT_FALSE(is_short_code("12"));
  EXPECT_FALSE(is_short_code("123456789"));
  EXPECT_FALSE(is_short_code("12-345"));
}

TEST(PhoneNumber, RefusesWithAReason) {
  const PhoneNormalizer us("US");
  EXPECT_EQ(us.normalize("").error().reason, "empty");
  EXPECT_EQ(us.normalize("   ").error().reason, "empty");
  EXPECT_EQ(us.normalize("hello").error().reason, "not a phone number");
  EXPECT_EQ(us.normalize("+999 1234 5678").error().reason,
            "unknown country code; write the number in E.164, e.g. +14155552671");
  EXPECT_EQ(us.normalize("+1 415 555 26711234").error().reason, "too long for its country");
  EXPECT_EQ(us.normalize("+1 41").error().reason, "too short for its country");
  EXPECT_EQ(us.normalize("+1").error().reason, "not a phone number");
  EXPECT_EQ(us.normalize("+44 20").error().reason, "too short for its country");
  EXPECT_EQ(us.normalize(std::string(100, '1')).error().reason, "too long to be a phone number");
  EXPECT_FALSE(us.normalize("555-2671"));  // 7 digits: a local number without area code
}

// The fast path must give exactly what libphonenumber gives, for every shape it accepts and
// for near misses it must hand over. Random inputs across those shapes.
TEST(PhoneNumber, FastPathAgreesWithLibphonenumber) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const auto& util = *PhoneNumberUtil::GetInstance();
  std::mt19937_64 rng(7);
  const auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    return s;
  };
  const char* separators[] = {"", " ", "-", ".", "(", ")"};
  int checked = 0;
  for (const char* region : {"US", "CA", "GB", "DE"}) {
    const PhoneNormalizer n(region);
    for (int i = 0; i < 3000; ++i) {
      std::string d = digits(9 + static_cast<int>(rng() % 4));
      if (rng() % 2) d.insert(0, "1");
      std::string input = (rng() % 3 == 0) ? "+" : "";
      for (char c : d) {
        input.push_back(c);
        if (rng() % 4 == 0) input += separators[rng() % 6];
      }
      PhoneNumber parsed;
      std::optional<std::string> expected;
      if (util.Parse(input, region, &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
          util.IsPossibleNumberWithReason(parsed) == PhoneNumberUtil::IS_POSSIBLE) {
        std::string e164;
        util.Format(parsed, PhoneNumberUtil::E164, &e164);
        expected = e164;
      }
      if (is_short_code(input)) continue;
      auto got = n.normalize(input);
      ASSERT_EQ(got.has_value(), expected.has_value()) << region << " " << input;
      if (expected) {
        ASSERT_EQ(*got, *expected) << region << " " << input;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000);
}

// The same for E.164 input of other countries: those the fast path takes and, as controls,
// those it must hand to libphonenumber because Parse() rewrites their prefixes.
TEST(PhoneNumber, InternationalFastPathAgreesWithLibphonenumber) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const auto& util = *PhoneNumberUtil::GetInstance();
  const int countries[] = {20, 27,  30,  31,  32,  33,  34,  39,  40,  41,  43,  44, 45, 46,
                           47, 48,  49,  51,  54,  56,  57,  58,  60,  62,  63,  64, 65, 66,
                           81, 82,  84,  90,  91,  92,  234, 254, 351, 353, 7,   52, 55, 61,
                           86, 261, 298, 352, 370, 375, 378, 506, 672, 692, 993, 998};
  std::mt19937_64 rng(11);
  const PhoneNormalizer n("US");
  int checked = 0;
  for (int cc : countries) {
    for (int i = 0; i < 150; ++i) {
      std::string input = "+" + std::to_string(cc);
      if (rng() % 2) input += " ";
      const int len = 4 + static_cast<int>(rng() % 11);
      for (int k = 0; k < len; ++k) {
        input.push_back(static_cast<char>('0' + rng() % 10));
        if (rng() % 5 == 0) input += (rng() % 2) ? " " : "-";
      }
      PhoneNumber parsed;
      std::optional<std::string> expected;
      if (util.Parse(input, "US", &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
          util.IsPossibleNumberWithReason(parsed) == PhoneNumberUtil::IS_POSSIBLE) {
        std::string e164;
        util.Format(parsed, PhoneNumberUtil::E164, &e164);
        expected = e164;
      }
      auto got = n.normalize(input);
      ASSERT_EQ(got.has_value(), expected.has_value()) << input;
      if (expected) {
        ASSERT_EQ(*got, *expected) << input;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 150 * static_cast<int>(std::size(countries)));
}

TEST(PhoneNumber, SafeFromManyThreads) {
  const PhoneNormalizer us("US");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (us.normalize("+44 20 7183 8750").value_or("") != "+442071838750") ++wrong;
        if (us.normalize("(415) 555-2671").value_or("") != "+14155552671") ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PhoneNumber, KnowsRegionCodes) {
  EXPECT_TRUE(is_supported_region("US"));
  EXPECT_TRUE(is_supported_region("GB"));
  EXPECT_FALSE(is_supported_region("XX"));
  EXPECT_FALSE(is_supported_region("us"));
}

}  // namespace
}  // namespace smppgw::conf
