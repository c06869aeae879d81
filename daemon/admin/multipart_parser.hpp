// A streaming multipart/form-data parser (RFC 7578 over RFC 2046): body chunks of any
// size go in, part headers and part data come out as they are found. It keeps at most one
// delimiter's worth of bytes (plus one part's header block) between chunks, never a part.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::admin {

struct MultipartPart {
  std::string name;           // Content-Disposition: form-data; name="..."
  std::string filename;       // filename="..." (empty when absent)
  bool has_filename = false;  // a file input sends filename="" when no file was chosen
  std::string content_type;   // lowercased, parameters dropped; empty when absent
};

// What the parser reports to; any callback may return false to stop the parse (the
// caller then holds the reason).
class MultipartHandler {
 public:
  virtual ~MultipartHandler() = default;
  virtual bool on_part_begin(const MultipartPart& part) = 0;
  virtual bool on_part_data(std::string_view data) = 0;
  virtual bool on_part_end() = 0;
};

enum class MultipartError {
  malformed,        // not multipart framing: a delimiter not followed by CRLF or "--"
  header_too_long,  // a part's header block over kMaxPartHeaderBytes
  incomplete,       // the body ended before the closing delimiter
  stopped,          // a handler returned false
};

std::string_view describe(MultipartError error);

// The boundary parameter of a `multipart/form-data` Content-Type value, or nothing when
// the value is not multipart/form-data or has no valid boundary (RFC 2046 §5.1.1: 1-70
// characters).
tl::expected<std::string, std::string> multipart_boundary(std::string_view content_type);

class MultipartParser {
 public:
  // Headers of one part are short (a name, a filename, a type); this bounds them.
  static constexpr std::size_t kMaxPartHeaderBytes = 16 * 1024;
  // Spaces and tabs allowed between a delimiter and its CRLF (RFC 2046 transport padding).
  static constexpr std::size_t kMaxTransportPadding = 1024;

  explicit MultipartParser(std::string_view boundary);

  tl::expected<void, MultipartError> feed(std::string_view chunk, MultipartHandler& handler);
  // End of body: an error unless the closing delimiter was seen.
  tl::expected<void, MultipartError> finish();

  bool done() const { return state_ == State::epilogue; }

 private:
  enum class State { preamble, after_delimiter, headers, body, epilogue };

  tl::expected<void, MultipartError> fail(MultipartError error);
  bool parse_headers(std::string_view block, MultipartPart& part) const;

  std::string delimiter_;  // "\r\n--" + boundary
  std::string buf_;
  State state_ = State::preamble;
  bool failed_ = false;
  MultipartError error_ = MultipartError::malformed;
};

}  // namespace smppgw::admin
