// The Manual Opt-Out request processor (SPEC §6): phone lists (CSV text, multipart parts or
// JSON arrays) go in, numbers are normalised to E.164, duplicates across the whole upload
// and invalid rows are counted, and valid numbers are handed to the store in batches. It
// blocks the calling thread to keep at most a few batches in flight, so it runs on an admin
// worker thread, never on the event loop.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "conf/phone_number.hpp"
#include "daemon/admin/phone_list_reader.hpp"
#include "daemon/admin/phone_set.hpp"
#include "store/types.hpp"

namespace smppgw::admin {

// What the store did with one batch of distinct E.164 numbers.
using OptOutBatchResult = store::OptOutBatchResult;

// Where batches go: the store writer's bulk opt-out request, or a fake in unit tests.
class OptOutBatchSink {
 public:
  using Done = std::function<void(tl::expected<OptOutBatchResult, std::string>)>;
  virtual ~OptOutBatchSink() = default;
  // Applies `phones` (distinct, E.164) atomically and durably, then calls `done` exactly
  // once, from any thread, with the counts or why nothing of the batch was applied.
  virtual void apply(std::vector<std::string> phones, Done done) = 0;
};

struct OptOutRowError {
  std::uint64_t row = 0;
  std::string value;
  std::string reason;
};

// The result body of SPEC §6, plus how the request ended.
struct OptOutReport {
  std::uint64_t rows = 0;
  std::uint64_t opted_out = 0;
  std::uint64_t already_opted_out = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t invalid = 0;
  std::vector<OptOutRowError> errors;  // the first kMaxListedErrors invalid rows
  // Numbers handed to the store whose batch did not complete (refusal or store failure
  // midway): none of these is counted above, and none of them was applied.
  std::uint64_t not_applied = 0;
  std::optional<std::string> store_failure;  // set when a batch failed
};

class OptOutUpload {
 public:
  struct Options {
    std::size_t batch_size = 20'000;       // numbers per write request
    std::size_t max_in_flight = 2;         // batches submitted and not yet completed
    std::size_t max_listed_errors = 1000;  // SPEC §6: errors lists at most the first 1000
  };

  OptOutUpload(const conf::PhoneNormalizer& normalizer, OptOutBatchSink& sink, Options options);
  OptOutUpload(const conf::PhoneNormalizer& normalizer, OptOutBatchSink& sink)
      : OptOutUpload(normalizer, sink, Options{}) {}
  ~OptOutUpload();

  OptOutUpload(const OptOutUpload&) = delete;
  OptOutUpload& operator=(const OptOutUpload&) = delete;

  // One CSV list (a text/csv body, or one multipart part). `source_name` names it in a
  // refusal ("The file list.csv"). A refusal means the whole list is not a phone CSV.
  void begin_list(std::string source_name);
  tl::expected<void, ListRefusal> feed(std::string_view chunk);
  tl::expected<void, ListRefusal> end_list();

  // One number of a JSON list; `row` is its 1-based position.
  void add_phone(std::uint64_t row, std::string_view value);

  // True once a batch failed in the store; the caller should stop reading and finish().
  bool store_failed() const;

  // Submits the last partial batch, waits for every batch and returns the counts.
  OptOutReport finish();
  // Drops the numbers not yet submitted (the request was refused), waits for the batches
  // already submitted and returns what they applied.
  OptOutReport abandon();

 private:
  void on_row(std::uint64_t row, std::string_view value);
  void submit_pending();
  void wait_all();

  const conf::PhoneNormalizer& normalizer_;
  OptOutBatchSink& sink_;
  Options options_;
  std::optional<PhoneListReader> list_;
  PhoneSet seen_;
  std::vector<std::string> pending_;
  OptOutReport report_;

  mutable std::mutex mutex_;  // guards what batch completions touch, below
  std::condition_variable changed_;
  std::size_t in_flight_ = 0;
  std::uint64_t in_flight_numbers_ = 0;
  std::uint64_t applied_opted_out_ = 0;
  std::uint64_t applied_already_ = 0;
  std::optional<std::string> failure_;
  std::uint64_t failed_numbers_ = 0;
};

}  // namespace smppgw::admin
