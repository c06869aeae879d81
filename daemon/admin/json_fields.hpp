// The top-level members of a JSON object request body, read without building a document:
// for each member asked for, whether it is absent, null, a string (with its value) or of
// another type. The hot routes (POST /v1/messages) read a handful of string members; a
// document costs a tree node, a map node and a string per member. Acceptance is exactly
// Json::parse's (the same lexer and grammar, strict): what it refuses, this refuses, and a
// member given twice keeps its last value, as in the document.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smppgw::admin {

struct JsonField {
  enum class Kind { absent, null, string, other };
  std::string_view name;
  Kind kind = Kind::absent;
  std::string value;  // when kind == string
};

// Fills `fields` (matched by name) from `body`; false when `body` is not one JSON object.
bool read_json_fields(std::string_view body, std::span<JsonField> fields);

}  // namespace smppgw::admin
