// Media-type rules. A browser sends a file input even when no file was chosen (an empty
// part with filename=""): such a part is no list. A file is accepted by its name (.csv or
// .txt) and refused by a type that is clearly not text (an image, a spreadsheet, an archive),
// and in every case by its content (binary bytes, no `phone` header) — the name alone does
// not make a PNG a CSV.
#include "daemon/admin/optout_request.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "daemon/admin/ascii_text.hpp"

namespace smppgw::admin {

namespace {

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string t = ascii_lower(content_type.substr(0, semi));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
  return t;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

UploadRefusal not_csv_media(std::string_view what) {
  return UploadRefusal{415, "unsupported_media_type",
                       std::string(what) + " was refused. " + std::string(kOnlyCsvAccepted)};
}

// The file part's name and type: a CSV or plain-text name, or no name; a type that is
// text, a CSV alias, or the generic ones browsers send.
std::optional<UploadRefusal> check_file_part(const MultipartPart& part) {
  const std::string name = ascii_lower(part.filename);
  const std::string type = part.content_type;
  const std::string label =
      "The file " + (part.filename.empty() ? std::string("uploaded") : "\"" + part.filename + "\"");
  if (!name.empty() && !ends_with(name, ".csv") && !ends_with(name, ".txt")) {
    return not_csv_media(label + " is not a .csv file and");
  }
  const bool text_type = type.empty() || type.starts_with("text/") || type == "application/csv" ||
                         type == "application/octet-stream" ||
                         type == "application/vnd.ms-excel";  // Windows' type for .csv
  if (!text_type) return not_csv_media(label + " has the media type " + type + " and");
  return std::nullopt;
}

}  // namespace

tl::expected<UploadKind, UploadRefusal> classify_upload(std::string_view content_type) {
  const std::string type = media_type(content_type);
  if (type == "text/csv" || type == "application/csv" || type == "text/plain") {
    return UploadKind{UploadFormat::csv, {}};
  }
  if (type == "application/json") return UploadKind{UploadFormat::json, {}};
  if (type == "multipart/form-data") {
    auto boundary = multipart_boundary(content_type);
    if (!boundary) return tl::unexpected(UploadRefusal{400, "malformed", boundary.error() + "."});
    return UploadKind{UploadFormat::multipart, std::move(*boundary)};
  }
  return tl::unexpected(not_csv_media(type.empty() ? std::string("A body without a Content-Type")
                                                   : "A body of media type " + type));
}

// Routes the parts of a form: `file` and `phones` are lists, other fields are ignored.
class OptOutRequest::FormHandler : public MultipartHandler {
 public:
  explicit FormHandler(OptOutUpload& upload) : upload_(upload) {}

  std::optional<UploadRefusal> refusal;
  int lists = 0;

  bool on_part_begin(const MultipartPart& part) override {
    list_open_ = false;
    in_list_ = false;
    if (part.name == "file") {
      if (part.has_filename && part.filename.empty()) {
        // No file chosen; if it still carries data, judge it like any file.
        source_ = "The uploaded file";
      } else {
        source_ = "The file \"" + part.filename + "\"";
      }
      if (auto r = check_file_part(part)) {
        refusal = std::move(r);
        return false;
      }
      in_list_ = true;
    } else if (part.name == "phones") {
      source_ = "The pasted numbers";
      in_list_ = true;
    }
    return true;
  }

  bool on_part_data(std::string_view data) override {
    if (!in_list_) return true;
    if (!list_open_) {
      upload_.begin_list(source_);
      list_open_ = true;
      ++lists;
    }
    if (auto r = upload_.feed(data); !r) {
      refusal = UploadRefusal{422, "not_csv", std::move(r.error().message)};
      return false;
    }
    return true;
  }

  bool on_part_end() override {
    if (list_open_) {
      list_open_ = false;
      if (auto r = upload_.end_list(); !r) {
        refusal = UploadRefusal{422, "not_csv", std::move(r.error().message)};
        return false;
      }
    }
    in_list_ = false;
    return true;
  }

