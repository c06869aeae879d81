// Reads a phone list in CSV form (SPEC §6 Manual Opt-Out): the first non-blank record is
// the header and must have a column named `phone` (any case, surrounding blanks ignored);
// every later record yields that column's value with its row number. Other columns are
// ignored, blank lines are skipped. Streaming, like the CsvReader under it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "daemon/admin/csv_reader.hpp"

namespace smppgw::admin {

// Why a list is refused whole (SPEC §6: only a CSV with a `phone` column is accepted).
struct ListRefusal {
  std::string message;  // a sentence for the operator, naming what was wrong
};

class PhoneListReader {
 public:
  // Called for every data row: its row number (header = row 1) and the raw phone value.
  using RowFn = std::function<void(std::uint64_t row, std::string_view value)>;

  explicit PhoneListReader(std::string source_name = "the list");

  tl::expected<void, ListRefusal> feed(std::string_view chunk, const RowFn& on_row);
  // End of input; a list without any header line is refused.
  tl::expected<void, ListRefusal> finish(const RowFn& on_row);

  bool header_seen() const { return phone_column_.has_value(); }

 private:
  tl::expected<void, ListRefusal> refusal(std::string_view why) const;
  void on_record(const CsvRecord& record, const RowFn& on_row);

  std::string source_name_;
  CsvReader csv_;
  std::optional<std::size_t> phone_column_;
  bool missing_phone_column_ = false;
};

// The sentence every refusal of a non-CSV upload ends with.
inline constexpr std::string_view kOnlyCsvAccepted =
    "Only a CSV file with a header row containing a column named \"phone\" is accepted.";

}  // namespace smppgw::admin
