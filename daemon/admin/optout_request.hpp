// One POST /v1/opt-outs request body, whatever its media type (SPEC §6): text/csv, a
// multipart/form-data form with `file` and/or `phones` parts, or JSON {"phones":[...]}.
// Decides which lists the body holds, refuses what is not a phone CSV with the status the
// API answers, and feeds the lists to an OptOutUpload. Sans-I/O: the HTTP server feeds body
// chunks on an admin worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "daemon/admin/multipart_parser.hpp"
#include "daemon/admin/optout_upload.hpp"

namespace smppgw::admin {

// A refusal of the whole request: the HTTP status, the error code and the sentence.
struct UploadRefusal {
  int status = 422;
  std::string code;
  std::string message;
};

enum class UploadFormat { csv, multipart, json };

struct UploadKind {
  UploadFormat format = UploadFormat::csv;
  std::string boundary;  // multipart only
};

// From the request's Content-Type; anything but CSV (text/csv, application/csv, text/plain),
// multipart/form-data or application/json is refused with 415.
tl::expected<UploadKind, UploadRefusal> classify_upload(std::string_view content_type);

class OptOutRequest {
 public:
  // A JSON list is parsed whole, so it is bounded; large lists are sent as CSV.
  static constexpr std::uint64_t kMaxJsonBytes = 16 * 1024 * 1024;

  OptOutRequest(UploadKind kind, const conf::PhoneNormalizer& normalizer, OptOutBatchSink& sink,
                OptOutUpload::Options options = {});
  ~OptOutRequest();

  tl::expected<void, UploadRefusal> feed(std::string_view chunk);
  // End of body: the counts, or a refusal (an incomplete form, no list at all, bad JSON).
  // After a refusal call abandon().
  tl::expected<OptOutReport, UploadRefusal> finish();
  // The request is refused: stop, wait for batches already submitted, report what they did.
  OptOutReport abandon();

 private:
  class FormHandler;

  UploadKind kind_;
  OptOutUpload upload_;
  std::optional<MultipartParser> multipart_;
  std::unique_ptr<FormHandler> form_;
  std::string json_;
  bool csv_started_ = false;
};

}  // namespace smppgw::admin
