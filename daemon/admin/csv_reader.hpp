// A streaming RFC 4180 CSV reader: bytes go in as chunks of any size, complete records
// come out with their row number. It never holds more than one record, so a million-row
// upload needs no million-row buffer. It also refuses content that is not text at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace smppgw::admin {

// Why a byte stream is not a CSV file. The whole upload is refused for any of these.
enum class CsvError {
  binary_content,   // a NUL or other control byte: an image, a spreadsheet, random data
  record_too_long,  // a record over CsvLimits::max_record_bytes: not a list of phone numbers
  too_many_fields,  // a record over CsvLimits::max_fields
};

std::string_view describe(CsvError error);

// Limits that keep one record bounded; a phone list has short lines, so anything past
// these is a file of another kind (DESIGN.md §7: limits are named constants).
struct CsvLimits {
  std::size_t max_record_bytes = 64 * 1024;
  std::size_t max_fields = 1024;
};

// One record. `row` counts records from 1 (the header is row 1), blank lines included,
// which is the row number a spreadsheet shows for files without line breaks in fields.
struct CsvRecord {
  std::uint64_t row = 0;
  std::vector<std::string> fields;
  // True when the record is a blank line (no characters at all between line ends).
  bool blank() const { return fields.size() == 1 && fields[0].empty(); }
};

class CsvReader {
 public:
  using RecordFn = std::function<void(const CsvRecord&)>;

  explicit CsvReader(CsvLimits limits = {});

  // Parses `chunk` and calls `on_record` for every record it completes. A UTF-8 BOM at
  // the very start is dropped. Line ends: CRLF, LF or a lone CR. After an error the
  // reader stays failed and every later call returns the same error.
  tl::expected<void, CsvError> feed(std::string_view chunk, const RecordFn& on_record);

  // End of input: completes a last record that has no line end.
  tl::expected<void, CsvError> finish(const RecordFn& on_record);

  std::uint64_t records() const { return record_.row; }

 private:
  enum class State : std::uint8_t { field_start, unquoted, quoted, quote_in_quoted, after_cr };

  tl::expected<void, CsvError> fail(CsvError error);
  bool end_field();
  void end_record(const RecordFn& on_record);

  CsvLimits limits_;
  State state_ = State::field_start;
  std::size_t bom_matched_ = 0;  // bytes of the BOM seen so far at the start of input
  bool past_bom_ = false;
  bool failed_ = false;
  CsvError error_ = CsvError::binary_content;
  std::size_t record_bytes_ = 0;
  std::string field_;
  CsvRecord record_;
};

}  // namespace smppgw::admin
