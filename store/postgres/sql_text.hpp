// PostgreSQL's text format, both ways (private to store/postgres/): every parameter is sent
// and every column read as text (connection.hpp), so this is the whole codec — bytea as
// "\x" + hex, array literals for the unnest($1::text[]) parameters that send a group's rows in
// one statement, and the array and number forms the server prints. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::store::postgres::sql {

// Any bytes as a bytea value ("\x" then two lower-case hex digits a byte).
std::string bytea(std::string_view bytes);
void append_bytea(std::string& out, std::string_view bytes);
// A bytea value as the server prints it (bytea_output = hex): nullopt if it is not that form.
std::optional<std::string> from_bytea(std::string_view text);

// An array literal built element by element: {"a","b\"c",NULL}. Every element is quoted
// (so empty strings, spaces, commas, braces and the word NULL need no rules) with `"` and `\`
// escaped. Numbers are written bare.
class ArrayLiteral {
 public:
  ArrayLiteral() { text_.push_back('{'); }
  void add(std::string_view element);
  void add_bytea(std::string_view bytes);  // the element is the bytea text of `bytes`
  void add(std::int64_t number);
  void add_null();
  std::size_t size() const { return count_; }
  // The literal; the builder is empty again afterwards.
  std::string take();

 private:
  void separate();
  std::string text_;
  std::size_t count_ = 0;
};

// Convenience for whole vectors.
std::string text_array(const std::vector<std::string>& elements);
std::string int_array(const std::vector<std::int64_t>& elements);

// A one-dimensional array literal as the server prints it (elements quoted only when they
// need it, NULL unquoted, backslash escapes inside quotes): its elements, or nullopt if the
// text is not such a literal.
std::optional<std::vector<std::optional<std::string>>> parse_array(std::string_view text);
// The same, refusing NULL elements (the store's arrays never hold one).
std::optional<std::vector<std::string>> parse_text_array(std::string_view text);

// Numbers as columns hold them; nullopt for NULL, junk or out of range.
std::optional<std::int64_t> to_int64(const std::optional<std::string>& column);
std::optional<std::uint64_t> to_uint64(const std::optional<std::string>& column);

}  // namespace smppgw::store::postgres::sql
