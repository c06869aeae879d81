// The parser searches for "\r\n--boundary" in a small rolling buffer. The buffer starts
// with a virtual CRLF so that a delimiter at the very start of the body (no preamble) is
// found by the same search as every later one.
#include "daemon/admin/multipart_parser.hpp"

#include <algorithm>

#include "daemon/admin/ascii_text.hpp"

namespace smppgw::admin {

namespace {

// Splits `value` ("form-data; name=\"file\"; filename=\"a.csv\"") into its parameters and
// calls fn(lowercased name, unquoted value) for each; the first token is the type.
template <class Fn>
std::string parse_parameters(std::string_view value, Fn&& fn) {
  std::size_t semi = value.find(';');
  std::string type = ascii_lower(trim_blanks(value.substr(0, semi)));
  std::size_t i = semi == std::string_view::npos ? value.size() : semi + 1;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == ';')) ++i;
    std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name = ascii_lower(trim_blanks(value.substr(i, eq - i)));
    i = eq + 1;
    std::string v;
    if (i < value.size() && value[i] == '"') {
      ++i;
      while (i < value.size() && value[i] != '"') {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        v.push_back(value[i++]);
      }
      ++i;  // closing quote
      std::size_t next = value.find(';', std::min(i, value.size()));
      i = next == std::string_view::npos ? value.size() : next + 1;
    } else {
      std::size_t next = value.find(';', i);
      std::size_t end = next == std::string_view::npos ? value.size() : next;
      v = std::string(trim_blanks(value.substr(i, end - i)));
      i = next == std::string_view::npos ? value.size() : next + 1;
    }
    fn(name, std::move(v));
  }
  return type;
}

}  // namespace

std::string_view describe(MultipartError error) {
  switch (error) {
    case MultipartError::malformed:
      return "the multipart/form-data body is malformed";
    case MultipartError::header_too_long:
      return "a part of the multipart/form-data body has headers that are too long";
    case MultipartError::incomplete:
      return "the multipart/form-data body ended before its closing boundary";
    case MultipartError::stopped:
      return "the upload was stopped";
  }
  return "malformed multipart/form-data body";
}

tl::expected<std::string, std::string> multipart_boundary(std::string_view content_type) {
  std::string boundary;
  bool found = false;
  std::string type = parse_parameters(content_type, [&](const std::string& name, std::string v) {
    if (name == "boundary") {
      boundary = std::move(v);
      found = true;
    }
  });
  if (type != "multipart/form-data") {
    return tl::unexpected(std::string("the Content-Type is not multipart/form-data"));
  }
  if (!found || boundary.empty() || boundary.size() > 70) {
    return tl::unexpected(
        std::string("the multipart/form-data Content-Type has no valid boundary"));
  }
  return boundary;
}

MultipartParser::MultipartParser(std::string_view boundary)
    : delimiter_("\r\n--" + std::string(boundary)), buf_("\r\n") {}

tl::expected<void, MultipartError> MultipartParser::fail(MultipartError error) {
  failed_ = true;
  error_ = error;
  buf_.clear();
  buf_.shrink_to_fit();
  return tl::unexpected(error);
}

bool MultipartParser::parse_headers(std::string_view block, MultipartPart& part) const {
  // `block` is a sequence of "name: value" lines separated by CRLF.
  while (!block.empty()) {
    std::size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
    if (line.empty()) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string name = ascii_lower(trim_blanks(line.substr(0, colon)));
    std::string_view value = trim_blanks(line.substr(colon + 1));
    if (name == "content-disposition") {
      parse_parameters(value, [&](const std::string& param, std::string v) {
        if (param == "name") {
          part.name = std::move(v);
        } else if (param == "filename") {
          part.filename = std::move(v);
          part.has_filename = true;
        }
      });
    } else if (name == "content-type") {
      part.content_type = parse_parameters(value, [](const std::string&, std::string) {});
    }
  }
  return true;
}

tl::expected<void, MultipartError> MultipartParser::feed(std::string_view chunk,
                                                         MultipartHandler& handler) {
  if (failed_) return tl::unexpected(error_);
  if (state_ == State::epilogue) return {};  // the epilogue is ignored (RFC 2046)
  buf_.append(chunk);
  std::size_t pos = 0;  // consumed prefix of buf_
  const std::size_t keep = delimiter_.size() - 1;
  while (true) {
    std::string_view rest = std::string_view(buf_).substr(pos);
    if (state_ == State::preamble || state_ == State::body) {
      std::size_t hit = rest.find(delimiter_);
      if (hit == std::string_view::npos) {
        // Everything but a possible partial delimiter at the end is part data.
        if (rest.size() > keep) {
          std::size_t n = rest.size() - keep;
          if (state_ == State::body && !handler.on_part_data(rest.substr(0, n))) {
            return fail(MultipartError::stopped);
          }
          pos += n;
        }
        break;
      }
      if (state_ == State::body) {
        if (hit > 0 && !handler.on_part_data(rest.substr(0, hit))) {
          return fail(MultipartError::stopped);
        }
        if (!handler.on_part_end()) return fail(MultipartError::stopped);
      }
      pos += hit + delimiter_.size();
      state_ = State::after_delimiter;
    } else if (state_ == State::after_delimiter) {
      if (rest.size() < 2) break;
      if (rest.substr(0, 2) == "--") {
        state_ = State::epilogue;
        buf_.clear();
        return {};
      }
      // Transport padding (spaces, tabs) may precede the CRLF.
      // The limit is on the padding itself, so that the answer does not depend on how the
      // body was cut into chunks.
      std::size_t i = 0;
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
      if (i > kMaxTransportPadding) return fail(MultipartError::malformed);
      if (i + 2 > rest.size()) break;
      if (rest.substr(i, 2) != "\r\n") return fail(MultipartError::malformed);
      pos += i;  // leave the CRLF: the header search below expects it first
      state_ = State::headers;
    } else if (state_ == State::headers) {
      std::size_t end = rest.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        // Up to 3 bytes of the terminator may have arrived: a block of exactly the limit
        // must not fail just because its end came in a later chunk.
        if (rest.size() > kMaxPartHeaderBytes + 3) return fail(MultipartError::header_too_long);
        break;
      }
      if (end > kMaxPartHeaderBytes) return fail(MultipartError::header_too_long);
      MultipartPart part;
      // rest starts with the CRLF that ended the delimiter line; end == 0: no headers.
      if (!parse_headers(rest.substr(2, end > 2 ? end - 2 : 0), part)) {
        return fail(MultipartError::malformed);
      }
      pos += end + 4;
      state_ = State::body;
      if (!handler.on_part_begin(part)) return fail(MultipartError::stopped);
    } else {
      break;
    }
  }
  buf_.erase(0, pos);
  return {};
}

tl::expected<void, MultipartError> MultipartParser::finish() {
  if (failed_) return tl::unexpected(error_);
  if (state_ != State::epilogue) return fail(MultipartError::incomplete);
  return {};
}

}  // namespace smppgw::admin
