// The text forms of PostgreSQL's documentation: "Binary Data Types" (hex format) and "Arrays"
// (array value input/output).
#include "store/postgres/sql_text.hpp"

#include <charconv>

namespace smppgw::store::postgres::sql {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void append_bytea(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + 2 + 2 * bytes.size());
  out += "\\x";
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
}

std::string bytea(std::string_view bytes) {
  std::string out;
  append_bytea(out, bytes);
  return out;
}

std::optional<std::string> from_bytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return std::nullopt;
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

void ArrayLiteral::separate() {
  if (count_++ != 0) text_.push_back(',');
}

void ArrayLiteral::add(std::string_view element) {
  separate();
  text_.push_back('"');
  for (char c : element) {
    if (c == '"' || c == '\\') text_.push_back('\\');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void ArrayLiteral::add_bytea(std::string_view bytes) {
  // "\x..." inside a quoted element: the backslash is escaped, hex digits need nothing.
  separate();
  text_ += "\"\\\\x";
  for (unsigned char b : bytes) {
    text_.push_back(kHex[b >> 4]);
    text_.push_back(kHex[b & 0xf]);
  }
  text_.push_back('"');
}

void ArrayLiteral::add(std::int64_t number) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
  (void)ec;
  text_.append(buf, end);
}

void ArrayLiteral::add_null() {
  separate();
  text_ += "NULL";
}

std::string ArrayLiteral::take() {
  text_.push_back('}');
  std::string out = std::move(text_);
  text_.assign(1, '{');
  count_ = 0;
  return out;
}

std::string text_array(const std::vector<std::string>& elements) {
  ArrayLiteral a;
  for (const auto& e : elements) a.add(std::string_view(e));
  return a.take();
}

std::string int_array(const std::vector<std::int64_t>& elements) {
  ArrayLiteral a;
  for (auto e : elements) a.add(e);
  return a.take();
}

std::optional<std::vector<std::optional<std::string>>> parse_array(std::string_view text) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
  std::vector<std::optional<std::string>> out;
  std::size_t i = 1;
  const std::size_t end = text.size() - 1;
  if (i == end) return out;  // {}
  for (;;) {
    if (i >= end) return std::nullopt;  // an element was expected
    if (text[i] == '"') {
      std::string e;
      for (++i;; ++i) {
        if (i >= end) return std::nullopt;  // no closing quote
        if (text[i] == '\\') {
          if (++i >= end) return std::nullopt;
          e.push_back(text[i]);
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          e.push_back(text[i]);
        }
      }
      out.emplace_back(std::move(e));
    } else {
      const std::size_t start = i;
      while (i < end && text[i] != ',') {
        if (text[i] == '"' || text[i] == '{' || text[i] == '}' || text[i] == '\\')
          return std::nullopt;  // nested arrays and stray quotes are not the store's
        ++i;
      }
      const std::string_view e = text.substr(start, i - start);
      if (e.empty()) return std::nullopt;
      if (e == "NULL")
        out.emplace_back(std::nullopt);
      else
        out.emplace_back(std::string(e));
    }
    if (i == end) return out;
    if (text[i] != ',') return std::nullopt;
    ++i;
  }
}

std::optional<std::vector<std::string>> parse_text_array(std::string_view text) {
  auto elements = parse_array(text);
  if (!elements) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(elements->size());
  for (auto& e : *elements) {
    if (!e) return std::nullopt;
    out.push_back(std::move(*e));
  }
  return out;
}

std::optional<std::int64_t> to_int64(const std::optional<std::string>& column) {
  if (!column || column->empty()) return std::nullopt;
  std::int64_t v = 0;
  const char* b = column->data();
  const char* e = b + column->size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc{} || p != e) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> to_uint64(const std::optional<std::string>& column) {
  auto v = to_int64(column);
  if (!v || *v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

}  // namespace smppgw::store::postgres::sql
