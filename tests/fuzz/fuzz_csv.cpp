// libFuzzer target for the streaming CSV reader of the Manual Opt-Out upload
// (daemon/admin/csv_reader.cpp): the uploaded file is outside input. The first input byte
// chooses the limits (the defaults, or small ones so that the limit errors are reached) and
// the chunking; the rest is the file. Invariants:
//  - the same records and the same error whether the file is fed whole, byte by byte or in
//    input-dependent chunks (a record split across any two chunks parses as one piece);
//  - an error is sticky: feed and finish after it return it again;
//  - rows count from 1 without gaps; records() is the number of records; every record has
//    1..max_fields fields, no binary byte, and no more bytes than the file;
//  - a file with a binary byte is refused; one without never is for binary content;
//  - the records written back as RFC 4180 (every field quoted, CRLF) read back the same.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/csv_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace admin = smppgw::admin;
using smppgw::fuzz::as_text;
using smppgw::fuzz::check_same;

struct Parsed {
  std::vector<admin::CsvRecord> records;
  std::optional<admin::CsvError> error;
  std::uint64_t count = 0;  // records() at the end
};

bool same_records(const std::vector<admin::CsvRecord>& a, const std::vector<admin::CsvRecord>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const admin::CsvRecord& x, const admin::CsvRecord& y) {
                      return x.row == y.row && x.fields == y.fields;
                    });
}

bool operator==(const Parsed& a, const Parsed& b) {
  return same_records(a.records, b.records) && a.error == b.error && a.count == b.count;
}

enum class Chunking { whole, bytes, input };

// For the log of a failed comparison.
void print(const char* label, const Parsed& p) {
  std::fprintf(stderr, "%s: error %d, %zu records (records() %llu):", label,
               p.error ? static_cast<int>(*p.error) : -1, p.records.size(),
               static_cast<unsigned long long>(p.count));
  for (const auto& r : p.records)
    std::fprintf(stderr, " [row %llu, %zu fields]", static_cast<unsigned long long>(r.row),
                 r.fields.size());
  std::fprintf(stderr, "\n");
}

Parsed parse(std::string_view file, admin::CsvLimits limits, Chunking chunking, std::uint8_t seed) {
  admin::CsvReader reader(limits);
  Parsed out;
  const admin::CsvReader::RecordFn collect = [&out](const admin::CsvRecord& r) {
    out.records.push_back(r);
  };
  std::size_t at = 0;
  std::size_t step = seed;
  while (at < file.size() && !out.error) {
    std::size_t n = file.size() - at;
    if (chunking == Chunking::bytes) n = 1;
    if (chunking == Chunking::input) {
      const auto pick = static_cast<std::uint8_t>(file[step % file.size()]);
      step = step * 13 + 5;
      if (pick % 5 == 0) {  // an empty chunk changes nothing
        if (auto r = reader.feed({}, collect); !r) out.error = r.error();
      }
      n = std::min<std::size_t>(n, 1 + pick % 11);
    }
    if (out.error) break;
    if (auto r = reader.feed(file.substr(at, n), collect); !r) out.error = r.error();
    at += n;
  }
  if (!out.error) {
    if (auto r = reader.finish(collect); !r) out.error = r.error();
  }
  if (out.error) {
    const std::size_t before = out.records.size();
    const auto again = reader.feed("a,b\n", collect);
    FUZZ_CHECK(!again && again.error() == *out.error);
    const auto end = reader.finish(collect);
    FUZZ_CHECK(!end && end.error() == *out.error);
    FUZZ_CHECK(out.records.size() == before);
    FUZZ_CHECK(!admin::describe(*out.error).empty());
  }
  out.count = reader.records();
  return out;
}

bool is_binary(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
}

std::string write_csv(const std::vector<admin::CsvRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : r.fields[i]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const std::string_view file = as_text({data + 1, size - 1});
  admin::CsvLimits limits;
  if ((control & 1) != 0) {
    limits.max_record_bytes = 1 + (control >> 1) % 40;
    limits.max_fields = 1 + (control >> 4);
  }

  const Parsed whole = parse(file, limits, Chunking::whole, control);
  check_same(parse(file, limits, Chunking::bytes, control), whole, "byte by byte", print);
  check_same(parse(file, limits, Chunking::input, control), whole, "input chunks", print);

  FUZZ_CHECK(whole.count == whole.records.size());
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < whole.records.size(); ++i) {
    const admin::CsvRecord& r = whole.records[i];
    FUZZ_CHECK(r.row == i + 1);
    FUZZ_CHECK(!r.fields.empty() && r.fields.size() <= limits.max_fields);
    for (const std::string& f : r.fields) {
      for (char c : f) FUZZ_CHECK(!is_binary(static_cast<unsigned char>(c)));
      bytes += f.size();
    }
  }
  FUZZ_CHECK(bytes <= file.size());

  bool binary = false;
  for (char c : file) binary = binary || is_binary(static_cast<unsigned char>(c));
  if (binary) FUZZ_CHECK(whole.error.has_value());
  if (whole.error == admin::CsvError::binary_content) FUZZ_CHECK(binary);

  if (!whole.error) {
    // Room for the quotes the writer adds.
    const admin::CsvLimits roomy{4 * file.size() + 16, limits.max_fields};
    const Parsed again = parse(write_csv(whole.records), roomy, Chunking::whole, control);
    FUZZ_CHECK(!again.error);
    FUZZ_CHECK(same_records(again.records, whole.records));
  }
  return 0;
}
