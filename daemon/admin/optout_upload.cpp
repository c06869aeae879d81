// Counting rules: every non-blank data row counts in `rows`, then exactly one of
// `invalid` (not a possible subscriber number), `duplicates` (its E.164 form was seen
// earlier in this upload) or, once its batch is applied, `opted_out`/`already_opted_out`.
#include "daemon/admin/optout_upload.hpp"

#include <utility>

namespace smppgw::admin {

namespace {

// A value echoed back in `errors` is cut here: a pasted paragraph is not worth returning.
constexpr std::size_t kMaxEchoedValue = 100;

}  // namespace

OptOutUpload::OptOutUpload(const conf::PhoneNormalizer& normalizer, OptOutBatchSink& sink,
                           Options options)
    : normalizer_(normalizer), sink_(sink), options_(options) {
  pending_.reserve(options_.batch_size);
}

OptOutUpload::~OptOutUpload() {
  // Completions refer to this object: never leave with a batch in flight.
  wait_all();
}

void OptOutUpload::begin_list(std::string source_name) {
  list_.emplace(std::move(source_name));
}

tl::expected<void, ListRefusal> OptOutUpload::feed(std::string_view chunk) {
  if (!list_) list_.emplace("The list");
  return list_->feed(chunk, [this](std::uint64_t row, std::string_view v) { on_row(row, v); });
}

tl::expected<void, ListRefusal> OptOutUpload::end_list() {
  if (!list_) return {};
  auto r = list_->finish([this](std::uint64_t row, std::string_view v) { on_row(row, v); });
  list_.reset();
  return r;
}

void OptOutUpload::add_phone(std::uint64_t row, std::string_view value) {
  on_row(row, value);
}

void OptOutUpload::on_row(std::uint64_t row, std::string_view value) {
  ++report_.rows;
  auto invalid = [&](std::string reason) {
    ++report_.invalid;
    if (report_.errors.size() < options_.max_listed_errors) {
      report_.errors.push_back(
          OptOutRowError{row, std::string(value.substr(0, kMaxEchoedValue)), std::move(reason)});
    }
  };
  if (value.empty()) return invalid("no phone number in this row");
  auto e164 = normalizer_.normalize(value);
  if (!e164) return invalid(e164.error().reason);
  auto key = e164_key(*e164);
  if (!key) return invalid("a short code, not a subscriber's phone number");
  if (!seen_.insert(*key)) {
    ++report_.duplicates;
    return;
  }
  pending_.push_back(std::move(*e164));
  if (pending_.size() >= options_.batch_size) submit_pending();
}

bool OptOutUpload::store_failed() const {
  std::lock_guard lock(mutex_);
  return failure_.has_value();
}

void OptOutUpload::submit_pending() {
  if (pending_.empty()) return;
  std::vector<std::string> batch;
  batch.swap(pending_);
  pending_.reserve(options_.batch_size);
  const std::uint64_t n = batch.size();
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return in_flight_ < options_.max_in_flight; });
    if (failure_) {
      // After one failed batch nothing more is sent: the report stays exact.
      failed_numbers_ += n;
      return;
    }
    ++in_flight_;
    in_flight_numbers_ += n;
  }
  sink_.apply(std::move(batch), [this, n](tl::expected<OptOutBatchResult, std::string> result) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    in_flight_numbers_ -= n;
    if (result) {
      applied_opted_out_ += result->opted_out;
      applied_already_ += result->already_opted_out;
    } else {
      failed_numbers_ += n;
      if (!failure_) failure_ = std::move(result.error());
    }
    changed_.notify_all();
  });
}

void OptOutUpload::wait_all() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return in_flight_ == 0; });
}

OptOutReport OptOutUpload::finish() {
  submit_pending();
  wait_all();
  std::lock_guard lock(mutex_);
  OptOutReport report = std::move(report_);
  report.opted_out = applied_opted_out_;
  report.already_opted_out = applied_already_;
  report.not_applied = failed_numbers_;
  report.store_failure = failure_;
  return report;
}

OptOutReport OptOutUpload::abandon() {
  pending_.clear();
  return finish();
}

}  // namespace smppgw::admin
