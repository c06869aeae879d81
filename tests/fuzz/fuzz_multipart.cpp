// libFuzzer target for the streaming multipart/form-data parser of the Manual Opt-Out upload
// (daemon/admin/multipart_parser.cpp): the request's Content-Type and body are outside input.
// Input: a control byte (chunking and stop point), the Content-Type value up to the first
// newline, then the body. Invariants:
//  - multipart_boundary gives 1..70 characters or a message; a quoted boundary comes back;
//  - the same parts (headers, data, ends) and the same error whether the body is fed whole,
//    byte by byte or in input-dependent chunks;
//  - part data is never empty in a callback, never holds the delimiter, is a piece of the
//    body, and all parts' data together is no longer than the body; begin/data/end nest;
//  - an error is sticky; success means the closing delimiter was in the body;
//  - a handler that stops at the k-th part gets exactly the first k part beginnings;
//  - a body written from input pieces (whatever their bytes) parses back to those pieces.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/multipart_parser.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace admin = smppgw::admin;
using smppgw::fuzz::as_text;
using smppgw::fuzz::check_same;

struct Part {
  admin::MultipartPart head;
  std::string data;
  bool ended = false;
};

bool operator==(const Part& a, const Part& b) {
  return a.head.name == b.head.name && a.head.filename == b.head.filename &&
         a.head.has_filename == b.head.has_filename && a.head.content_type == b.head.content_type &&
         a.data == b.data && a.ended == b.ended;
}

class Recorder : public admin::MultipartHandler {
 public:
  explicit Recorder(std::size_t stop_at_part) : stop_at_part_(stop_at_part) {}

  bool on_part_begin(const admin::MultipartPart& part) override {
    FUZZ_CHECK(!in_part_);
    parts.push_back({part, {}, false});
    in_part_ = true;
    return parts.size() != stop_at_part_;
  }
  bool on_part_data(std::string_view data) override {
    FUZZ_CHECK(in_part_);
    FUZZ_CHECK(!data.empty());
    parts.back().data.append(data);
    return true;
  }
  bool on_part_end() override {
    FUZZ_CHECK(in_part_);
    parts.back().ended = true;
    in_part_ = false;
    return true;
  }

  std::vector<Part> parts;

 private:
  std::size_t stop_at_part_;  // 0: never stop
  bool in_part_ = false;
};

struct Parsed {
  std::vector<Part> parts;
  std::optional<admin::MultipartError> error;
  bool done = false;
  bool operator==(const Parsed&) const = default;
};

enum class Chunking { whole, bytes, input };

Parsed parse(std::string_view boundary, std::string_view body, Chunking chunking, std::uint8_t seed,
             std::size_t stop_at_part = 0) {
  admin::MultipartParser parser(boundary);
  Recorder recorder(stop_at_part);
  Parsed out;
  std::size_t at = 0;
  std::size_t step = seed;
  while (at < body.size() && !out.error) {
    std::size_t n = body.size() - at;
    if (chunking == Chunking::bytes) n = 1;
    if (chunking == Chunking::input) {
      n = std::min<std::size_t>(n, 1 + static_cast<std::uint8_t>(body[step % body.size()]) % 29);
      step = step * 17 + 3;
    }
    if (auto r = parser.feed(body.substr(at, n), recorder); !r) out.error = r.error();
    at += n;
  }
  if (!out.error) {
    if (auto r = parser.finish(); !r) out.error = r.error();
  }
  if (out.error) {
    const std::size_t parts = recorder.parts.size();
    const auto again = parser.feed("\r\n--x--\r\n", recorder);
    FUZZ_CHECK(!again && again.error() == *out.error);
    const auto end = parser.finish();
    FUZZ_CHECK(!end && end.error() == *out.error);
    FUZZ_CHECK(recorder.parts.size() == parts);
    FUZZ_CHECK(!admin::describe(*out.error).empty());
  }
  out.parts = std::move(recorder.parts);
  out.done = parser.done();
  return out;
}

