// E.164 normalisation (SPEC §3).
//
// libphonenumber's Parse() is exact but costs ~17 µs a number on this machine (regular
// expressions for every input), i.e. 17 s for a million-row opt-out upload. Most numbers
// such a list holds are already in E.164 or, for North America, in ten-digit national form,
// and for those the result is plain digit shuffling plus a length check. Two fast paths
// handle exactly the shapes whose outcome is certain and hand everything else to Parse():
//  - North American numbers (country code 1, area code starting 2-9, so no national prefix
//    to strip; ten digits are always a possible length);
//  - "+<country code><national number>" for the countries of kPlainE164Countries, whose
//    national number (not starting with 0) is never rewritten by Parse(); the length check is
//    libphonenumber's own IsPossibleNumberWithReason() (~1 µs). The list holds the countries
//    an offline scan found Parse() to leave alone for every 4-digit prefix and length; not
//    listed are countries where Parse() strips or rewrites prefixes of E.164 input (7 RU/KZ,
//    52 MX, 54 AR, 55 BR, 61 AU, 86 CN, ...).
// tests/unit/conf/phone_number_test.cpp checks both fast paths against Parse() on random
// inputs of every shape they accept.
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

// See the top of the file. Country calling codes are prefix-free, so a match is the code.
constexpr int kPlainE164Countries[] = {20, 27, 30, 31, 32, 33, 34, 39,  40,  41,  43, 44, 45,
                                       46, 47, 48, 49, 51, 56, 57, 58,  60,  62,  63, 64, 65,
                                       66, 81, 82, 84, 90, 91, 92, 234, 254, 351, 353};

int plain_e164_country(const char* digits, std::size_t n) {
  if (n == 0 || digits[0] == '0') return 0;  // no country code starts with 0
  for (std::size_t len = 2; len <= 3 && len < n; ++len) {
    int cc = 0;
    for (std::size_t i = 0; i < len; ++i) cc = cc * 10 + (digits[i] - '0');
    for (int known : kPlainE164Countries)
      if (known == cc) return cc;
  }
  return 0;
}

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
    if (plus) {
      if (const int cc = plain_e164_country(digits, n)) {
        const std::size_t cc_len = cc >= 100 ? 3 : 2;
        const std::size_t nsn_len = n - cc_len;
        // 17 digits is the longest national number libphonenumber accepts; it fits in 64 bits.
        if (digits[cc_len] != '0' && nsn_len <= 17) {
          std::uint64_t national = 0;
          for (std::size_t i = cc_len; i < n; ++i)
            national = national * 10 + static_cast<std::uint64_t>(digits[i] - '0');
          PhoneNumber number;
          number.set_country_code(cc);
          number.set_national_number(national);
          if (util().IsPossibleNumberWithReason(number) == PhoneNumberUtil::IS_POSSIBLE) {
            out.reserve(n + 1);
            out.push_back('+');
            out.append(digits, n);
            return out;
          }
        }
      }
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
