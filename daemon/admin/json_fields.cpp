#include "daemon/admin/json_fields.hpp"

#include <nlohmann/json.hpp>

namespace smppgw::admin {

namespace {

using Json = nlohmann::json;

// SAX events at depth 1 are the members' values; deeper events belong to a member's array
// or object and are skipped.
class FieldsSax final : public nlohmann::json_sax<Json> {
 public:
  explicit FieldsSax(std::span<JsonField> fields) : fields_(fields) {}

  bool object_seen() const { return object_; }

  bool null() override { return value(JsonField::Kind::null, nullptr); }
  bool boolean(bool) override { return value(JsonField::Kind::other, nullptr); }
  bool number_integer(number_integer_t) override { return value(JsonField::Kind::other, nullptr); }
  bool number_unsigned(number_unsigned_t) override {
    return value(JsonField::Kind::other, nullptr);
  }
  bool number_float(number_float_t, const string_t&) override {
    return value(JsonField::Kind::other, nullptr);
  }
  bool string(string_t& s) override { return value(JsonField::Kind::string, &s); }
  bool binary(binary_t&) override { return value(JsonField::Kind::other, nullptr); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) {
      object_ = true;
    } else {
      value(JsonField::Kind::other, nullptr);
    }
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      current_ = nullptr;
      for (auto& f : fields_) {
        if (f.name == k) current_ = &f;
      }
    }
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return false;  // a top-level array is not an object: stop here
    value(JsonField::Kind::other, nullptr);
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  // A value at depth 1 sets the member named by the last key (the last one given wins).
  bool value(JsonField::Kind kind, string_t* s) {
    if (depth_ == 0) return false;  // a top-level scalar is not an object
    if (depth_ == 1 && current_) {
      current_->kind = kind;
      if (s) {
        current_->value.swap(*s);
      } else {
        current_->value.clear();
      }
    }
    return true;
  }

  std::span<JsonField> fields_;
  JsonField* current_ = nullptr;
  int depth_ = 0;
  bool object_ = false;
};

}  // namespace

bool read_json_fields(std::string_view body, std::span<JsonField> fields) {
  for (auto& f : fields) {
    f.kind = JsonField::Kind::absent;
    f.value.clear();
  }
  FieldsSax sax(fields);
  const bool ok = Json::sax_parse(body, &sax, Json::input_format_t::json, true);
  return ok && sax.object_seen();
}

}  // namespace smppgw::admin
