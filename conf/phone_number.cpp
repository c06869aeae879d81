// E.164 normalisation (SPEC §3).
//
// libphonenumber's Parse() is exact but costs ~17 µs a number on this machine (regular
// expressions for every input), i.e. 17 s for a million-row opt-out upload. Almost every
// number such a list holds is a North American one, already in E.164 or in ten-digit
// national form, and for those the result is plain digit shuffling: the fast path handles
// exactly the shapes whose outcome is certain (country code 1, area code starting 2-9, so no
// national prefix to strip and a length that is always possible) and hands everything else
// to libphonenumber. tests/unit/conf/phone_number_test.cpp checks the fast path against
// Parse() on random inputs of every shape it accepts.
#include "conf/phone_number.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <set>

namespace smppgw::conf {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() {
  return *PhoneNumberUtil::GetInstance();
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

constexpr std::size_t kMaxInput = 64;  // longer than any phone number written with spaces

}  // namespace

bool is_short_code(std::string_view text) {
  return text.size() >= 3 && text.size() <= 8 && std::all_of(text.begin(), text.end(), is_digit);
}

bool is_supported_region(std::string_view region) {
  static const std::set<std::string, std::less<>> regions = [] {
    std::set<std::string> r;
    util().GetSupportedRegions(&r);
    return std::set<std::string, std::less<>>(r.begin(), r.end());
  }();
  return regions.find(region) != regions.end();
}

PhoneNormalizer::PhoneNormalizer(std::string default_region) : region_(std::move(default_region)) {
  region_country_code_ = util().GetCountryCodeForRegion(region_);
}

tl::expected<std::string, PhoneError> PhoneNormalizer::normalize(std::string_view input) const {
  const std::string_view s = trim(input);
  if (s.empty()) return tl::unexpected(PhoneError{"empty"});
  if (s.size() > kMaxInput) return tl::unexpected(PhoneError{"too long to be a phone number"});
  if (is_short_code(s)) return std::string(s);

  // Fast path: North American numbers in the shapes described at the top of the file.
  char digits[kMaxInput];
  std::size_t n = 0;
  bool plus = false;
  bool simple = true;
  for (std::size_t i = 0; i < s.size() && simple; ++i) {
    const char c = s[i];
    if (is_digit(c)) {
      digits[n++] = c;
    } else if (c == '+' && i == 0) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      simple = false;
    }
  }
  if (simple) {
    const auto area_ok = [&](std::size_t at) { return digits[at] >= '2' && digits[at] <= '9'; };
    std::string out;
    if (n == 11 && digits[0] == '1' && area_ok(1) && (plus || region_country_code_ == 1)) {
      out.reserve(12);
      out.push_back('+');
      out.append(digits, n);
      return out;
    }
    if (!plus && n == 10 && region_country_code_ == 1 && area_ok(0)) {
      out.reserve(12);
      out.append("+1");
      out.append(digits, n);
      return out;
    }
  }
  return normalize_slow(s);
}

tl::expected<std::string, PhoneError> PhoneNormalizer::normalize_slow(std::string_view s) const {
  PhoneNumber number;
  switch (util().Parse(std::string(s), region_, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return tl::unexpected(
          PhoneError{"unknown country code; write the number in E.164, e.g. +14155552671"});
    case PhoneNumberUtil::NOT_A_NUMBER:
      return tl::unexpected(PhoneError{"not a phone number"});
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return tl::unexpected(PhoneError{"too short to be a phone number"});
    case PhoneNumberUtil::TOO_LONG_NSN:
      return tl::unexpected(PhoneError{"too long to be a phone number"});
  }
  switch (util().IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return tl::unexpected(PhoneError{"a local number without its area code"});
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return tl::unexpected(
          PhoneError{"unknown country code; write the number in E.164, e.g. +14155552671"});
    case PhoneNumberUtil::TOO_SHORT:
      return tl::unexpected(PhoneError{"too short for its country"});
    case PhoneNumberUtil::TOO_LONG:
      return tl::unexpected(PhoneError{"too long for its country"});
    case PhoneNumberUtil::INVALID_LENGTH:
      return tl::unexpected(PhoneError{"not a possible length for its country"});
  }
  std::string out;
  util().Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace smppgw::conf
