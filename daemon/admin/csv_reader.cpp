// RFC 4180 parsing as a byte-at-a-time state machine, so that a record split across any
// two chunks parses exactly as if it had come in one piece.
#include "daemon/admin/csv_reader.hpp"

namespace smppgw::admin {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Text never holds these; images, archives (.xlsx is a ZIP) and random bytes almost always
// do within their first bytes. TAB, LF, CR and FF are text.
bool is_binary_byte(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
}

}  // namespace

std::string_view describe(CsvError error) {
  switch (error) {
    case CsvError::binary_content:
      return "the file holds binary data (it is not a CSV text file)";
    case CsvError::record_too_long:
      return "a line of the file is too long to be a row of a phone list";
    case CsvError::too_many_fields:
      return "a line of the file has too many columns to be a row of a phone list";
  }
  return "not a CSV file";
}

CsvReader::CsvReader(CsvLimits limits) : limits_(limits) {
  record_.fields.reserve(4);
}

tl::expected<void, CsvError> CsvReader::fail(CsvError error) {
  failed_ = true;
  error_ = error;
  return tl::unexpected(error);
}

bool CsvReader::end_field() {
  if (record_.fields.size() >= limits_.max_fields) return false;
  record_.fields.push_back(std::move(field_));
  field_.clear();
  return true;
}

void CsvReader::end_record(const RecordFn& on_record) {
  ++record_.row;
  on_record(record_);
  record_.fields.clear();
  record_bytes_ = 0;
}

tl::expected<void, CsvError> CsvReader::feed(std::string_view chunk, const RecordFn& on_record) {
  if (failed_) return tl::unexpected(error_);
  std::size_t i = 0;
  // The BOM may arrive split across chunks: match it byte by byte, and if the start turns
  // out not to be a BOM, parse the bytes matched so far as ordinary content.
  while (!past_bom_ && i < chunk.size()) {
    if (chunk[i] == kBom[bom_matched_]) {
      ++bom_matched_;
      ++i;
      if (bom_matched_ == kBom.size()) past_bom_ = true;
      continue;
    }
    past_bom_ = true;
    if (bom_matched_ > 0) {
      auto replay = kBom.substr(0, bom_matched_);
      bom_matched_ = 0;
      if (auto r = feed(replay, on_record); !r) return r;
    }
  }
  for (; i < chunk.size(); ++i) {
    const char c = chunk[i];
    const auto u = static_cast<unsigned char>(c);
    if (is_binary_byte(u)) return fail(CsvError::binary_content);
    if (++record_bytes_ > limits_.max_record_bytes) return fail(CsvError::record_too_long);
    switch (state_) {
      case State::after_cr:
        // CRLF ends one record, not two.
        state_ = State::field_start;
        if (c == '\n') {
          record_bytes_ = 0;
          continue;
        }
        [[fallthrough]];
      case State::field_start:
        if (c == '"') {
          state_ = State::quoted;
          continue;
        }
        [[fallthrough]];
      case State::unquoted:
        if (c == ',') {
          if (!end_field()) return fail(CsvError::too_many_fields);
          state_ = State::field_start;
        } else if (c == '\n' || c == '\r') {
          if (!end_field()) return fail(CsvError::too_many_fields);
          end_record(on_record);
          state_ = c == '\r' ? State::after_cr : State::field_start;
        } else {
          // A quote inside an unquoted field is kept as written (lenient, as spreadsheets are).
          field_.push_back(c);
          state_ = State::unquoted;
        }
        continue;
      case State::quoted:
        if (c == '"') {
          state_ = State::quote_in_quoted;
        } else {
          field_.push_back(c);
        }
        continue;
      case State::quote_in_quoted:
        if (c == '"') {  // "" is one literal quote
          field_.push_back('"');
          state_ = State::quoted;
        } else if (c == ',') {
          if (!end_field()) return fail(CsvError::too_many_fields);
          state_ = State::field_start;
        } else if (c == '\n' || c == '\r') {
          if (!end_field()) return fail(CsvError::too_many_fields);
          end_record(on_record);
          state_ = c == '\r' ? State::after_cr : State::field_start;
        } else {
          // Text after a closing quote ("12"34): kept, like the quote-less case.
          field_.push_back(c);
          state_ = State::unquoted;
        }
        continue;
    }
  }
  return {};
}

tl::expected<void, CsvError> CsvReader::finish(const RecordFn& on_record) {
  if (failed_) return tl::unexpected(error_);
  if (!past_bom_ && bom_matched_ > 0) {
    // Input shorter than a BOM that began like one: it is content.
    past_bom_ = true;
    auto replay = kBom.substr(0, bom_matched_);
    bom_matched_ = 0;
    if (auto r = feed(replay, on_record); !r) return r;
  }
  // A last record without a line end; an unterminated quoted field ends here too.
  if (state_ == State::unquoted || state_ == State::quoted || state_ == State::quote_in_quoted ||
      (state_ == State::field_start && !record_.fields.empty())) {
    if (!end_field()) return fail(CsvError::too_many_fields);
    end_record(on_record);
  }
  state_ = State::field_start;
  return {};
}

}  // namespace smppgw::admin
