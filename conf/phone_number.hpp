// Phone numbers as the product stores and shows them (SPEC §3): E.164 ("+14155552671"),
// normalised with libphonenumber for numbers written without a country code in the
// configured default region. Short codes stay as written. Used for every MO sender and for
// every row of a Manual Opt-Out upload (a million numbers), hence the fast path below.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::conf {

// Why a number was refused; `reason` is a sentence for the operator (CSV error rows).
struct PhoneError {
  std::string reason;
};

class PhoneNormalizer {
 public:
  // `default_region` is an ISO 3166 region code supported by libphonenumber ("US", "GB").
  // Construction is cheap; instances are immutable and may be shared between threads.
  explicit PhoneNormalizer(std::string default_region);

  // E.164 text for `input`, or why it is not a possible phone number. Visual separators
  // (spaces, dashes, dots, parentheses) and a leading "00"/"011"-style international prefix
  // are understood as libphonenumber understands them. A short code (3 to 8 digits, nothing
  // else) is returned unchanged. Thread-safe.
  [[nodiscard]] tl::expected<std::string, PhoneError> normalize(std::string_view input) const;

  [[nodiscard]] const std::string& default_region() const { return region_; }

 private:
  [[nodiscard]] tl::expected<std::string, PhoneError> normalize_slow(std::string_view input) const;

  std::string region_;
  int region_country_code_ = 0;  // 1 when the default region is in the NANP
};

// True when `text` is 3 to 8 ASCII digits: a short code, not a subscriber number.
bool is_short_code(std::string_view text);

// True when `region` is a region code libphonenumber knows ("US", "GB", ...).
bool is_supported_region(std::string_view region);

}  // namespace smppgw::conf
