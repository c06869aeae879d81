#include "tools/sim/phone_sequence.hpp"

#include <gtest/gtest.h>

#include <set>

namespace smppgw::sim {
namespace {

std::string at(const PhoneSequence& s, std::uint64_t i) {
  std::string out;
  s.at(i, out);
  return out;
}

TEST(PhoneSequence, CountsUpFromTheBaseWithCarry) {
  auto s = PhoneSequence::create("+14155500000", std::nullopt).value();
  EXPECT_EQ(at(s, 0), "+14155500000");
  EXPECT_EQ(at(s, 1), "+14155500001");
  EXPECT_EQ(at(s, 99999), "+14155599999");
  EXPECT_EQ(at(s, 100000), "+14155600000");
  auto t = PhoneSequence::create("1999", std::nullopt).value();
  EXPECT_EQ(at(t, 1), "2000");
}

TEST(PhoneSequence, DistinctUntilItWraps) {
  auto s = PhoneSequence::create("+14155500000", 1000).value();
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 1000; ++i) seen.insert(at(s, i));
  EXPECT_EQ(seen.size(), 1000U);
  EXPECT_EQ(at(s, 1000), "+14155500000");
  EXPECT_EQ(at(s, 1001), "+14155500001");
}

TEST(PhoneSequence, NeverGrowsADigit) {
  auto s = PhoneSequence::create("+998", std::nullopt).value();
  EXPECT_EQ(at(s, 1), "+999");
  EXPECT_EQ(at(s, 2), "+998");  // only 2 numbers fit in 3 digits from 998
}

TEST(PhoneSequence, RejectsNonDigits) {
  EXPECT_FALSE(PhoneSequence::create("+1-415", std::nullopt));
  EXPECT_FALSE(PhoneSequence::create("+", std::nullopt));
  EXPECT_FALSE(PhoneSequence::create("", std::nullopt));
}

}  // namespace
}  // namespace smppgw::sim