// For the log of a failed comparison.
void print(const char* label, const Parsed& p) {
  std::fprintf(stderr, "%s: error %d, done %d, %zu parts:", label,
               p.error ? static_cast<int>(*p.error) : -1, p.done ? 1 : 0, p.parts.size());
  for (const Part& part : p.parts) {
    std::fprintf(stderr, " [name %zu B, data %zu B, ended %d]", part.head.name.size(),
                 part.data.size(), part.ended ? 1 : 0);
  }
  std::fprintf(stderr, "\n");
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void check_parsed(const Parsed& p, std::string_view boundary, std::string_view body) {
  const std::string delimiter = "\r\n--" + std::string(boundary);
  std::size_t data = 0;
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    const Part& part = p.parts[i];
    data += part.data.size();
    FUZZ_CHECK(body.find(part.data) != std::string_view::npos);
    FUZZ_CHECK(part.data.find(delimiter) == std::string::npos);
    FUZZ_CHECK(part.head.name.size() <= body.size());
    FUZZ_CHECK(part.head.filename.size() <= body.size());
    FUZZ_CHECK(part.head.content_type.size() <= body.size());
    for (char c : part.head.content_type) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    if (!part.head.has_filename) FUZZ_CHECK(part.head.filename.empty());
    if (i + 1 < p.parts.size()) FUZZ_CHECK(part.ended);
  }
  FUZZ_CHECK(data <= body.size());
  if (!p.error) {
    FUZZ_CHECK(p.done);
    FUZZ_CHECK(p.parts.empty() || p.parts.back().ended);
    FUZZ_CHECK(("\r\n" + std::string(body)).find(delimiter + "--") != std::string::npos);
  }
  if (p.error == admin::MultipartError::incomplete) FUZZ_CHECK(!p.done);
}

// A well-formed body holding `pieces` as file parts; pieces that would end early (they hold
// the delimiter, or run into it) are left out.
void check_written(std::string_view boundary, std::string_view text, std::uint8_t seed) {
  const std::string delimiter = "\r\n--" + std::string(boundary);
  std::vector<std::string> pieces;
  for (std::size_t at = 0, k = 0; at < text.size() && k < 4; ++k) {
    const std::size_t n =
        k == 3 ? text.size() - at : std::min<std::size_t>(text.size() - at, seed % 53);
    std::string piece(text.substr(at, n));
    at += n;
    if ((piece + delimiter).find(delimiter) == piece.size()) pieces.push_back(std::move(piece));
  }
  std::string body = "preamble";
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    body += delimiter + " \r\n";  // transport padding before the CRLF
    body += "Content-Disposition: form-data; name=\"f" + std::to_string(i) + "\"";
    if (i % 2 == 0) body += "; filename=\"list " + std::to_string(i) + ".csv\"";
    body += "\r\nContent-Type: Text/CSV; charset=utf-8\r\n\r\n";
    body += pieces[i];
  }
  body += delimiter + "--\r\nepilogue";
  const Parsed p = parse(boundary, body, Chunking::input, seed);
  FUZZ_CHECK(!p.error && p.done);
  FUZZ_CHECK(p.parts.size() == pieces.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Part& part = p.parts[i];
    FUZZ_CHECK(part.head.name == "f" + std::to_string(i));
    FUZZ_CHECK(part.head.has_filename == (i % 2 == 0));
    if (i % 2 == 0) FUZZ_CHECK(part.head.filename == "list " + std::to_string(i) + ".csv");
    FUZZ_CHECK(part.head.content_type == "text/csv");
    FUZZ_CHECK(part.data == pieces[i] && part.ended);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const std::string_view rest = as_text({data + 1, size - 1});
  const std::size_t nl = rest.find('\n');
  const std::string_view content_type = rest.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);

  const auto boundary = admin::multipart_boundary(content_type);
  if (!boundary) {
    FUZZ_CHECK(!boundary.error().empty());
    check_written("XyZzy", body, control);
    return 0;
  }
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70);
  const auto again =
      admin::multipart_boundary("Multipart/Form-Data; charset=x; boundary=" + quoted(*boundary));
  FUZZ_CHECK(again.has_value() && *again == *boundary);

  const Parsed whole = parse(*boundary, body, Chunking::whole, control);
  check_parsed(whole, *boundary, body);
  check_same(parse(*boundary, body, Chunking::bytes, control), whole, "byte by byte", print);
  check_same(parse(*boundary, body, Chunking::input, control), whole, "input chunks", print);

  // Stopping at the k-th part: the first k beginnings, then `stopped` for good.
  const std::size_t k = 1 + control % 3;
  const Parsed stopped = parse(*boundary, body, Chunking::input, control, k);
  if (whole.parts.size() >= k) {
    FUZZ_CHECK(stopped.error == admin::MultipartError::stopped);
    FUZZ_CHECK(stopped.parts.size() == k);
    for (std::size_t i = 0; i + 1 < k; ++i) FUZZ_CHECK(stopped.parts[i] == whole.parts[i]);
    FUZZ_CHECK(stopped.parts[k - 1].head.name == whole.parts[k - 1].head.name);
    FUZZ_CHECK(stopped.parts[k - 1].data.empty() && !stopped.parts[k - 1].ended);
  } else {
    FUZZ_CHECK(stopped == whole);
  }

  check_written(*boundary, body, control);
  return 0;
}