 private:
  OptOutUpload& upload_;
  std::string source_;
  bool in_list_ = false;
  bool list_open_ = false;
};

OptOutRequest::OptOutRequest(UploadKind kind, const conf::PhoneNormalizer& normalizer,
                             OptOutBatchSink& sink, OptOutUpload::Options options)
    : kind_(std::move(kind)), upload_(normalizer, sink, options) {
  if (kind_.format == UploadFormat::multipart) {
    multipart_.emplace(kind_.boundary);
    form_ = std::make_unique<FormHandler>(upload_);
  }
}

OptOutRequest::~OptOutRequest() = default;

tl::expected<void, UploadRefusal> OptOutRequest::feed(std::string_view chunk) {
  if (upload_.store_failed()) return {};  // finish() reports it; the rest is not read
  switch (kind_.format) {
    case UploadFormat::csv: {
      if (!csv_started_) {
        upload_.begin_list("The CSV body");
        csv_started_ = true;
      }
      auto r = upload_.feed(chunk);
      if (!r) return tl::unexpected(UploadRefusal{422, "not_csv", std::move(r.error().message)});
      return {};
    }
    case UploadFormat::multipart: {
      auto r = multipart_->feed(chunk, *form_);
      if (r) return {};
      if (form_->refusal) return tl::unexpected(*form_->refusal);
      return tl::unexpected(
          UploadRefusal{400, "malformed", std::string(describe(r.error())) + "."});
    }
    case UploadFormat::json:
      if (json_.size() + chunk.size() > kMaxJsonBytes) {
        return tl::unexpected(UploadRefusal{
            413, "too_large",
            "A JSON list is limited to 16 MiB; send long lists as a CSV file (text/csv)."});
      }
      json_.append(chunk);
      return {};
  }
  return {};
}

tl::expected<OptOutReport, UploadRefusal> OptOutRequest::finish() {
  switch (kind_.format) {
    case UploadFormat::csv:
      if (!csv_started_) upload_.begin_list("The CSV body");
      if (auto r = upload_.end_list(); !r) {
        return tl::unexpected(UploadRefusal{422, "not_csv", std::move(r.error().message)});
      }
      break;
    case UploadFormat::multipart:
      if (auto r = multipart_->finish(); !r) {
        return tl::unexpected(
            UploadRefusal{400, "malformed", std::string(describe(r.error())) + "."});
      }
      if (form_->lists == 0) {
        return tl::unexpected(UploadRefusal{
            422, "no_list",
            "The form holds no list: choose a CSV file (part \"file\") or paste numbers under "
            "the phone header (part \"phones\"). " +
                std::string(kOnlyCsvAccepted)});
      }
      break;
    case UploadFormat::json: {
      auto doc = nlohmann::json::parse(json_, nullptr, false);
      json_.clear();
      json_.shrink_to_fit();
      if (doc.is_discarded()) {
        return tl::unexpected(UploadRefusal{400, "malformed", "The body is not valid JSON."});
      }
      if (!doc.is_object() || !doc.contains("phones") || !doc["phones"].is_array()) {
        return tl::unexpected(
            UploadRefusal{422, "invalid_value",
                          "The JSON body must be an object {\"phones\": [\"+1...\", ...]}."});
      }
      std::uint64_t row = 0;
      for (const auto& v : doc["phones"]) {
        ++row;
        if (v.is_string()) {
          upload_.add_phone(row, v.get_ref<const std::string&>());
        } else if (v.is_number_unsigned()) {
          upload_.add_phone(row, std::to_string(v.get<std::uint64_t>()));
        } else {
          upload_.add_phone(row, v.dump());  // counted invalid with its text
        }
        if (upload_.store_failed()) break;
      }
      break;
    }
  }
  return upload_.finish();
}

OptOutReport OptOutRequest::abandon() {
  return upload_.abandon();
}

}  // namespace smppgw::admin
