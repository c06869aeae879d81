// Header lookup and row extraction on top of the CSV state machine.
#include "daemon/admin/phone_list_reader.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/admin/ascii_text.hpp"

namespace smppgw::admin {

namespace {

bool is_phone_header(std::string_view name) {
  name = trim_blanks(name);
  constexpr std::string_view kPhone = "phone";
  return name.size() == kPhone.size() &&
         std::equal(name.begin(), name.end(), kPhone.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

PhoneListReader::PhoneListReader(std::string source_name) : source_name_(std::move(source_name)) {}

tl::expected<void, ListRefusal> PhoneListReader::refusal(std::string_view why) const {
  std::string message = source_name_;
  message += " was refused: ";
  message += why;
  message += ". ";
  message += kOnlyCsvAccepted;
  message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
  return tl::unexpected(ListRefusal{std::move(message)});
}

void PhoneListReader::on_record(const CsvRecord& record, const RowFn& on_row) {
  // Blank lines, also lines of only spaces (pasted text), are not rows.
  if (missing_phone_column_ ||
      (record.fields.size() == 1 && trim_blanks(record.fields[0]).empty())) {
    return;
  }
  if (!phone_column_) {
    auto it = std::find_if(record.fields.begin(), record.fields.end(), is_phone_header);
    if (it == record.fields.end()) {
      missing_phone_column_ = true;
      return;
    }
    phone_column_ = static_cast<std::size_t>(it - record.fields.begin());
    return;
  }
  std::string_view value;
  if (*phone_column_ < record.fields.size()) value = record.fields[*phone_column_];
  on_row(record.row, trim_blanks(value));
}

tl::expected<void, ListRefusal> PhoneListReader::feed(std::string_view chunk, const RowFn& on_row) {
  if (missing_phone_column_) return refusal("its header row has no column named \"phone\"");
  auto r = csv_.feed(chunk, [&](const CsvRecord& rec) { on_record(rec, on_row); });
  if (!r) return refusal(describe(r.error()));
  if (missing_phone_column_) return refusal("its header row has no column named \"phone\"");
  return {};
}

tl::expected<void, ListRefusal> PhoneListReader::finish(const RowFn& on_row) {
  if (missing_phone_column_) return refusal("its header row has no column named \"phone\"");
  auto r = csv_.finish([&](const CsvRecord& rec) { on_record(rec, on_row); });
  if (!r) return refusal(describe(r.error()));
  if (missing_phone_column_) return refusal("its header row has no column named \"phone\"");
  if (!phone_column_) return refusal("it is empty (no header row with a \"phone\" column)");
  return {};
}

}  // namespace smppgw::admin
